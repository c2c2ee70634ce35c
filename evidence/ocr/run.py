"""Running the OCR stage for a build or on its own: is it on, which engine, and a parallel pre-pass.

* `decide(setup, flag)`: `build --ocr/--no-ocr`, else the template's `[build] ocr`. On, with the
  extra installed, it gives the engine_id; it is carried in `pipeline.Options.ocr`, so it is part
  of every claimant's fingerprint: a new engine, model or setting rebuilds, an unchanged case
  never reads an image twice (the pages are in the cache, keyed by the image and engine_id).
  Off, or without the extra: "" and the dossier says its images' text was not read.
* `reader(out, engine_id)`: what a claimant's run context holds (`extract.Context.ocr`).
* `prepass(...)`: before the per-claimant builds, the case's *distinct* uncached accepted images
  (by SHA-256: the same screenshot sent by two victims is read once) are dealt to a pool of
  `jobs` worker processes, one engine each; the builds then only read the cache. The pool ends
  with the pass, so no build worker carries an engine's 0.5-0.7 GB.

Nothing prints: progress goes to a callback.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from evidence import collect, config, inventory
from evidence.model import Case, FileKind, Issue, SourceFile, Status
from evidence.ocr import cache, engine, stage
from evidence.ocr.model import OcrPage

IMAGE_KINDS = (FileKind.SCREENSHOT, FileKind.PHOTO)
OFF = ""  # Options.ocr when no text is read from images


@dataclasses.dataclass(frozen=True)
class Decision:
    engine_id: str  # OFF when OCR does not run
    wanted: bool  # asked for (flag or template)
    unavailable: str | None = None  # why it does not run although wanted


def wanted(setup: Mapping[str, Any], flag: bool | None) -> bool:
    """The command line's --ocr/--no-ocr, else the template's `[build] ocr` (default off)."""
    if flag is not None:
        return flag
    build = setup.get("build")
    return bool(build.get("ocr", False)) if isinstance(build, Mapping) else False


def decide(setup: Mapping[str, Any], flag: bool | None,
           settings: engine.Settings | None = None) -> Decision:
    if not wanted(setup, flag):
        return Decision(OFF, False)
    try:
        return Decision(engine.identify(settings or engine.Settings())[0], True)
    except engine.Unavailable as exc:
        return Decision(OFF, True, str(exc))


def reader(out: Path, engine_id: str, lang: str = "zh-Hans") -> stage.Reader | None:
    """The Reader of a claimant's build, or None when OCR is off."""
    if engine_id == OFF:
        return None
    return stage.Reader(cache.folder(out), lang=lang, engine_id=engine_id)


# ---- the pre-pass ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Counts:
    """One victim's images after a pass."""

    images: int = 0  # accepted screenshots and photos
    read: int = 0  # read by the engine in this pass
    cached: int = 0  # already in the cache
    failed: int = 0  # not read (damaged, too large, timed out): the picture is still exhibited


@dataclasses.dataclass(frozen=True)
class Pass:
    counts: Mapping[str, Counts]  # victim -> counts, in the order asked
    issues: tuple[Issue, ...]
    seconds: float  # wall time of the pass
    cpu_seconds: float  # engine work summed over the workers (the images read)
    read: int  # distinct images read by the engine


ProgressFn = Callable[[int, int], None]  # (done, total) distinct images to read
# issue 22: reads (files, out, engine_id, progress) elsewhere -> sha256 -> (read, issues, cpu s)
Remote = Callable[[list[SourceFile], Path, str, ProgressFn],
                  Mapping[str, tuple[bool, tuple[Issue, ...], float]]]


def _quiet(_done: int, _total: int) -> None:
    pass


def images(case: Case, victim_id: str) -> list[SourceFile]:
    """A victim's accepted screenshots and photos (the inventory's verdict: damaged and hostile
    images were rejected there and never reach the engine)."""
    person, _ = config.load_victim(case, victim_id)
    inv = inventory.scan(person, collect.context(case, person))
    return [f for f in inv.files if f.status is Status.ACCEPTED and f.kind in IMAGE_KINDS]


def prepass(case: Case, victim_ids: Sequence[str], out: Path, engine_id: str, jobs: int,
            progress: ProgressFn | None = None, remote: Remote | None = None) -> Pass:
    """Read every uncached accepted image of these victims into the cache, `jobs` at a time
    (or, issue 22, by `remote`: a Dask cluster's read_images)."""
    started = time.perf_counter()
    if engine_id == OFF:
        return Pass({}, (), 0.0, 0.0, 0)
    root = cache.folder(out)
    per_victim = {vid: images(case, vid) for vid in victim_ids}
    todo: dict[str, SourceFile] = {}
    known: set[str] = set()
    for files in per_victim.values():
        for f in files:
            if f.sha256 in todo or f.sha256 in known:
                continue
            if cache.load(root, f.sha256, engine_id) is None:
                todo[f.sha256] = f
            else:
                known.add(f.sha256)
    results = (_read_all([todo[k] for k in sorted(todo)], out, engine_id, jobs, progress)
               if remote is None or not todo else
               remote([todo[k] for k in sorted(todo)], out, engine_id, progress or _quiet))
    counts = {}
    issues: list[Issue] = []
    for vid, files in per_victim.items():
        read = sum(1 for f in files if results.get(f.sha256, (False,))[0])
        failed = sum(1 for f in files if f.sha256 in results and not results[f.sha256][0])
        counts[vid] = Counts(len(files), read, len(files) - read - failed, failed)
    for _ok, found, _cpu in results.values():
        issues.extend(found)
    return Pass(counts, tuple(issues), time.perf_counter() - started,
                sum(cpu for _, _, cpu in results.values()),
                sum(1 for ok, _, _ in results.values() if ok))


def _read_all(files: list[SourceFile], out: Path, engine_id: str, jobs: int,
              progress: ProgressFn | None) -> dict[str, tuple[bool, tuple[Issue, ...], float]]:
    notify = progress or (lambda _d, _t: None)
    total = len(files)
    notify(0, total)
    if not files:
        return {}
    done: dict[str, tuple[bool, tuple[Issue, ...], float]] = {}
    workers = max(1, min(jobs, total))
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start,
                                                initargs=(out, engine_id)) as pool:
        futures = {pool.submit(_read_one, f): f for f in files}
        for future in concurrent.futures.as_completed(futures):
            f = futures[future]
            try:
                done[f.sha256] = future.result()
            except Exception:  # a worker died (out of memory): the build reads it again
                done[f.sha256] = (False, (), 0.0)
            notify(len(done), total)
    return done


_WORKER: dict[str, stage.Reader] = {}  # this worker process's Reader (and so its one engine)


def _start(out: Path, engine_id: str) -> None:
    reader_ = reader(out, engine_id)
    if reader_ is not None:
        _WORKER["reader"] = reader_


def _read_one(file: SourceFile) -> tuple[bool, tuple[Issue, ...], float]:
    began = time.process_time()
    outcome = _WORKER["reader"](file)
    return outcome.page is not None, outcome.issues, time.process_time() - began


def pages(files: Sequence[SourceFile], out: Path, engine_id: str) -> dict[str, OcrPage]:
    """The cached pages of these exhibited images by SHA-256 (what the dossier's text layer and
    a service copy's pixel redaction use): a pure function of the bytes and the engine."""
    if engine_id == OFF:
        return {}
    root = cache.folder(out)
    found = {}
    for f in files:
        if f.kind in IMAGE_KINDS and f.sha256 not in found:
            page = cache.load(root, f.sha256, engine_id)
            if page is not None:
                found[f.sha256] = page
    return found


def note(lang: str, engine_id: str, items: Sequence[Any]) -> str:
    """The dossier summary's line when its pictures' text was not read (OCR off or not
    installed); "" when it was, or when there is no picture."""
    from evidence import template
    from evidence.layout import Mode

    if engine_id != OFF or not any(it.mode is Mode.IMAGE for it in items):
        return ""
    return template.t(lang, "dossier.summary.ocr_not_run")
