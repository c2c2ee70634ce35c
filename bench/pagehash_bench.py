"""What the per-page hashes (issue 18) cost a build: the work `integrity.seal` adds per dossier
(open the written file, hash every page's content, fill the slots, hash the file again), run
over the dossiers of an existing build output, single-threaded, CPU and wall time.

    python3 bench/pagehash_bench.py OUT          # OUT: a build's output folder (OUT/V*/dossier.pdf)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pikepdf

from evidence import pagehash


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    dossiers = sorted(p for p in args.out.glob("*/dossier.pdf") if not p.parent.name.startswith("."))
    if not dossiers:
        sys.exit(f"no */dossier.pdf under {args.out}")
    runs = []
    pages = size = 0
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        pages = size = 0
        for pdf in dossiers:
            with pikepdf.open(pdf) as doc:
                pages += len(pagehash.digests(doc))
            data = pdf.read_bytes()  # seal hashes the file again once the slots are filled
            size += len(data)
            hashlib.sha256(data).hexdigest()
        runs.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall_s = sorted(r[0] for r in runs)[len(runs) // 2]
    cpu_s = sorted(r[1] for r in runs)[len(runs) // 2]
    result = {"dossiers": len(dossiers), "pages": pages, "mb": round(size / 1e6, 1),
              "wall_s": round(wall_s, 3), "cpu_s": round(cpu_s, 3),
              "ms_per_page": round(1000 * cpu_s / max(pages, 1), 3),
              "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()}}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
