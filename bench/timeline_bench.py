"""Benchmark: build one victim's timeline from 10,000 events (issue 3: "well under a second").

    python3 bench/timeline_bench.py [--events 10000] [--repeat 5]

Events are synthetic but shaped like real ones: calls, SMS with bodies (10% exported twice, so
the merge has work), bank debits, recordings to match against calls, photos. Only
`timeline.build` (and, separately, `timeline.to_json`) is timed; building the input is not.
Prints one JSON line with the best of N runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence import extract, timeline, times
from evidence.model import Basis, Direction, Event, EventKind, SourceRef, Victim

SH = times.zone("Asia/Shanghai")


def synthetic(n: int, seed: int = 318) -> list[Event]:
    rng = random.Random(seed)
    start = dt.datetime(2015, 3, 1, tzinfo=SH)
    numbers = [f"137571{rng.randrange(10**5):05d}" for _ in range(200)] + ["95588", "95533", "10086"]
    sha = {p: hashlib.sha256(p.encode()).hexdigest() for p in ("sms.xml", "sms.csv", "calls.xml")}
    events: list[Event] = []
    i = 0
    while len(events) < n:
        i += 1
        t = start + dt.timedelta(seconds=rng.randrange(30 * 86400))
        number = rng.choice(numbers)
        roll = rng.random()
        if roll < 0.35:
            duration = rng.randrange(0, 900)
            events.append(Event(t, Basis.EXACT, EventKind.CALL, f"来电：{number}", SourceRef(
                "calls.xml", sha["calls.xml"], f"call[{i}]"), counterparty=number,
                details={"call_type": rng.choice(("incoming", "outgoing", "missed")),
                         "duration_s": str(duration)}))
            if duration and rng.random() < 0.2:
                events.append(Event(t + dt.timedelta(seconds=rng.randrange(1, 30)), Basis.FILENAME,
                                    EventKind.RECORDING, "通话录音", SourceRef(f"rec/{i}.amr", f"{i:064x}", "file"),
                                    counterparty=number, zone_assumed=True, details={"duration_s": "60.00"}))
        elif roll < 0.85:
            body = f"短信内容 {i} {number}"
            events.append(Event(t, Basis.EXACT, EventKind.SMS, body, SourceRef("sms.xml", sha["sms.xml"], f"sms[{i}]"),
                                 counterparty=number, details={"body": body}))
            if rng.random() < 0.1:  # the same SMS in a CSV export
                events.append(Event(t, Basis.EXACT, EventKind.SMS, body, SourceRef(
                    "sms.csv", sha["sms.csv"], f"row {i}"), counterparty=number, zone_assumed=True,
                    details={"body": body}))
        elif roll < 0.95:
            amount = Decimal(rng.randrange(100, 5_000_000)) / 100
            body = f"您尾号1234卡支出{amount}元【工商银行】{i}"
            events.append(Event(t, Basis.EXACT, EventKind.BANK_NOTICE, body, SourceRef(
                "sms.xml", sha["sms.xml"], f"sms[{i}]"), counterparty="95588", amount=amount,
                direction=Direction.DEBIT, details={"body": body}))
        else:
            events.append(Event(t, Basis.EXIF, EventKind.PHOTO, f"照片：{i}.jpg", SourceRef(
                f"DCIM/{i}.jpg", f"{i:064x}", "file")))
    return events[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    events = synthetic(args.events)
    victim = Victim(id="V001", folder=Path(), phone="13912345678")
    ctx = extract.Context(tz=SH, lang="zh-Hans", not_after=dt.datetime(2015, 6, 1, tzinfo=SH), victim=victim)
    build_times, json_times = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        tl = timeline.build(events, victim, ctx)
        t1 = time.perf_counter()
        rows = timeline.to_json(tl, ctx)
        t2 = time.perf_counter()
        build_times.append(t1 - t0)
        json_times.append(t2 - t1)
    matched = sum(1 for e in tl.events if "matched_call" in e.details)
    result = {
        "events_in": len(events), "events_out": len(tl.events), "merged": len(events) - len(tl.events),
        "recordings_matched": matched, "issues": len(tl.issues),
        "total_debited": str(tl.facts.total_debited),
        "build_seconds_best": round(min(build_times), 4), "build_seconds_worst": round(max(build_times), 4),
        "to_json_seconds_best": round(min(json_times), 4), "json_rows": len(rows), "repeat": args.repeat,
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
