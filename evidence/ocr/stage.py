"""The OCR stage as a run context holds it: `Reader(cache_folder)` is a callable
`SourceFile -> OcrOutcome` for `extract.Context.ocr`.

Per image: only an accepted screenshot or photo (the inventory has already rejected damaged and
hostile images; they never reach the engine); the cached page when there is one; else the
file's bytes, checked against the SHA-256 the inventory recorded, decoded strictly, read by the
engine within its pixel and time limits, and cached. Every problem is an Issue in the outcome;
nothing raises, and one image's failure leaves the others alone.

The engine is built on the first image that needs it and kept by this Reader (one per process:
a pickled Reader, sent to a worker, arrives without it and builds its own there).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from evidence.model import FileKind, Issue, Severity, SourceFile, Status
from evidence.ocr import cache, engine
from evidence.ocr.model import OcrOutcome, OcrPage

IMAGE_KINDS = (FileKind.SCREENSHOT, FileKind.PHOTO)


def _say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


class Reader:
    """Reads images through the cache and a lazily built engine. Not shared between threads."""

    def __init__(self, cache_folder: Path | None, settings: engine.Settings | None = None,
                 lang: str = "zh-Hans", engine_id: str | None = None) -> None:
        self.cache_folder = cache_folder
        self.settings = settings or engine.Settings()
        self.lang = lang
        # engine_id: when the caller has identified the engine already (once per build, in the
        # parent process: hashing the models costs ~30 ms a claimant otherwise)
        self._id: str | None = engine_id
        self._engine: engine.Engine | None = None
        self._unavailable: str | None = None  # why there is no engine, once found out
        self._said: set[str] = set()  # run-wide notes already given by this Reader

    # a worker gets the settings and the cache folder, never another process's engine
    def __getstate__(self) -> dict[str, Any]:
        return {"cache_folder": self.cache_folder, "settings": self.settings, "lang": self.lang,
                "engine_id": self._id}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["cache_folder"], state["settings"], state["lang"],  # type: ignore[misc]
                      state.get("engine_id"))

    def engine_id(self) -> str | None:
        """The engine's identity (versions, model hashes, settings); None without an engine."""
        if self._id is None and self._unavailable is None:
            try:
                self._id = engine.identify(self.settings)[0]
            except engine.Unavailable as exc:
                self._unavailable = str(exc)
        return self._id

    def __call__(self, file: SourceFile) -> OcrOutcome:
        if file.status is not Status.ACCEPTED or file.kind not in IMAGE_KINDS:
            return OcrOutcome(None)  # rejected, duplicate or not a picture: never read
        engine_id = self.engine_id()
        if engine_id is None:
            return OcrOutcome(None, self._once("ocr_unavailable", Severity.NOTE, _say(
                self.lang,
                f"本机未能运行文字识别（{self._unavailable}），截图和照片中的文字未读入时间线；"
                "安装 evidence[ocr] 后重新生成即可。",
                f"Text in screenshots and photos was not read ({self._unavailable}); install "
                "evidence[ocr] and build again to read it.")))
        if self.cache_folder is not None:
            page = cache.load(self.cache_folder, file.sha256, engine_id)
            if page is not None:
                return OcrOutcome(page, cached=True)
        page, issues = self._read(file, engine_id)
        if page is not None and self.cache_folder is not None and not cache.store(self.cache_folder, page):
            issues += self._once("ocr_cache_unwritable", Severity.NOTE, _say(
                self.lang, f"文字识别结果无法写入缓存文件夹 {self.cache_folder}，下次生成时将重新识别。",
                f"OCR results could not be written to the cache folder {self.cache_folder}; "
                "they will be read again next time."))
        return OcrOutcome(page, issues)

    def _once(self, code: str, severity: Severity, message: str) -> tuple[Issue, ...]:
        if code in self._said:
            return ()
        self._said.add(code)
        return (Issue(severity, code, message),)

    def _issue(self, file: SourceFile, severity: Severity, code: str, zh: str, en: str) -> tuple[Issue, ...]:
        return (Issue(severity, code, _say(self.lang, zh, en), path=file.path, locator="file"),)

    def _read(self, file: SourceFile, engine_id: str) -> tuple[OcrPage | None, tuple[Issue, ...]]:
        name = file.path
        try:
            data = file.abspath.read_bytes()
        except OSError as exc:
            return None, self._issue(file, Severity.WARNING, "ocr_unreadable",
                                     f"{name} 无法读取（{exc.strerror}），未做文字识别。",
                                     f"{name} could not be read ({exc.strerror}); its text was not read.")
        if hashlib.sha256(data).hexdigest() != file.sha256:
            return None, self._issue(
                file, Severity.WARNING, "ocr_file_changed",
                f"{name} 在清点之后被改动过（SHA-256 不符），未做文字识别；请重新运行 check。",
                f"{name} changed after it was inventoried (SHA-256 differs), so its text was not "
                "read; run check again.")
        try:
            prepared = engine.prepare(data, self.settings)
        except engine.TooLarge as exc:
            return None, self._issue(
                file, Severity.NOTE, "ocr_too_large",
                f"{name} 有 {exc} 像素，超过文字识别的上限，未做识别；图片本身照常作为证据。",
                f"{name} has {exc} pixels, more than OCR reads; its text was not read (the "
                "picture is still exhibited).")
        except engine.Undecodable as exc:
            return None, self._issue(
                file, Severity.NOTE, "ocr_undecodable",
                f"{name} 的画面无法解码（{exc}），未做文字识别；图片本身照常作为证据。",
                f"{name} could not be decoded ({exc}), so its text was not read; the picture "
                "is still exhibited.")
        built = self._built()
        if built is None:
            return None, self._once("ocr_unavailable", Severity.WARNING, _say(
                self.lang, f"文字识别引擎无法启动（{self._unavailable}），截图中的文字未读入时间线。",
                f"The OCR engine could not be started ({self._unavailable}); text in screenshots "
                "was not read."))
        try:
            lines = built.read(prepared)
        except engine.TimedOut:
            return None, self._issue(
                file, Severity.WARNING, "ocr_timeout",
                f"{name} 的文字识别超过 {self.settings.time_limit_s:g} 秒未完成，已放弃；"
                "图片本身照常作为证据，其中的金额请人工核对。",
                f"Reading the text of {name} took longer than {self.settings.time_limit_s:g} s "
                "and was given up; the picture is still exhibited, check its figures by hand.")
        except Exception as exc:  # the engine's own failure: this image only
            return None, self._issue(
                file, Severity.ERROR, "ocr_failed",
                f"{name} 的文字识别出错（{type(exc).__name__}），其余文件不受影响；请报告此问题。",
                f"OCR failed on {name} ({type(exc).__name__}); other files are not affected. "
                "Please report this as a bug.")
        return OcrPage(file.sha256, engine_id, prepared.width, prepared.height, lines), ()

    def _built(self) -> engine.Engine | None:
        if self._engine is None and self._unavailable is None:
            try:
                self._engine = engine.Engine(self.settings)
            except Exception as exc:  # missing extra, broken install, unloadable model
                self._unavailable = str(exc) or type(exc).__name__
        return self._engine
