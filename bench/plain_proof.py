"""issue 23: the bank reader's plain-message filter (`notices._plain`) against the full reading,
on every message of SMS Backup & Restore files (e.g. the one big_inputs_bench.py generates).

    python3 bench/plain_proof.py FILE.xml [...]

Every `<sms>` body is read from its own sender and from a mobile number; wherever the filter
answers, the full reading (`_classify(..., shortcut=False)`) must be the empty SMS reading. Prints
the counts and exits 1 on the first disagreement.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence import notices, times, xmlsafe

SH = times.zone("Asia/Shanghai")
RECEIVED = dt.datetime(2015, 3, 18, 20, 40, tzinfo=SH)


def main() -> int:
    empty = notices.Notice(notices.EventKind.SMS)
    readings = plain = 0
    started = time.process_time()
    for name in sys.argv[1:]:
        seen: set[tuple[str, str]] = set()
        for _tag, _index, elem in xmlsafe.records(Path(name), frozenset({"sms"}), xmlsafe.Outcome()):
            body = elem.get("body") or ""
            for sender in (elem.get("address") or "", "13912345678"):
                readings += 1
                if (body, sender) in seen or not notices._plain(body, sender):
                    continue
                seen.add((body, sender))
                plain += 1
                if notices._classify(body, sender, RECEIVED, SH, shortcut=False) != empty:
                    print(f"DISAGREE: {sender} {body!r}")
                    return 1
    print(f"{readings:,} readings, {plain:,} distinct (body, sender) the filter answered: all equal to "
          f"the full reading ({time.process_time() - started:.0f} CPU-s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
