"""Build time of the sample case with and without OCR (issue 21). Opt-in.

    nice -n 19 python3 bench/ocr_build_bench.py [--victims 12] [--jobs 2]

Generates the `evidence sample` case (small scale, seed 318) in a temporary folder and times
`evidence build` as a user runs it, each in a fresh process:

* no-ocr  — `build --no-ocr`: today's build (the baseline);
* cold    — `build --ocr` with an empty OCR cache: the pre-pass reads every distinct accepted
            screenshot and photo (`jobs` workers, one engine each), then the claimants are built;
* warm    — `build --ocr` again after deleting every output but `out/.cache/ocr`: every claimant
            is rebuilt, every page comes from the cache (no engine is built);
* reused  — `build --ocr` once more with nothing changed: every claimant reused.

Reported: wall seconds, CPU seconds of the process and its children, the largest child's peak
RSS, images read. Writes bench/results/ocr-build-bench.json with the date and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), *args]


_WRAP = """import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "cpu": use.ru_utime + use.ru_stime, "rss_kb": use.ru_maxrss,
                  "out": done.stdout[-3000:], "err": done.stderr[-3000:]}))
"""


def _timed(argv: list[str]) -> dict[str, Any]:
    """Run `argv` under a fresh wrapper process: wall time, CPU time of it and its children,
    and the peak RSS of the largest of them (the build's process or one of its workers)."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAP, *argv], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    wall = time.perf_counter() - began
    got = json.loads(done.stdout)
    if got["rc"] not in (0, 3):
        raise SystemExit(f"{' '.join(argv)} failed ({got['rc']}):\n{got['err']}")
    return {"wall_s": round(wall, 2), "cpu_s": round(got["cpu"], 2),
            "max_rss_mb": round(got["rss_kb"] / 1024),
            "tail": got["out"].strip().splitlines()[-4:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--victims", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ocr-build-bench-") as tmp:
        case = Path(tmp) / "case"
        subprocess.run(_cli("sample", str(case), "--victims", str(args.victims)), check=True,
                       capture_output=True, cwd=ROOT)
        out = case / "out"
        jobs = ["--jobs", str(args.jobs)]
        runs: dict[str, Any] = {}
        runs["no-ocr"] = _timed(_cli("build", str(case), "--no-ocr", *jobs))
        shutil.rmtree(out)
        runs["cold"] = _timed(_cli("build", str(case), "--ocr", *jobs))
        pages = len(list((out / ".cache" / "ocr").rglob("*.json")))
        for child in out.iterdir():
            if child.name != ".cache":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        for child in (out / ".cache").iterdir():
            if child.name != "ocr":
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        runs["warm"] = _timed(_cli("build", str(case), "--ocr", *jobs))
        runs["reused"] = _timed(_cli("build", str(case), "--ocr", *jobs))
    load = os.getloadavg()[0]
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "load_1min_after": round(load, 2)},
        "victims": args.victims, "jobs": args.jobs, "pages_cached": pages, "runs": runs,
    }
    target = ROOT / "bench" / "results" / "ocr-build-bench.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, r in runs.items():
        print(f"{name:7} {r['wall_s']:7.1f} s wall  {r['cpu_s']:7.1f} CPU-s  "
              f"peak RSS {r['max_rss_mb']} MB")
    print(f"{pages} pages cached; load after {load:.2f}; written to {target}")


if __name__ == "__main__":
    main()
