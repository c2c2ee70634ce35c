"""Screenshots per second through the OCR stage, against rapidocr's own loop (issue 21). Opt-in.

    nice -n 19 python3 bench/ocr_bench.py [--images 60] [--repeat 1]

Draws `--images` phone screenshots of 1080×2340 (`evidence.sample.screens`: bank-SMS
conversations, customer-service chats, bank-app lists; half PNG, half JPEG q75), then, each in
fresh processes (spawned, so nothing is shared with this one):

* anchor — rapidocr's own single-process loop over the files: `RapidOCR(params)` with the same
  detection limit (`Det.limit_type=max, limit_side_len=960`) and otherwise its defaults (its
  direction classifier on, onnxruntime's default thread pools), `engine(path)` per file;
* stage ×1 — one worker process: `ocr.stage.Reader` (fresh cache folder, one engine, one
  thread) and `ocr.facts` over every file, as a build would run it: the image reader's event,
  decode, OCR with per-character boxes, the cache write, the facts;
* stage ×2 — two such workers, one engine each, the files dealt alternately;
* cached — one worker over the same files again, every page now from the cache (no engine is
  built: its RSS is that of the tool without OCR).

Reported per run: engine start-up (process start, imports, models), steady screenshots/s (files
÷ the slowest worker's loop), wall time from start to the last result, CPU seconds a screenshot
(the workers' process time: what the machine's other load does not change), each worker's peak
RSS (VmHWM), and the 1-minute load average after the run (this VM is shared: at a load above 2
the two workers do not get two cores). Writes bench/results/ocr-bench.json with the date, the machine and versions.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "ocr-bench.json"
CORPUS = ROOT.parent / "shared" / "corpus" / "bank-sms" / "bank_sms_labelled.json"


def make_images(folder: Path, n: int) -> list[Path]:
    from evidence.sample import screens

    pool = [*screens.chat_screens(), *screens.bank_list_screens(), *screens.case_screens()]
    if CORPUS.exists():
        pool = [*screens.sms_screens(json.loads(CORPUS.read_text(encoding="utf-8"))), *pool]
    out = []
    for i in range(n):
        name, data = screens.encode(pool[i % len(pool)], "png" if i % 2 == 0 else "jpeg")
        path = folder / f"{i:03d}-{name}"
        path.write_bytes(data)
        out.append(path)
    return out


def _rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the
    parent through fork and exec, so a spawned worker would report this script's own peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def anchor(paths: list[str]) -> dict[str, float]:
    """rapidocr's own loop, in this (fresh) process."""
    started = time.perf_counter()
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Det.limit_type": "max", "Det.limit_side_len": 960, "Global.log_level": "error"})
    engine(paths[0])  # its models load on first use: count that as start-up
    ready, cpu = time.perf_counter(), time.process_time()
    for p in paths:
        engine(p)
    done = time.perf_counter()
    return {"startup_s": ready - started, "loop_s": done - ready, "cpu_s": time.process_time() - cpu,
            "n": len(paths), "rss_mb": _rss_mb()}


def stage_worker(paths: list[str], cache: str, warm: bool = True) -> dict[str, float]:
    """The OCR stage over `paths`, in this (fresh) process: one Reader, one engine (built before
    the loop when `warm`; else only if a page is not in the cache)."""
    started = time.perf_counter()
    from evidence import extract, times
    from evidence.model import FileKind, SourceFile, Status
    from evidence.ocr import engine, facts, stage
    from evidence.sources import image

    reader = stage.Reader(Path(cache))
    ctx = extract.Context(tz=times.zone("Asia/Shanghai"), ocr=reader)
    if warm:
        reader._built()  # start-up: the engine as the first image would build it
    ready, cpu = time.perf_counter(), time.process_time()
    found = 0
    for p in paths:
        path = Path(p)
        data = path.read_bytes()
        kind = image.kind(data[:64], path.name) if image.sniff(data[:64], path.name) else FileKind.PHOTO
        file = SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), kind, Status.ACCEPTED)
        events, issues = facts.attach(file, image.read(file, ctx)[0], ctx)
        assert not issues, issues
        found += sum(e.details.get("extracted_by") == "ocr" for e in events)
    done = time.perf_counter()
    return {"startup_s": ready - started, "loop_s": done - ready, "cpu_s": time.process_time() - cpu,
            "n": len(paths), "rss_mb": _rss_mb(), "facts": found, "engine_id": engine.identify(reader.settings)[0]}  # type: ignore[dict-item]


def run(kind: str, paths: list[Path], workers: int, cache: Path) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    chunks = [[str(p) for p in paths[i::workers]] for i in range(workers)]
    started = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        if kind == "anchor":
            futures = [pool.submit(anchor, chunk) for chunk in chunks]
        else:
            futures = [pool.submit(stage_worker, chunk, str(cache), kind == "stage") for chunk in chunks]
        parts = [f.result() for f in futures]
    wall = time.perf_counter() - started
    loop = max(p["loop_s"] for p in parts)
    return {"kind": kind, "workers": workers, "images": len(paths), "wall_s": round(wall, 2),
            "startup_s": round(max(p["startup_s"] for p in parts), 2), "loop_s": round(loop, 2),
            "per_s": round(len(paths) / loop, 3), "peak_rss_mb": [round(p["rss_mb"]) for p in parts],
            "cpu_s_per_image": round(sum(p["cpu_s"] for p in parts) / len(paths), 3),
            "facts": sum(int(p.get("facts", 0)) for p in parts),
            "engine_id": parts[0].get("engine_id")}


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    mem = ""
    with contextlib.suppress(OSError, IndexError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    from importlib.metadata import version
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "platform": platform.platform(), "rapidocr": version("rapidocr"),
            "onnxruntime": version("onnxruntime"), "load_before": os.getloadavg()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--images", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    (folder / "images").mkdir()
    paths = make_images(folder / "images", args.images)
    report: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(),
                              "images": len(paths), "runs": []}
    print(f"{len(paths)} screenshots in {folder}; {report['machine']['cpus']} CPUs, {report['machine']['cpu']}")
    for r in range(args.repeat):
        for kind, workers in (("anchor", 1), ("stage", 1), ("stage", 2), ("cached", 1)):
            cache = folder / f"cache-{r}-{workers}" if kind == "stage" else folder / f"cache-{r}-1"
            result = run(kind, paths, workers, cache)
            result["kind"] = kind
            report["runs"].append(result)
            print(f"  {kind:7} ×{workers}: {result['per_s']:.2f} screenshots/s (loop {result['loop_s']} s, "
                  f"start-up {result['startup_s']} s, wall {result['wall_s']} s), "
                  f"{result['cpu_s_per_image']} CPU-s a screenshot, peak RSS {result['peak_rss_mb']} MB, "
                  f"facts {result['facts']}, load {os.getloadavg()[0]:.1f}")
    report["machine"]["load_after"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
