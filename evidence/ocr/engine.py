"""The OCR engine: a thin wrapper over rapidocr 3.10.0 on onnxruntime. The only module that
imports them, and only when an engine is built (`pip install "evidence[ocr]"`).

* Models: the PP-OCRv6 small detector and recogniser that the rapidocr 3.10.0 wheel ships,
  given to it by path and checked against the SHA-256s below. rapidocr downloads any model it
  is not given by path; given every path it fetches nothing (tests/test_ocr_engine.py runs it
  without a network). Its text-direction classifier is off: screenshots are upright and photos
  are turned upright by their EXIF orientation first, and the classifier turned `-9,999.00`
  upside down into `00°666'6-` in our tests.
* Detection: `Det.limit_type=max, limit_side_len=960` (the detector sees at most 960 px a
  side; recognition still crops from the full picture up to rapidocr's 2000 px).
* Privacy: the extra pins onnxruntime 1.28.0, the last release without telemetry; later ones
  (1.29+) upload usage events from Linux by default and write a device id under ~/.cache. For
  an installation that overrides the pin, the engine sets ORT_DISABLE_TELEMETRY=1 (their
  documented full opt-out) before it first imports onnxruntime, unless the environment says
  otherwise. tests/test_ocr_engine.py checks that nothing is written outside the OCR cache.
* Threads: onnxruntime's intra- and inter-op pools and OpenCV's are set to `Settings.threads`
  (1 by default: parallelism comes from worker processes, one engine each).
* Limits: an image over `max_pixels` is not read; one over `downscale_pixels` (a 12 MP photo)
  is decoded at reduced size (JPEG DCT scaling) and downscaled to `max_side` before the
  engine sees it, and its boxes are scaled back; one image may take `time_limit_s` of wall
  time, after which its inference is terminated (onnxruntime's RunOptions.terminate).
* engine_id: names, versions, model hashes and every setting that changes what is read: the
  cache key, and (later) part of the build fingerprint.

The engine is built lazily by its holder (`stage.Reader`), once per process; nothing here keeps
process-wide state, except OpenCV's thread count, which is a property of the process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import importlib.util
import io
import math
import os
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from PIL import Image, ImageFile

from evidence.ocr.model import Box, OcrChar, OcrLine

NAME = "rapidocr"
VERSION = "3.10.0"
STAGE = 1  # bump when this module's preprocessing or its reading of the engine's output changes

# (role, file in rapidocr's models/ folder, SHA-256): rapidocr 3.10.0's defaults, in its wheel
MODELS = (
    ("det", "PP-OCRv6_det_small.onnx", "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"),
    ("rec", "PP-OCRv6_rec_small.onnx", "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"),
)
ORIENTATION = 0x0112
_TRANSPOSE = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,), 3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,), 5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,), 7: (Image.Transpose.TRANSVERSE,), 8: (Image.Transpose.ROTATE_90,),
}


@dataclasses.dataclass(frozen=True)
class Settings:
    threads: int = 1  # onnxruntime intra/inter-op and OpenCV threads of this process's engine
    det_limit_side: int = 960  # Det.limit_side_len with Det.limit_type=max
    max_pixels: int = 50_000_000  # larger images are not read (a note says so)
    downscale_pixels: int = 6_000_000  # larger images are downscaled before detection ...
    max_side: int = 2000  # ... to this longest side (rapidocr's own Global.max_side_len)
    time_limit_s: float = 30.0  # wall time one image may take

    def describe(self) -> str:
        """The settings that change what is read (threads and the time limit do not)."""
        return (f"det=max/{self.det_limit_side} downscale>{self.downscale_pixels}px->{self.max_side} "
                f"max={self.max_pixels}px")


class Unavailable(Exception):
    """No engine here: the extra is not installed, or its models are not the pinned ones."""


class TooLarge(Exception):
    """The image has more pixels than Settings.max_pixels."""


class Undecodable(Exception):
    """Pillow cannot decode the image (no HEIF decoder, damage found only now)."""


class TimedOut(Exception):
    """The image took longer than Settings.time_limit_s."""


# ---- identity ------------------------------------------------------------------------------------


def _version(*distributions: str) -> str:
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "none"


def model_dir() -> Path:
    """rapidocr's `models/` folder, found without importing rapidocr."""
    spec = importlib.util.find_spec(NAME)
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable(f"{NAME} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def identify(settings: Settings) -> tuple[str, dict[str, Path]]:
    """(engine_id, model paths by role), after checking the installed versions and model files.

    Raises Unavailable with a reason. Cheap: no engine import; hashes 31 MB of models (~30 ms).
    """
    installed = _version(NAME)
    if installed == "none" or importlib.util.find_spec("onnxruntime") is None:
        raise Unavailable("the OCR extra is not installed (pip install \"evidence[ocr]\")")
    if installed != VERSION:
        raise Unavailable(f"{NAME} {installed} is installed; this version of evidence needs {VERSION}")
    folder = model_dir()
    paths: dict[str, Path] = {}
    parts = [f"{NAME}-{VERSION}", f"onnxruntime-{_version('onnxruntime')}",
             f"opencv-{_version('opencv-python-headless', 'opencv-python', 'opencv-contrib-python')}"]
    for role, name, pinned in MODELS:
        path = folder / name
        if not path.is_file():
            raise Unavailable(f"the {role} model {name} is missing from {folder}")
        if _sha256(path) != pinned:
            raise Unavailable(f"the {role} model {path} is not the one {NAME} {VERSION} ships")
        paths[role] = path
        parts.append(f"{role}={name}@{pinned[:12]}")
    parts += [settings.describe(), f"stage={STAGE}"]
    return " ".join(parts), paths


# ---- image preparation ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Prepared:
    image: Image.Image  # upright RGB, what the engine reads
    width: int  # the upright picture's full size, which boxes refer to
    height: int


def prepare(data: bytes, settings: Settings) -> Prepared:
    """Decode `data` strictly (a truncated image is an error, never padded), turn it upright by
    its EXIF orientation, flatten transparency onto white, and downscale a large photo."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            picture, width, height, orientation, ratio = _decode(data, settings)
    except TooLarge:
        raise
    except Exception as exc:  # truncated, damaged, or a format without a decoder here (HEIC)
        raise Undecodable(type(exc).__name__) from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved
    if ratio < 1.0:
        w, h = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
        size = (max(1, round(w * ratio)), max(1, round(h * ratio)))
        picture = picture.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    for step in _TRANSPOSE.get(orientation, ()):
        picture = picture.transpose(step)
    return Prepared(picture, width, height)


def _decode(data: bytes, settings: Settings) -> tuple[Image.Image, int, int, int, float]:
    """(RGB picture, upright width, upright height, EXIF orientation, scale applied)."""
    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
        if w * h > settings.max_pixels:
            raise TooLarge(f"{w}×{h}")
        orientation = int(im.getexif().get(ORIENTATION, 1) or 1)
        width, height = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
        ratio = 1.0
        if w * h > settings.downscale_pixels:
            ratio = settings.max_side / max(w, h)
            if im.format == "JPEG":  # DCT scaling: a 12 MP photo decodes at 1/2 or 1/4 the size
                im.draft("RGB", (math.ceil(w * ratio), math.ceil(h * ratio)))
        im.load()
        return _rgb(im), width, height, orientation, ratio


def _rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im.copy()
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


# ---- the engine ------------------------------------------------------------------------------


class _Clock:
    """The time limit of the image being read: checked before every inference call, and a
    timer that sets onnxruntime's terminate flag on the call running when the limit passes."""

    def __init__(self) -> None:
        self.deadline = math.inf
        self.expired = False
        self.options: Any = None
        self._timer: threading.Timer | None = None

    def start(self, seconds: float, options: Any) -> None:
        self.deadline, self.expired, self.options = time.monotonic() + seconds, False, options
        self._timer = threading.Timer(seconds, self._terminate)
        self._timer.daemon = True
        self._timer.start()

    def _terminate(self) -> None:
        self.expired = True
        if self.options is not None:
            self.options.terminate = True

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer, self.deadline = None, math.inf

    def check(self) -> None:
        if self.expired or time.monotonic() > self.deadline:
            self.expired = True
            raise TimedOut()


class _Limited:
    """An onnxruntime InferenceSession whose every run obeys the clock."""

    def __init__(self, session: Any, clock: _Clock) -> None:
        self._session = session
        self._clock = clock

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        self._clock.check()
        return self._session.run(output_names, input_feed, self._clock.options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class Engine:
    """One rapidocr engine (two onnxruntime sessions, ~0.5 GB). Build one per process."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings = settings or Settings()
        self.engine_id, paths = identify(settings)
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")  # read once, when onnxruntime loads
        try:
            import cv2
            import onnxruntime
            from rapidocr import RapidOCR
        except ImportError as exc:  # a broken install: said once, by the holder
            raise Unavailable(f"the OCR extra cannot be imported ({exc})") from exc
        cv2.setNumThreads(settings.threads)
        self._run_options = onnxruntime.RunOptions
        params: dict[str, Any] = {
            "Global.log_level": "error",  # rapidocr logs every model it loads at info level
            "Global.use_cls": False,
            "Det.model_path": str(paths["det"]), "Rec.model_path": str(paths["rec"]),
            "Det.limit_type": "max", "Det.limit_side_len": settings.det_limit_side,
            "Global.max_side_len": settings.max_side,
            "EngineConfig.onnxruntime.intra_op_num_threads": settings.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        ocr: Any = RapidOCR(params=params)
        self._clock = _Clock()
        # 3.10.0 loads its models lazily; load them now to put the time limit on their runs
        for part in (ocr._load_det_model(), ocr._load_rec_model()):
            part.session.session = _Limited(part.session.session, self._clock)
        self._ocr = ocr

    def read(self, prepared: Prepared) -> tuple[OcrLine, ...]:
        """The lines on a prepared image, boxes in the upright full-size picture's pixels.
        Raises TimedOut past the time limit; anything else the engine raises is a bug there."""
        options = self._run_options()
        self._clock.start(self.settings.time_limit_s, options)
        try:
            result = self._ocr(prepared.image, return_word_box=True, return_single_char_box=True)
        except Exception:
            if self._clock.expired:
                raise TimedOut() from None
            raise
        finally:
            self._clock.stop()
        sx = prepared.width / prepared.image.width
        sy = prepared.height / prepared.image.height
        return lines_from(result, sx, sy)


def _box(quad: Any, sx: float, sy: float) -> Box:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    left, top = math.floor(min(xs) * sx), math.floor(min(ys) * sy)
    return Box(max(0, left), max(0, top), math.ceil(max(xs) * sx) - max(0, left),
               math.ceil(max(ys) * sy) - max(0, top))


def lines_from(result: Any, sx: float = 1.0, sy: float = 1.0) -> tuple[OcrLine, ...]:
    """OcrLines from a RapidOCROutput. Per-character results are matched to their line by text
    (rapidocr drops empty ones, so positions alone cannot be trusted)."""
    texts = getattr(result, "txts", None) or ()
    boxes = getattr(result, "boxes", None)
    scores = getattr(result, "scores", None) or ()
    words = list(getattr(result, "word_results", None) or ())
    out: list[OcrLine] = []
    w = 0
    for i, text in enumerate(texts):
        if boxes is None or i >= len(boxes) or not str(text).strip():
            continue
        chars: tuple[OcrChar, ...] = ()
        for j in range(w, min(w + 2, len(words))):  # the next entry, or one further
            found = tuple(OcrChar(str(c), _box(q, sx, sy), round(float(s), 4))
                          for c, s, q in words[j] if q is not None and str(c).strip())
            if "".join(c.text for c in found) == "".join(str(text).split()):
                chars, w = found, j + 1
                break
        out.append(OcrLine(str(text), _box(boxes[i], sx, sy), round(float(scores[i]), 4), chars))
    return tuple(out)
