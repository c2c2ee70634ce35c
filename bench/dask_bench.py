"""The whole-case build on a Dask LocalCluster against the local pool, same machine (issue 22).

    nice -n 19 python3 bench/dask_bench.py [--victims 12] [--workers 2] [--ocr] [--repeat 1]

Generates the `evidence sample` case (small scale, seed 318) in a temporary folder, then builds
it from nothing, alternating:

* local — batch.build with the local process pool (`--workers` processes): today's build;
* dask  — batch.build(cluster=...) on a LocalCluster of `--workers` worker processes, one thread
          each, started once before (a real cluster is long-lived; its start-up is reported
          apart), preflight included.

Each build is timed in two phases from its progress events: the claimants (and, with --ocr, the
pre-pass over the pictures), then the joint step (bundle, claims, manifest), which runs here in
both. Reported: wall seconds, dask/local ratio (target <= 1.1), claimants per worker-hour on the
cluster, whether the two outputs are byte-identical (caches aside), and a projection for 10,000
claimants on N workers — a projection from this machine's per-worker rate, not a measurement.
Writes bench/results/dask-bench.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence import batch, config, distributed, pipeline, sample  # noqa: E402
from evidence.ocr import run as ocr_run  # noqa: E402

PROJECT_CLAIMANTS = 10_000
PROJECT_WORKERS = (8, 32, 128)


def _cpu(client: Any = None) -> float:
    """CPU seconds (user + sys) of this process and its reaped children, plus the workers'."""
    mine = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF,
               resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
    if client is None:
        return mine
    theirs = client.run(lambda: sum(os.times()[:2]))
    return mine + sum(theirs.values())


def _timed(build: Any, client: Any = None) -> dict[str, float]:
    marks: dict[str, float] = {}
    cpu = _cpu(client)
    started = time.perf_counter()

    def progress(p: batch.Progress) -> None:
        if p.event in ("joint", "end"):
            marks[p.event] = time.perf_counter() - started

    build(progress)
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 2), "claimants_s": round(marks.get("joint", wall), 2),
            "joint_s": round(wall - marks.get("joint", wall), 2),
            "cpu_s": round(_cpu(client) - cpu, 2)}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and batch.CACHE_DIR not in p.relative_to(folder).parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--victims", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ocr", action="store_true", help="with OCR (slow: ~15 s a claimant)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--dask-malloc-trim", action="store_true", help="keep Dask's default "
                        "MALLOC_TRIM_THRESHOLD_=65536 in the workers' environment")
    args = parser.parse_args()

    from distributed import LocalCluster

    root = Path(tempfile.mkdtemp(prefix="dask-bench-"))
    case = root / "case"
    sample.generate(case, victims=args.victims, seed=318, scale="small")
    options = pipeline.Options()
    if args.ocr:
        decision = ocr_run.decide(pipeline.setup_for(config.load_case(case)[0])[0], True)
        if decision.unavailable:
            sys.exit(f"OCR cannot run here: {decision.unavailable}")
        options = pipeline.Options(ocr=decision.engine_id)

    import dask

    if not args.dask_malloc_trim:  # glibc's own malloc tuning, as in the local pool's workers
        dask.config.set({"distributed.nanny.pre-spawn-environ": {
            k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
            if k != "MALLOC_TRIM_THRESHOLD_"}})
    began = time.perf_counter()
    local_cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                 dashboard_address=":0", silence_logs=50)
    startup = time.perf_counter() - began
    runs: dict[str, list[dict[str, float]]] = {"local": [], "dask": []}
    identical = True
    try:
        with distributed.Cluster.connect(local_cluster.scheduler_address) as cluster:
            for n in range(args.repeat):
                for kind in ("local", "dask"):
                    out = root / f"{kind}-{n}"
                    runs[kind].append(_timed(lambda progress, kind=kind, out=out: batch.build(
                        case, out, jobs=args.workers, options=options, progress=progress,
                        cluster=cluster if kind == "dask" else None),
                        cluster.client if kind == "dask" else None))
                    print(kind, runs[kind][-1], flush=True)
                identical &= _files(root / f"local-{n}") == _files(root / f"dask-{n}")
    finally:
        local_cluster.close()

    cpu = {k: round(statistics.median(r["cpu_s"] for r in v), 2) for k, v in runs.items()}
    local = round(statistics.median(r["wall_s"] for r in runs["local"]), 2)
    spread = round(statistics.median(r["wall_s"] for r in runs["dask"]), 2)
    claimants_s = statistics.median(r["claimants_s"] for r in runs["dask"])
    joint_s = statistics.median(r["joint_s"] for r in runs["dask"])
    per_worker_hour = args.victims / claimants_s / args.workers * 3600
    joint_per_claimant = joint_s / args.victims
    projection = {
        str(n): round((PROJECT_CLAIMANTS / (per_worker_hour * n)) * 3600
                      + joint_per_claimant * PROJECT_CLAIMANTS, 0)
        for n in PROJECT_WORKERS}
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(),
                    "load_1min_after": round(os.getloadavg()[0], 2)},
        "victims": args.victims, "workers": args.workers, "ocr": args.ocr,
        "dask_malloc_trim": args.dask_malloc_trim,
        "localcluster_startup_s": round(startup, 2),
        "runs": runs,
        "median_wall_s": {"local": local, "dask": spread},
        "dask_over_local": round(spread / local, 3),
        # CPU (user+sys: this process, its pool workers, the Dask workers) is less at the mercy
        # of other work on a shared machine than wall time
        "median_cpu_s": cpu, "dask_over_local_cpu": round(cpu["dask"] / cpu["local"], 3),
        # the first build on fresh workers imports and loads everything there (a long-lived
        # cluster pays this once); the local pool forks from a process that has it loaded
        "first_run_dask_over_local": round(runs["dask"][0]["wall_s"] / runs["local"][0]["wall_s"],
                                           3),
        "byte_identical": identical,
        "claimants_per_worker_hour": round(per_worker_hour, 1),
        "joint_s_per_claimant": round(joint_per_claimant, 3),
        "projection_10000_claimants_s": projection,
        "projection_note": "a projection from this machine's per-worker rate (claimant phase) "
                           "plus the joint step scaled linearly; not a measurement",
    }
    out_file = ROOT / "bench" / "results" / "dask-bench.json"
    out_file.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
