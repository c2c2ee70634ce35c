"""issue 18: the joint bundle as volumes against one bundle, on the 150-claimant realistic sample.

    python3 bench/volumes_bench.py [--victims 150] [--max-mb 50] [--keep]

Generates the case, builds it once (one bundle.pdf, timed), then rebuilds as volumes
(`--max-mb`) and again as one bundle, each timed with bench/run.py's measure (wall time, peak
memory of the process tree). A dossier over the limit is split after its build, from the
dossier as built (evidence/volume_step.py), so these rebuilds render no claimant: they are the
joint step plus each claimant's split (the script reads manifest.json's claimant states and
says how many were rebuilt). Reads every volume back: its size under the limit, its pages,
Bates continuity; counts the dossier volumes. Writes bench/results/volumes-<UTC date>.json and
prints a summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pikepdf  # noqa: E402
import run as bench  # noqa: E402

from evidence import verify  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--victims", type=int, default=150)
    parser.add_argument("--max-mb", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--work", type=Path, help="reuse this folder's generated case/")
    opts = parser.parse_args()
    from evidence import sample

    work = opts.work or Path(tempfile.mkdtemp(prefix="evidence-volumes-", dir=ROOT / "bench"))
    try:
        case, out = work / "case", work / "out"
        shutil.rmtree(out, ignore_errors=True)
        if not (case / "case.toml").is_file():
            sample.generate(case, victims=opts.victims, seed=20261201, scale="realistic",
                            jobs=opts.jobs)
        build = bench.evidence_cmd("build", str(case), "--out", str(out), "--jobs", str(opts.jobs))
        full = bench.measure(build, 3600)
        full_done = _build_times(out)
        single_size = (out / "joint" / "bundle.pdf").stat().st_size
        as_volumes = bench.measure([*build, "--max-mb", str(opts.max_mb)], 3600)
        volumes = []
        last = 0
        for path in sorted((out / "joint").glob("bundle-vol*.pdf")):
            with pikepdf.open(path) as doc:
                labels = verify.page_labels(doc)
            numbers = [int(x.rsplit("-", 1)[1]) for x in labels if not x.startswith("V")]
            volumes.append({"file": path.name, "mb": round(path.stat().st_size / 1e6, 1),
                            "pages": len(labels), "bates": [numbers[0], numbers[-1]],
                            "continuous": numbers[0] == last + 1 and numbers == list(
                                range(numbers[0], numbers[-1] + 1))})
            last = numbers[-1]
        dossier_volumes = [round(p.stat().st_size / 1e6, 1)
                           for p in sorted(out.glob("V*/dossier-vol[0-9][0-9].pdf"))]
        rebuilt = _rebuilt_since(out, full_done)
        single_again = bench.measure([*build, "--max-mb", "0"], 3600)
        result = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                  "machine": bench.machine(), "victims": opts.victims, "max_mb": opts.max_mb,
                  "full_build": full, "joint_as_volumes": as_volumes,
                  "joint_as_one_bundle": single_again,
                  "bundle_mb": round(single_size / 1e6, 1), "volumes": volumes,
                  "dossier_volumes_mb": dossier_volumes,
                  "claimants_rebuilt_by_the_limits": rebuilt,
                  "all_under_limit": all(v["mb"] < opts.max_mb for v in volumes),
                  "bates_continuous": all(v["continuous"] for v in volumes)}
        results = ROOT / "bench" / "results"
        results.mkdir(exist_ok=True)
        name = f"volumes-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.json"
        (results / name).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print(f"full build {full['seconds']} s; bundle {result['bundle_mb']} MB")
        print(f"joint step as {len(volumes)} volumes: {as_volumes['seconds']} s "
              f"(peak PSS {as_volumes['peak_pss_mb']} MB); as one bundle: "
              f"{single_again['seconds']} s (peak PSS {single_again['peak_pss_mb']} MB)")
        print(f"claimants rendered again for the limits: {len(rebuilt)}; dossier volumes: "
              f"{len(dossier_volumes)} (largest {max(dossier_volumes, default=0)} MB)")
        print(f"largest volume {max(v['mb'] for v in volumes)} MB; all under {opts.max_mb} MB: "
              f"{result['all_under_limit']}; Bates continuous: {result['bates_continuous']}")
        print(f"results: bench/results/{name}")
        return 0 if result["all_under_limit"] and result["bates_continuous"] else 1
    finally:
        if not opts.keep and not opts.work:
            shutil.rmtree(work, ignore_errors=True)


def _build_times(out: Path) -> dict[str, int]:
    """Each claimant's build.json's modification time: it is rewritten only when it is built."""
    return {p.parent.name: p.stat().st_mtime_ns for p in out.glob("*/build.json")}


def _rebuilt_since(out: Path, before: dict[str, int]) -> list[str]:
    return sorted(k for k, t in _build_times(out).items() if k != "joint" and before.get(k) != t)


if __name__ == "__main__":
    raise SystemExit(main())
