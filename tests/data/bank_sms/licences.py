#!/usr/bin/env python3
"""Write the bank_sms table of tests/data/LICENSES.md: one row per split, file, source group and
licence, with its message counts (SMS / app push), from the JSON files themselves.

    python3 tests/data/bank_sms/licences.py           # rewrite the table in place
    python3 tests/data/bank_sms/licences.py --check   # exit 1 when the table is out of date

Only each record's `source_group`, `licence` and `medium` are read (for the test split too:
no body, no label, no result); tests/test_bank_sms_licences.py fails when the table is stale.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
LICENSES = HERE.parent / "LICENSES.md"
BEGIN = "<!-- bank_sms table: written by tests/data/bank_sms/licences.py, do not edit by hand -->"
END = "<!-- end of bank_sms table -->"
SPLITS = ("dev", "test")


def rows(root: Path = HERE) -> list[tuple[str, str, str, str, int, int]]:
    out = []
    for split in SPLITS:
        for path in sorted((root / split).glob("*.json")):
            counts: Counter[tuple[str, str, str]] = Counter()
            for r in json.loads(path.read_text(encoding="utf-8")):
                medium = "app_push" if r.get("medium") == "app_push" else "sms"
                counts[(str(r.get("source_group") or "?"), str(r.get("licence") or "unknown"), medium)] += 1
            for group, licence in sorted({(g, lic) for g, lic, _ in counts}):
                out.append((split, path.name, group, licence, counts[(group, licence, "sms")],
                            counts[(group, licence, "app_push")]))
    return out


def table(root: Path = HERE) -> str:
    lines = ["| split | file | source group | licence as stated | SMS | app push |", "|---|---|---|---|---|---|"]
    total: Counter[str] = Counter()
    for split, name, group, licence, sms, push in rows(root):
        lines.append(f"| {split} | `bank_sms/{split}/{name}` | {group} | {licence} | {sms} | {push} |")
        total[f"{split}_sms"] += sms
        total[f"{split}_push"] += push
    for split in SPLITS:
        n = total[f"{split}_sms"] + total[f"{split}_push"]
        lines.append(f"| {split} | **all {split} files** | | | **{total[f'{split}_sms']}** | "
                     f"**{total[f'{split}_push']}** ({n} messages) |")
    return "\n".join(lines)


def rewritten(text: str, root: Path = HERE) -> str:
    start, end = text.index(BEGIN), text.index(END)
    return text[: start + len(BEGIN)] + "\n" + table(root) + "\n" + text[end:]


def main(argv: list[str]) -> int:
    text = LICENSES.read_text(encoding="utf-8")
    new = rewritten(text)
    if "--check" in argv:
        if new != text:
            print(f"{LICENSES}: the bank_sms table is out of date; run python3 {Path(__file__).name}",
                  file=sys.stderr)
            return 1
        return 0
    LICENSES.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
