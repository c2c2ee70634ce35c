"""Load test of `evidence serve` on the loopback address: N concurrent uploads of M MB each.

A real server process (the CLI's `evidence serve`) on 127.0.0.1; N client threads, spread over
V victims (so several uploads go to one victim at once and meet at intake.json's lock), each
sending one file of pseudo-random bytes in the page's 4 MiB chunks, generated on the fly (the
client never holds a whole file either), then asking for the finish. Afterwards every file is
checked: acknowledged, recorded once in intake.json with the SHA-256 the client computed, and
the stored bytes hash to it. The server's RSS (with any children) is sampled every 50 ms.

    python3 bench/web_load.py                       # 50 uploads x 20 MB over 10 victims
    python3 bench/web_load.py --uploads 10 --mb 5   # a quick run
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import hashlib
import json
import platform
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import make_case  # noqa: E402
from webserver import free_port, start  # noqa: E402

from evidence import inventory  # noqa: E402
from evidence.web import store  # noqa: E402

CHUNK = 4 << 20


def stream(seed: int, size: int) -> tuple[list[int], random.Random]:
    return [min(CHUNK, size - o) for o in range(0, size, CHUNK)], random.Random(seed)


def one_upload(base: str, csrf: str, name: str, seed: int, size: int) -> dict[str, object]:
    lengths, rng = stream(seed, size)
    digest = hashlib.sha256()
    h = {"X-CSRF-Token": csrf}
    started = time.perf_counter()
    with httpx.Client(timeout=120) as c:
        uid = c.post(f"{base}/uploads", json={"name": name, "size": size}, headers=h).json()["id"]
        offset = 0
        for n in lengths:
            block = rng.randbytes(n)
            digest.update(block)
            r = c.put(f"{base}/uploads/{uid}?offset={offset}", content=block, headers=h)
            r.raise_for_status()
            offset += n
        done = c.post(f"{base}/uploads/{uid}/finish", headers=h)
    return {"name": name, "status": done.status_code, "sha256": digest.hexdigest(),
            "server_sha256": done.json().get("sha256") if done.status_code == 200 else None,
            "seconds": time.perf_counter() - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--victims", type=int, default=10)
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    size = args.mb << 20
    work = Path(tempfile.mkdtemp(prefix="evidence-web-bench-"))
    try:
        victims = [f"V{i:03d}" for i in range(1, args.victims + 1)]
        case = make_case(work, victims)
        tokens = {v: store.invite(case, v, 1, dt.datetime.now(dt.UTC))[0] for v in victims}
        port = free_port()
        server = start(case, port)
        proc = psutil.Process(server.pid)
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                try:
                    rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
                    peak[0] = max(peak[0], rss)
                except psutil.Error:
                    pass
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        idle = proc.memory_info().rss
        bases = {v: f"http://127.0.0.1:{port}/v/{t}" for v, t in tokens.items()}
        csrfs = {v: re.search(r'data-csrf="([0-9a-f]+)"', httpx.get(b).text).group(1)  # type: ignore[union-attr]
                 for v, b in bases.items()}
        jobs = [(victims[i % len(victims)], f"recording-{i:03d}.bin", i) for i in range(args.uploads)]
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.uploads) as pool:
            results = list(pool.map(lambda j: (j[0], one_upload(bases[j[0]], csrfs[j[0]], j[1], j[2], size)),
                                    jobs))
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
        server.terminate()
        server.wait()

        acknowledged = sum(r["status"] == 200 and r["server_sha256"] == r["sha256"] for _, r in results)
        stored_ok = 0
        for victim in victims:
            records = {r["original_path"]: r for r in inventory.read_intake(case / "victims" / victim)}
            for v, r in results:
                rec = records.get(str(r["name"])) if v == victim else None
                if rec and rec["sha256"] == r["sha256"] and \
                        inventory.sha256(case / "victims" / victim / rec["stored_path"]) == r["sha256"]:
                    stored_ok += 1
        figures = {
            "date": dt.datetime.now(dt.UTC).date().isoformat(),
            "machine": f"{platform.machine()}, {psutil.cpu_count()} cores, "
                       f"{psutil.virtual_memory().total / 2**30:.1f} GiB RAM, Python {platform.python_version()}",
            "uploads": args.uploads, "mb_each": args.mb, "victims": args.victims,
            "acknowledged_with_right_hash": acknowledged, "stored_and_recorded_right": stored_ok,
            "wall_s": round(wall, 1), "throughput_mb_s": round(args.uploads * args.mb / wall, 1),
            "slowest_upload_s": round(max(float(r["seconds"]) for _, r in results), 1),  # type: ignore[arg-type]
            "server_rss_idle_mb": round(idle / 2**20), "server_rss_peak_mb": round(peak[0] / 2**20),
        }
        print(json.dumps(figures, indent=2))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2) + "\n")
        ok = acknowledged == stored_ok == args.uploads
        return 0 if ok else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
