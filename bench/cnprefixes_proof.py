"""Not speed: `evidence/cnprefixes.py` against phonenumbers' geocoder and carrier on EVERY +86
prefix of the installed library's data (tests/test_cnprefixes.py runs a sample of them).

    python3 bench/cnprefixes_proof.py        # ~1.5 min on 2 cores

Each prefix is completed to 10- and 11-digit numbers in four ways (valid or not, as
tests/test_cnprefixes.numbers_of does), each asked in zh and en. Prints the counts and every
disagreement; exits 1 if there is one.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import phonenumbers  # noqa: E402
from test_cnprefixes import mismatches, prefixes  # noqa: E402


def main() -> int:
    started = time.process_time()
    every = prefixes()
    wrong, kinds = mismatches(every)
    print(f"phonenumbers {phonenumbers.__version__}: {len(every):,} prefixes, "
          f"{sum(kinds.values()):,} numbers × 2 languages "
          f"({', '.join(f'{kind} {n:,}' for kind, n in kinds.most_common())}), "
          f"{len(wrong)} different, {time.process_time() - started:.0f} CPU-s")
    for line in wrong:
        print(line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
