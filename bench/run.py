"""Benchmark harness: the project's build against an img2pdf baseline, side by side, one run.

    python3 bench/run.py                      # sizes 10, 50, 150 (realistic scale)
    python3 bench/run.py --sizes 10,50,150,500
    python3 bench/run.py --sizes 10 --keep    # keep cases and outputs under bench/evidence-bench-*/

For each size N: generate a realistic sample case (about 30 screenshots, 200 SMS, 20 calls and
2 PDF statements per victim), then measure as subprocesses, each with the peak memory of its
whole process tree (psutil; RSS every 0.1 s, USS/PSS every 0.5 s): summed RSS (counts the pages forked workers
share with their parent once per process), summed PSS (shared pages split among their sharers:
the tree's real footprint) and summed USS (pages no other process has):

- `evidence build CASE --out OUT`: wall time, bundle pages, pages/s, bundle and output size
  against the size of the inputs;
- the baseline: img2pdf over the same images per victim (in parallel, same number of workers),
  then one concatenation with pypdf — what "just put the pictures in a PDF" costs;
- an incremental rebuild after one victim sent one more screenshot (and a no-change rebuild).

Baseline and full build alternate `--repeat` times (default 3), each from nothing, and the
one-claimant rebuild is repeated as often (the screenshot added, removed, added…); the table
gives the median run of each (the JSON has every run's time) and the highest memory peaks.

Once per run: `evidence --help` start-up time and bench/timeline_bench.py (10,000 events).
Prints a table and writes bench/results/run-<date>.json.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
FULL_EVERY = 5  # memory samples (0.1 s apart) per full USS/PSS sample


# ---- measuring a process tree ---------------------------------------------------------------


def _tree_memory(root: psutil.Process, full: bool = True) -> tuple[int, int, int, int, int]:
    """(sum RSS, sum USS, sum PSS, largest RSS, processes) over a process and its children.

    Summed RSS counts pages that forked workers share with their parent once per process;
    USS (pages only that process has) and PSS (shared pages divided among their sharers) do
    not, so sum PSS is the tree's real footprint. USS and PSS come from /proc/PID/smaps, which
    walks the process's page tables under its memory lock: read ten times a second it slowed
    the measured build by ~9% (150 claimants: 48.0 s, 43.8 s with this), so `full=False`
    (RSS only, from statm) is used between the full samples (see measure)."""
    rss = uss = pss = largest = count = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0, 0, 0, 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            info = p.memory_full_info() if full else p.memory_info()
            rss += info.rss
            uss += getattr(info, "uss", 0)
            pss += getattr(info, "pss", getattr(info, "uss", 0))
            largest = max(largest, info.rss)
            count += 1
    return rss, uss, pss, largest, count


def measure(cmd: list[str], timeout: float, cwd: Path = ROOT) -> dict[str, Any]:
    """Run `cmd`; wall time, exit code and the peak memory of its process tree: summed RSS and
    the largest single process (sampled every 0.1 s), summed USS and PSS (every 0.5 s), the most
    processes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    # the previous step's writes (a full build leaves ~1.5 GB dirty at 150 victims) are flushed
    # first, or the next measurement pays for them in its own fsync
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    root = psutil.Process(proc.pid)
    peaks = [0, 0, 0, 0, 0]
    timed_out = False
    # drain stdout in a thread: a chatty child must never block on a full pipe
    out_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read() if proc.stdout else b""),
                              daemon=True)
    reader.start()
    samples = 0
    while proc.poll() is None:
        # RSS every 0.1 s (cheap); USS/PSS every 0.5 s (smaps is not: see _tree_memory)
        sample = _tree_memory(root, full=samples % FULL_EVERY == 0)
        samples += 1
        peaks = [max(a, b) for a, b in zip(peaks, sample, strict=True)]
        if time.perf_counter() - start > timeout:
            timed_out = True
            with contextlib.suppress(psutil.NoSuchProcess):
                for p in [*root.children(recursive=True), root]:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        p.kill()
            break
        time.sleep(0.1)
    proc.wait()
    seconds = time.perf_counter() - start
    reader.join(timeout=10)
    out = b"".join(out_chunks)
    mb = [round(v / 2**20, 1) for v in peaks[:4]]
    return {"seconds": round(seconds, 3), "rc": proc.returncode, "peak_rss_mb": mb[0], "peak_uss_mb": mb[1],
            "peak_pss_mb": mb[2], "largest_process_rss_mb": mb[3], "processes": peaks[4],
            "timed_out": timed_out, "tail": out.decode("utf-8", "replace").strip().splitlines()[-3:]}


def evidence_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def pdf_pages(path: Path) -> int | None:
    import pypdf

    try:
        return len(pypdf.PdfReader(path).pages)
    except Exception:  # a missing or broken output is reported as None
        return None


# ---- the baseline: img2pdf per victim + one concatenation ------------------------------------


def _victim_images(victim: Path) -> list[Path]:
    return sorted(p for p in victim.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def _img2pdf_victim(victim: str, out: str) -> tuple[str, int]:
    import img2pdf

    paths = [str(p) for p in _victim_images(Path(victim))]
    try:  # each image converted once; only a victim with an image img2pdf refuses pays twice
        data = img2pdf.convert(paths)
    except Exception:
        good = []
        for path in paths:
            try:
                img2pdf.convert(path)
                good.append(path)
            except Exception:
                continue
        data, paths = img2pdf.convert(good), good
    Path(out).write_bytes(data)
    return out, len(paths)


def baseline(case: str, out: str, jobs: int) -> None:
    """Entry point of the baseline subprocess (`run.py --baseline CASE OUT JOBS`)."""
    import pypdf

    victims = sorted(p for p in (Path(case) / "victims").iterdir() if p.is_dir())
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        done = list(pool.map(_img2pdf_victim, [str(v) for v in victims],
                             [str(target / f"{v.name}.pdf") for v in victims]))
    writer = pypdf.PdfWriter()
    for path, _count in done:
        writer.append(path)
    with (target / "bundle.pdf").open("wb") as f:
        writer.write(f)


# ---- one size -----------------------------------------------------------------------------------


def one_more_screenshot(case: Path) -> Path:
    """What a victim does the day after the build: sends another screenshot."""
    from evidence.sample import fraud, images

    when = dt.datetime(2015, 3, 26, 9, 30, 0, tzinfo=fraud.TZ)
    screen = images.Screen(images.screen("sms", "信息", when, [("95588", "新增截图", "09:30")], "bench"))
    victim = sorted((case / "victims").iterdir())[0]
    path = victim / "originals" / "补充" / f"Screenshot_{when:%Y%m%d-%H%M%S}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(screen.png(when, "bench extra"))
    return path


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time, with every run's time and the highest memory peaks of all."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    out = dict(ordered[(len(ordered) - 1) // 2])
    for key in ("peak_rss_mb", "peak_uss_mb", "peak_pss_mb", "largest_process_rss_mb"):
        out[key] = max(r[key] for r in runs)
    out["runs_s"] = [r["seconds"] for r in runs]
    return out


def run_size(n: int, work: Path, seed: int, jobs: int, timeout: float, skip_build: bool,
             repeat: int = 1) -> dict[str, Any]:
    from evidence import sample

    case = work / f"case-{n}"
    out = work / f"out-{n}"
    base_out = work / f"baseline-{n}"
    for folder in (case, out, base_out):
        shutil.rmtree(folder, ignore_errors=True)
    t0 = time.perf_counter()
    truth = sample.generate(case, victims=n, seed=seed, scale="realistic", jobs=jobs)
    gen_s = time.perf_counter() - t0
    inputs = tree_bytes(case / "victims")
    images = sum(len(_victim_images(p)) for p in (case / "victims").iterdir())
    row: dict[str, Any] = {
        "victims": n, "generate_s": round(gen_s, 2), "input_files": sum(len(v["files"]) for v in truth.victims),
        "input_images": images, "input_mb": round(inputs / 2**20, 1), "repeat": repeat,
    }
    # baseline and build alternate, each from nothing, `repeat` times: the medians are compared
    # (on a shared VM one run of either can be 30 % off)
    base_runs: list[dict[str, Any]] = []
    build_runs: list[dict[str, Any]] = []
    for _ in range(repeat):
        shutil.rmtree(base_out, ignore_errors=True)
        base_runs.append(measure([sys.executable, str(Path(__file__).resolve()), "--baseline", str(case),
                                  str(base_out), str(jobs)], timeout))
        if skip_build:
            continue
        shutil.rmtree(out, ignore_errors=True)
        build_runs.append(measure(evidence_cmd("build", str(case), "--out", str(out), "--jobs", str(jobs)),
                                  timeout))
        if build_runs[-1]["timed_out"]:
            break
    base = _median_run(base_runs)
    base_pages = pdf_pages(base_out / "bundle.pdf")
    row["baseline"] = {**base, "pages": base_pages,
                       "pages_per_s": round(base_pages / base["seconds"], 1) if base_pages else None,
                       "bundle_mb": round((base_out / "bundle.pdf").stat().st_size / 2**20, 1)
                       if (base_out / "bundle.pdf").exists() else None}
    if skip_build:
        return row
    full = _median_run(build_runs)
    bundle = out / "joint" / "bundle.pdf"
    pages = pdf_pages(bundle) if bundle.exists() else None
    row["build"] = {
        **full, "pages": pages, "pages_per_s": round(pages / full["seconds"], 1) if pages else None,
        "bundle_mb": round(bundle.stat().st_size / 2**20, 1) if bundle.exists() else None,
        "output_mb": round(tree_bytes(out) / 2**20, 1) if out.exists() else None,
        "bundle_to_inputs": round(bundle.stat().st_size / inputs, 3) if bundle.exists() else None,
        "vs_baseline": round(full["seconds"] / base["seconds"], 2) if base["seconds"] else None,
    }
    if full["timed_out"]:
        return row
    unchanged = measure(evidence_cmd("build", str(case), "--out", str(out), "--jobs", str(jobs)), timeout)
    # the first victim sends one more screenshot, then takes it back, …: each rebuild has one
    # claimant to rebuild and every later bundle page to renumber
    rebuilds = []
    for r in range(repeat):
        extra = one_more_screenshot(case)
        if r % 2:
            extra.unlink()
        rebuilds.append(measure(evidence_cmd("build", str(case), "--out", str(out), "--jobs", str(jobs)),
                                timeout))
    incremental = _median_run(rebuilds)
    row["rebuild_unchanged"] = unchanged
    row["rebuild_one_victim"] = {
        **incremental, "share_of_full": round(incremental["seconds"] / full["seconds"], 3) if full["seconds"] else None}
    return row


def startup(repeat: int = 5) -> dict[str, Any]:
    runs = [measure(evidence_cmd("--help"), 60)["seconds"] for _ in range(repeat)]
    return {"command": "evidence --help", "best_s": min(runs), "median_s": round(statistics.median(runs), 3)}


def timeline_bench() -> dict[str, Any] | None:
    script = ROOT / "bench" / "timeline_bench.py"
    if not script.exists():
        return None
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    for line in reversed(done.stdout.strip().splitlines()):
        try:
            parsed: dict[str, Any] = json.loads(line)
            return parsed
        except json.JSONDecodeError:
            continue
    return {"rc": done.returncode, "output": done.stdout[-500:] + done.stderr[-500:]}


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor()}


def table(result: dict[str, Any]) -> str:
    head = ("victims", "gen s", "inputs MB", "images", "build s", "pages", "pages/s", "peak RSS/PSS/USS MB",
            "bundle/in", "base s", "base pages/s", "base RSS/PSS/USS MB", "build/base", "rebuild 1 s",
            "rebuild share", "unchanged s")
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("-" * (len(h) + 2) for h in head) + "|"]

    def mem(m: dict[str, Any]) -> str | None:
        if not m:
            return None
        return f"{m.get('peak_rss_mb')}/{m.get('peak_pss_mb')}/{m.get('peak_uss_mb')}"

    for r in result["sizes"]:
        b = r.get("build", {})
        base = r["baseline"]
        one = r.get("rebuild_one_victim", {})
        cells = (r["victims"], r["generate_s"], r["input_mb"], r["input_images"], b.get("seconds"), b.get("pages"),
                 b.get("pages_per_s"), mem(b), b.get("bundle_to_inputs"), base["seconds"],
                 base["pages_per_s"], mem(base), b.get("vs_baseline"), one.get("seconds"),
                 one.get("share_of_full"), r.get("rebuild_unchanged", {}).get("seconds"))
        lines.append("| " + " | ".join("—" if c is None else str(c) for c in cells) + " |")
    s = result["startup"]
    lines.append(f"\nstart-up: `evidence --help` best {s['best_s']} s, median {s['median_s']} s")
    if result.get("timeline"):
        lines.append(f"timeline bench: {json.dumps(result['timeline'], ensure_ascii=False)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--baseline":
        baseline(args[1], args[2], int(args[3]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,50,150", help="comma-separated victim counts (500 is opt-in)")
    ap.add_argument("--seed", type=int, default=318)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for build and baseline")
    ap.add_argument("--timeout", type=float, default=900, help="seconds before a build is killed")
    ap.add_argument("--work", type=Path, default=None, help="where cases go (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the generated cases and outputs")
    ap.add_argument("--skip-build", action="store_true", help="generation and baseline only")
    ap.add_argument("--repeat", type=int, default=3,
                    help="full builds and baselines per size, alternating; medians are compared")
    opts = ap.parse_args(args)
    sizes = [int(s) for s in opts.sizes.split(",") if s.strip()]
    work = opts.work or Path(tempfile.mkdtemp(prefix="evidence-bench-", dir=ROOT / "bench" if opts.keep else None))
    work.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    result: dict[str, Any] = {"date": started.isoformat(timespec="seconds"), "machine": machine(), "jobs": opts.jobs,
                              "seed": opts.seed, "scale": "realistic", "sizes": []}
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"run-{started:%Y%m%d-%H%M%S}.json"
    try:
        for n in sizes:
            print(f"[bench] {n} victims …", file=sys.stderr, flush=True)
            result["sizes"].append(run_size(n, work, opts.seed, opts.jobs, opts.timeout, opts.skip_build,
                                            max(1, opts.repeat)))
            print(f"[bench] {json.dumps(result['sizes'][-1], ensure_ascii=False)}", file=sys.stderr, flush=True)
            path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")  # partial
            if not opts.keep:
                for name in (f"case-{n}", f"out-{n}", f"baseline-{n}"):
                    shutil.rmtree(work / name, ignore_errors=True)
        result["startup"] = startup()
        result["timeline"] = timeline_bench()
    finally:
        if not opts.keep and opts.work is None:
            shutil.rmtree(work, ignore_errors=True)
    result["total_s"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    print(f"\nsaved {path.relative_to(ROOT)} (total {result['total_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
