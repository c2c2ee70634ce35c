"""How exactly the OCR stage reads facts off phone screenshots (issue 21). Opt-in, not a test.

    nice -n 19 python3 bench/ocr_accuracy.py [--formats png,jpeg,wechat] [--limit N] [--keep DIR]

Draws every screen of `evidence.sample.screens` — the 76 labelled real bank SMS in
`../shared/corpus/bank-sms` as SMS-app conversations (three a screen), one 3·18 victim's lure,
code and debit SMS, the fake customer-service
chats with wrapped phishing links, three bank-app transaction lists and a 12 MP police-receipt
photo — saves each as PNG, JPEG q75 and a WeChat-like recompressed JPEG, and runs each file
through the image reader, the OCR stage (one engine, one thread; results cached under the
keep folder when given) and `ocr.facts`. A fact is exact when the event read back has the
expected amount, direction, card tail and stated time (notices, list rows), code, or domain
(phishing); `url_whole` (informative) counts links read whole, path included, where l/I/1 are
expected to be confused. Prints a table per format and writes bench/results/ocr-accuracy.json.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence import extract, times  # noqa: E402
from evidence.model import EventKind, FileKind, SourceFile, Status  # noqa: E402
from evidence.ocr import facts, stage  # noqa: E402
from evidence.sample import screens  # noqa: E402
from evidence.sources import image  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "bank-sms" / "bank_sms_labelled.json"
RESULTS = ROOT / "bench" / "results" / "ocr-accuracy.json"
SH = times.zone("Asia/Shanghai")


def all_screens(limit: int | None = None) -> list[screens.Screen]:
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    out = [*screens.sms_screens(corpus), *screens.case_screens(), *screens.chat_screens(),
           *screens.bank_list_screens(), screens.police_photo()]
    return out[:limit] if limit else out


def source_file(path: Path, data: bytes) -> SourceFile:
    kind = image.sniff(path, data[:64]) or FileKind.PHOTO
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), kind, Status.ACCEPTED)


def compare(screen: screens.Screen, events: list[Any], hint: str | None) -> dict[str, list[bool]]:
    """Per expected fact: did an event read back match it? Keys: notice (all fields), amount,
    tail, time, code, domain, row (all fields of a list row), hint; plus `extra` for events
    read that match nothing expected."""
    out: dict[str, list[bool]] = collections.defaultdict(list)
    left = list(events)
    for exp in screen.expected:
        same_kind = [e for e in left if e.kind is exp.kind]
        if exp.kind in (EventKind.BANK_NOTICE, EventKind.TRANSACTION):
            def score(e: Any, exp: Any = exp) -> int:
                return sum((e.amount == exp.amount, e.direction is exp.direction,
                            e.details.get("card_tail") == exp.tail, _time(e) == exp.time))
            best = max(same_kind, key=score, default=None)
            ok_amount = best is not None and best.amount == exp.amount and best.direction is exp.direction
            ok_tail = best is not None and best.details.get("card_tail") == exp.tail
            ok_time = best is not None and _time(best) == exp.time
            name = "notice" if exp.kind is EventKind.BANK_NOTICE else "row"
            out[name].append(ok_amount and ok_tail and ok_time)
            out["amount"].append(ok_amount)
            if exp.tail:
                out["tail"].append(ok_tail)
            if exp.time:
                out["time"].append(ok_time)
            if best is not None:
                left.remove(best)
        elif exp.kind is EventKind.VERIFICATION_CODE:
            best = next((e for e in same_kind if e.details.get("code") == exp.code), None)
            out["code"].append(best is not None)
            if best is not None:
                left.remove(best)
        elif exp.kind is EventKind.PHISHING:
            best = next((e for e in same_kind if exp.domain in e.details.get("domains", "").split()), None)
            out["domain"].append(best is not None)
            if exp.url:  # informative: the whole link, path included
                out["url_whole"].append(best is not None and exp.url in best.details.get("urls", "").split())
            if best is not None:
                left.remove(best)
    if screen.hint:
        out["hint"].append(hint == screen.hint)
    out["extra"] = [True] * len(left)
    out["needs_review"] = [True] * sum(e.details.get("needs_review") == "true" for e in events)
    return out


def _time(e: Any) -> dt.datetime | None:
    raw = e.details.get("transaction_time")
    if not raw:
        return None
    parsed = times.parse_local(raw, SH)
    return parsed[0] if parsed else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--formats", default=",".join(screens.FORMATS))
    ap.add_argument("--limit", type=int, default=None, help="only the first N screens")
    ap.add_argument("--keep", type=Path, default=None, help="keep files and the OCR cache here")
    ap.add_argument("--verbose", action="store_true", help="print every miss")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="ocr-accuracy-"))
    folder.mkdir(parents=True, exist_ok=True)
    reader = stage.Reader(folder / "cache")
    ctx = extract.Context(tz=SH, ocr=reader)
    shots = all_screens(args.limit)
    report: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version(),
                                          "platform": platform.platform()},
                              "engine": reader.engine_id(), "screens": len(shots), "formats": {}}
    for fmt in args.formats.split(","):
        totals: dict[str, list[bool]] = collections.defaultdict(list)
        misses: list[str] = []
        started = time.process_time()
        for shot in shots:
            name, data = screens.encode(shot, fmt)
            path = folder / fmt / name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            file = source_file(path, data)
            found, _ = image.read(file, ctx)
            events, issues = facts.attach(file, found, ctx)
            read = [e for e in events if e.details.get("extracted_by") == "ocr"]
            img = next(e for e in events if e.kind in (EventKind.SCREENSHOT, EventKind.PHOTO))
            got = compare(shot, read, img.details.get("document_hint"))
            for key, values in got.items():
                totals[key].extend(values)
                if key not in ("extra", "needs_review", "url_whole") and not all(values):
                    misses.append(f"{fmt} {name} {shot.scene}: {key} {values}")
            if issues:
                misses.extend(f"{fmt} {name}: {i.code} {i.message}" for i in issues)
        cpu = time.process_time() - started
        row: dict[str, Any] = {k: {"exact": sum(v), "of": len(v)} for k, v in sorted(totals.items())
                               if k not in ("extra", "needs_review")}
        row["extra_events"] = len(totals["extra"])
        row["needs_review"] = len(totals["needs_review"])
        row["cpu_s"] = round(cpu, 1)
        report["formats"][fmt] = {"results": row, "misses": misses}
        print(f"\n{fmt}: {len(shots)} screens, {cpu:.0f} CPU-s")
        for k, v in row.items():
            if isinstance(v, dict):
                print(f"  {k:8} {v['exact']:4}/{v['of']:<4} {100 * v['exact'] / max(1, v['of']):5.1f} %")
        print(f"  extra events (matching nothing expected): {row['extra_events']}; "
              f"marked needs_review: {row['needs_review']}")
        if args.verbose:
            print("\n".join("  miss: " + m for m in misses))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten {RESULTS.relative_to(ROOT)}; files in {folder}")


if __name__ == "__main__":
    main()
