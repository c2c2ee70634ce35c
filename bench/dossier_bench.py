"""Dossier build time vs img2pdf on the same 100 phone screenshots (issue 4).

    python3 bench/dossier_bench.py [--images 100] [--runs 3]

Makes 100 screenshots of 1080×2340 (half JPEG, half PNG: chat bubbles, text and a noisy photo
area, so they do not compress to nothing), then, in fresh child processes and alternating:
img2pdf.convert over the files, and evidence's full dossier build of a victim holding them
(front matter, evidence list, exhibits, custody appendix, Bates stamps, links, outline,
manifest, post-build verification, atomic rename). Times exclude interpreter start-up and
imports for both. Prints a table and writes bench/results/dossier.json. Target (issue 4):
dossier <= 1.5 × img2pdf, peak RSS < 300 MB, JPEGs not re-encoded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "dossier.json"


def make_images(folder: Path, n: int) -> list[Path]:
    from PIL import Image, ImageDraw

    rnd = random.Random(318)
    noise = Image.effect_noise((1000, 620), 48).convert("RGB")
    out = []
    for i in range(n):
        im = Image.new("RGB", (1080, 2340), (237, 237, 237))
        d = ImageDraw.Draw(im)
        d.rectangle((0, 0, 1080, 180), fill=(40, 40, 40))
        d.text((40, 80), f"13757123456  20:{i % 60:02d}", fill=(255, 255, 255))
        y = 220
        while y < 1500:
            h = rnd.randint(90, 220)
            left = rnd.random() < 0.5
            x0, x1 = (40, rnd.randint(500, 900)) if left else (rnd.randint(180, 580), 1040)
            d.rounded_rectangle((x0, y, x1, y + h), 24,
                                fill=(255, 255, 255) if left else (149, 236, 105))
            for k in range(0, h - 40, 34):
                d.text((x0 + 24, y + 20 + k), "".join(rnd.choice("0123456789abcdefXYZ ")
                                                      for _ in range(40)), fill=(20, 20, 20))
            y += h + 30
        im.paste(noise.rotate(i * 7), (40, 1600))
        path = folder / (f"Screenshot_20150318-20{i:04d}.jpg" if i % 2 else
                         f"Screenshot_20150318-20{i:04d}.png")
        if i % 2:
            im.save(path, "JPEG", quality=88)
        else:
            im.save(path, "PNG")
        out.append(path)
    return out


def run_img2pdf(folder: Path, out: Path) -> float:
    import img2pdf

    files = sorted(str(p) for p in folder.iterdir() if p.suffix in (".jpg", ".png"))
    t = time.perf_counter()
    with out.open("wb") as f:
        f.write(img2pdf.convert(files))
    return time.perf_counter() - t


def run_dossier(folder: Path, out: Path) -> float:
    sys.path.insert(0, str(ROOT))
    from evidence import collect, inventory, pipeline, timeline, times
    from evidence.model import Case, FileKind, SourceFile, Status, Victim
    from evidence.render import fonts

    tz = times.zone("Asia/Shanghai")
    case = Case(folder=folder.parent, title="基准测试案", court="北京市大兴区人民法院",
                bates_prefix="JD")
    victim = Victim(id="V001", folder=folder.parent, name="张三")
    received = dt.datetime(2015, 3, 25, 10, 0, tzinfo=tz)
    files = []
    for p in sorted(folder.iterdir()):
        if p.suffix not in (".jpg", ".png"):
            continue
        files.append(SourceFile(path=f"originals/{p.name}", abspath=p,
                                sha256=hashlib.sha256(p.read_bytes()).hexdigest(),
                                size=p.stat().st_size, kind=FileKind.SCREENSHOT,
                                status=Status.ACCEPTED, received=received))
    ctx = collect.context(case, victim, not_after=received)
    got = collect.Collected(case, victim, inventory.Inventory(tuple(files), ()),
                            timeline.build([], victim, ctx), ())
    setup, _ = pipeline.setup_for(case)  # fonts once per process, as a batch worker has them
    fonts.register(None, setup["fonts"]["body"], setup["fonts"]["heading"])
    t = time.perf_counter()
    result = pipeline.build_collected(got, out)
    elapsed = time.perf_counter() - t
    assert result.dossier is not None and result.exhibits == len(files)
    return elapsed


def child(mode: str, folder: Path, out: Path) -> None:
    seconds = run_img2pdf(folder, out) if mode == "img2pdf" else run_dossier(folder, out)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss_mb}))


def jpeg_passthrough(dossier: Path, folder: Path) -> bool:
    from pypdf import PdfReader

    want = {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.jpg")}
    got = set()
    for page in PdfReader(dossier).pages:
        for x in (page["/Resources"].get("/XObject") or {}).values():
            x = x.get_object()
            if x.get("/Filter") == "/DCTDecode":
                got.add(hashlib.sha256(x._data).hexdigest())
    return want <= got


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--child", choices=("img2pdf", "dossier"))
    ap.add_argument("--folder", type=Path)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.folder, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        folder = Path(tmp) / "originals"
        folder.mkdir()
        t = time.perf_counter()
        images = make_images(folder, args.images)
        made = time.perf_counter() - t
        input_bytes = sum(p.stat().st_size for p in images)
        runs: dict[str, list[dict[str, float]]] = {"img2pdf": [], "dossier": []}
        for r in range(args.runs):
            for mode in ("img2pdf", "dossier"):
                out = Path(tmp) / (f"img2pdf-{r}.pdf" if mode == "img2pdf" else f"out-{r}")
                done = subprocess.run([sys.executable, __file__, "--child", mode, "--folder",
                                       str(folder), "--out", str(out)], capture_output=True,
                                      text=True, check=True)
                runs[mode].append(json.loads(done.stdout.strip().splitlines()[-1]))
        img_pdf = Path(tmp) / "img2pdf-0.pdf"
        dossier = Path(tmp) / "out-0" / "V001" / "dossier.pdf"
        from pypdf import PdfReader

        res = {
            "images": args.images,
            "image_size": "1080x2340",
            "input_mb": round(input_bytes / 1e6, 2),
            "runs": args.runs,
            "img2pdf_s": round(statistics.median(x["seconds"] for x in runs["img2pdf"]), 3),
            "dossier_s": round(statistics.median(x["seconds"] for x in runs["dossier"]), 3),
            "img2pdf_rss_mb": round(max(x["rss_mb"] for x in runs["img2pdf"]), 1),
            "dossier_rss_mb": round(max(x["rss_mb"] for x in runs["dossier"]), 1),
            "img2pdf_output_mb": round(img_pdf.stat().st_size / 1e6, 2),
            "dossier_output_mb": round(dossier.stat().st_size / 1e6, 2),
            "dossier_pages": len(PdfReader(dossier).pages),
            "jpeg_passthrough": jpeg_passthrough(dossier, folder),
            "all_runs": runs,
            "python": sys.version.split()[0],
            "made_images_s": round(made, 1),
        }
        res["ratio"] = round(res["dossier_s"] / res["img2pdf_s"], 2)
        res["output_over_input"] = round(res["dossier_output_mb"] / res["input_mb"], 3)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    rows = [
        ("", "img2pdf", "evidence dossier"),
        ("time (median, s)", f"{res['img2pdf_s']:.3f}", f"{res['dossier_s']:.3f}"),
        ("peak RSS (MB)", f"{res['img2pdf_rss_mb']:.0f}", f"{res['dossier_rss_mb']:.0f}"),
        ("output (MB)", f"{res['img2pdf_output_mb']:.2f}", f"{res['dossier_output_mb']:.2f}"),
    ]
    print(f"{args.images} screenshots 1080x2340 (half JPEG, half PNG), {res['input_mb']} MB in")
    for a, b, c in rows:
        print(f"{a:<18}{b:>12}{c:>18}")
    print(f"dossier/img2pdf time ratio {res['ratio']} (target <= 1.5); dossier pages "
          f"{res['dossier_pages']}; output/input {res['output_over_input']}; JPEG bytes passed "
          f"through: {res['jpeg_passthrough']}")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
