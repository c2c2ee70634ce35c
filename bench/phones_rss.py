"""Memory of phone attribution: a fresh interpreter imports `evidence.phones` from TREE (this
checkout by default; give an older one to compare) and attributes a few numbers in zh and en.

    python3 bench/phones_rss.py [TREE] [--foreign]

Prints the RSS before and after the attributions, the peak (VmHWM) and the CPU time; with
--foreign a +1 number is attributed as well (the library's whole geocoder).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys, time
def status(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(field))
from evidence import phones
before, started = status("VmRSS"), time.process_time()
for number in sys.argv[1:]:
    for lang in ("zh-Hans", "en"):
        phones.attribute(number, lang)
print(f"RSS {before:.1f} -> {status('VmRSS'):.1f} MB (+{status('VmRSS') - before:.1f}), "
      f"peak {status('VmHWM'):.1f} MB, {time.process_time() - started:.2f} CPU-s, "
      f"whole geocoder loaded: {'phonenumbers.geodata' in sys.modules}")
"""
NUMBERS = ["13757123456", "19912345678", "057187654321", "13900000000", "95588"]


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--foreign"]
    tree = Path(args[0] if args else Path(__file__).resolve().parents[1]).resolve()
    numbers = NUMBERS + (["+14155550123"] if "--foreign" in sys.argv else [])
    env = {**os.environ, "PYTHONPATH": str(tree)}
    run = subprocess.run([sys.executable, "-c", CHILD, *numbers], cwd=tree, env=env, check=False)
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
