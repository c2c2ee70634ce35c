"""Claimants, and the pictures OCR reads, as tasks on a Dask cluster (issue 22).

`evidence build CASE --scheduler tcp://HOST:8786` connects to a running Dask scheduler
(dask.distributed, the `distributed` extra). Before any task, a preflight asks every worker what
it would build with: the tool's code digest (batch.tool_digest), the font files (SHA-256), the
libraries that shape a PDF or read a picture, the OCR engine and its models, and whether it sees
the case and output folders at the same paths, writable; a worker that differs refuses the whole
build with one sentence (exit 2) — a build never mixes outputs of two versions. Then each
claimant is one task (batch._build_next, exactly what a local pool worker runs, so the outputs
are the same bytes); the joint bundle is assembled here, from the outputs on shared storage.

Failures: a claimant whose worker dies (out of memory, a native crash) is retried by the
scheduler on another worker, as are the other claimants that worker was running; one that has
killed `distributed.scheduler.allowed-failures` + 1 workers (the scheduler's setting, default 3)
fails alone, as a failed claimant of a local build does (problems table, a page in the bundle,
exit 7). A lost scheduler ends the build with SchedulerLost before the joint step: each claimant
already finished is complete (its build.json is written last), nothing else is published.

This module (and so dask) is imported only when a scheduler is given: without --scheduler
nothing changes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import importlib.metadata
import itertools
import secrets
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from evidence import batch, config, errors, phones, pipeline
from evidence.model import Case, Issue, SourceFile
from evidence.render import fonts as fonts_mod

try:  # the distributed extra; without it Cluster.connect says how to install it
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover
    WorkerPlugin = object  # type: ignore[misc,assignment]

ENV = "EVIDENCE_SCHEDULER"  # the scheduler's address when --scheduler is not given
CONNECT_SECONDS = 20
PLUGIN = "evidence-warm"
# what decides the bytes of a dossier or the text read from a picture, besides the tool's code
LIBRARIES = ("reportlab", "rl_accel", "pikepdf", "pypdf", "pillow", "img2pdf", "phonenumbers",
             "python-dateutil", "charset-normalizer", "rapidocr", "onnxruntime")
PROBE = ".evidence-preflight-"  # OUT/.evidence-preflight-<token>: written here, read there

ProgressFn = Callable[[batch.Progress], None]
OcrResult = tuple[bool, tuple[Issue, ...], float]


class SchedulerLost(errors.PartialBuild):
    """The connection to the scheduler ended during the build."""


# ---- what a machine would build with ----------------------------------------------------------


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _file_sha(path: str) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def facts(case_dir: Path, out_dir: Path, options: pipeline.Options, token: str
          ) -> dict[str, str]:
    """What this process would build with, as comparable strings (runs on every worker, and
    here). `token`: the content of OUT/<PROBE><token>, which the client wrote just before."""
    found: dict[str, str] = {"tool code": batch.tool_digest()}
    found.update({f"library {name}": _version(name) for name in LIBRARIES})
    case_toml = case_dir / config.CASE_FILE
    if not case_toml.is_file():
        found["case folder"] = f"{case_dir} (not found)"
        return found
    found["case folder"] = f"{case_dir} (case.toml {_file_sha(str(case_toml))[:12]})"
    found["output folder"] = _writable(out_dir, token)
    case, _ = config.load_case(case_dir)
    fonts = pipeline.load_fonts(case, options)
    found["fonts"] = ", ".join(f"{p} ({_file_sha(p)[:12]})" for p in fonts.files) or "none"
    found["fallback fonts"] = ", ".join(  # glyphs the body font lacks (CJK Ext B, emoji)
        f"{p} ({_file_sha(p)[:12] if Path(p).is_file() else 'absent'})"
        for p in fonts_mod.FALLBACK_PATHS)
    if options.ocr:
        from evidence.ocr import run as ocr_run

        engine = ocr_run.decide(pipeline.setup_for(case)[0], True)
        found["OCR engine"] = engine.engine_id or f"unavailable ({engine.unavailable})"
    return found


def _writable(out_dir: Path, token: str) -> str:
    """`out_dir` as seen here: the client's probe read back (the same storage, not merely the
    same path), and a file created and removed (writable)."""
    probe = out_dir / (PROBE + token)
    try:
        seen = probe.read_text(encoding="utf-8")
    except OSError:
        return f"{out_dir} (not the client's folder: its probe file is not there)"
    if seen != token:
        return f"{out_dir} (not the client's folder: its probe file differs)"
    mine = out_dir / f"{PROBE}{token}-{uuid.uuid4().hex}"
    try:
        mine.write_bytes(b"")
        mine.unlink()
    except OSError as exc:
        return f"{out_dir} (not writable: {exc.strerror or exc})"
    return f"{out_dir} (shared, writable)"


def compare(here: Mapping[str, str], there: Mapping[str, str], worker: str) -> str | None:
    """One sentence naming the worker and the first thing that differs, or None."""
    for what, value in here.items():
        if there.get(what) != value:
            return (f"Dask worker {worker} differs from this machine in its {what}: "
                    f"{there.get(what, 'not reported')} there, {value} here; install the same "
                    "evidence, libraries and fonts on every worker, with the case and output "
                    "folders mounted at the same paths (README: Running on a cluster), then run "
                    "the build again. Nothing was built.")
    return None


# ---- the tasks (run on the workers) -----------------------------------------------------------


_READERS: dict[tuple[str, str], Any] = {}  # this worker's OCR readers: one engine per process


def _reader(out_dir: Path, engine_id: str) -> Any:
    from evidence.ocr import run as ocr_run

    key = (str(out_dir), engine_id)
    if key not in _READERS:
        _READERS[key] = ocr_run.reader(out_dir, engine_id)
    return _READERS[key]


def build_task(run: batch.Run, victim_id: str) -> batch.Outcome:
    """One claimant on a worker: what a local pool worker runs, its work folder in the worker's
    local directory (dask worker --local-directory); only finished files reach `out_dir`."""
    from distributed import get_worker

    return batch._build_next(run, victim_id, scratch=Path(get_worker().local_directory))


def ocr_task(file: SourceFile, out_dir: Path, engine_id: str) -> OcrResult:
    """One picture on a worker, into the shared cache (what ocr.run's pool workers run)."""
    began = time.process_time()
    outcome = _reader(out_dir, engine_id)(file)
    return outcome.page is not None, tuple(outcome.issues), time.process_time() - began


class Warm(WorkerPlugin):
    """Dask worker plugin: each worker loads the fonts, the source readers, the phone data and
    the OCR engine once, when it starts (and again when it restarts), not once per task."""

    name = PLUGIN

    def __init__(self, case: Case, out_dir: Path, options: pipeline.Options) -> None:
        self.case, self.out_dir, self.options = case, out_dir, options

    def setup(self, worker: Any) -> None:
        phones.preload()
        pipeline.warm_up(self.case, self.options)
        if self.options.ocr:
            _reader(self.out_dir, self.options.ocr)

    def teardown(self, worker: Any) -> None:
        _READERS.clear()


# ---- the client side --------------------------------------------------------------------------


def _dask() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise errors.UsageError(
            "--scheduler needs Dask: install it with pip install \"evidence[distributed]\" (the "
            "same on every worker), or build without --scheduler.") from exc
    return distributed


class Cluster:
    """A connection to a Dask scheduler for one command; a context manager."""

    def __init__(self, client: Any, where: str) -> None:
        self.client = client
        self.where = where

    @classmethod
    def connect(cls, where: str, timeout: float = CONNECT_SECONDS) -> Cluster:
        """`timeout`: to connect, and to reconnect after the connection drops."""
        dask = _dask()
        try:
            client = dask.Client(where, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise errors.UsageError(
                f"cannot reach the Dask scheduler at {where} ({exc}); start it with `dask "
                "scheduler` and its workers with `dask worker`, or check --scheduler / "
                f"{ENV}.") from exc
        return cls(client, where)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(Exception):  # a scheduler already gone
            self.client.close(timeout=5)

    # -- preflight --

    def workers(self) -> dict[str, dict[str, Any]]:
        """What the scheduler says of its workers (names, for messages; may be partial)."""
        return dict(self.client.scheduler_info().get("workers", {}))

    def preflight(self, case_dir: Path, out_dir: Path, options: pipeline.Options) -> None:
        """Refuse (UsageError, exit 2) unless every worker would build what this machine
        would; then warm the workers up."""
        threads = dict(self.client.nthreads())  # every worker, whatever the dask version
        if not threads:
            raise errors.UsageError(
                f"the Dask scheduler at {self.where} has no workers; start some with `dask "
                f"worker {self.where} --nthreads 1`, then run the build again.")
        workers = self.workers()
        for worker, count in sorted(threads.items()):
            if count != 1:
                raise errors.UsageError(
                    f"Dask worker {_named(worker, workers)} runs {count} threads; start workers "
                    "with --nthreads 1 (and --nworkers N for N cores): a claimant's build keeps "
                    "per-process state (fonts, the PDF libraries). Nothing was built.")
        out_dir = out_dir.absolute()
        case_dir = case_dir.absolute()
        token = secrets.token_hex(8)
        probe = out_dir / (PROBE + token)
        probe.write_text(token, encoding="utf-8")
        try:
            here = facts(case_dir, out_dir, options, token)
            try:
                there = self.client.run(facts, case_dir, out_dir, options, token,
                                        on_error="return")
            except Exception as exc:  # the scheduler went away
                raise self.lost(exc) from exc
        finally:
            probe.unlink(missing_ok=True)
        for worker in sorted(there):
            got = there[worker]
            if isinstance(got, BaseException):
                raise errors.UsageError(
                    f"Dask worker {worker} cannot run evidence ({type(got).__name__}: {got}); "
                    "install the same evidence on every worker (pip install "
                    "\"evidence[distributed]\"), then run the build again. Nothing was built.")
            problem = compare(here, got, _named(worker, workers))
            if problem is not None:
                raise errors.UsageError(problem)
        case, _ = config.load_case(case_dir)
        self.client.register_plugin(Warm(case, out_dir, options), name=PLUGIN)

    def lost(self, exc: BaseException | None = None) -> SchedulerLost:
        why = f" ({type(exc).__name__})" if exc is not None else ""
        return SchedulerLost(
            f"the connection to the Dask scheduler at {self.where} was lost{why}; the claimants "
            "finished before that are complete and kept, the joint bundle was not written. "
            "Restart the scheduler and run the build again: finished claimants are reused.")

    # -- the claimants --

    def build(self, run: batch.Run, pending: Sequence[str], done: dict[str, batch.Outcome],
              progress: ProgressFn) -> dict[str, batch.Outcome]:
        """Each pending claimant as one task; outcomes in `done` as they arrive.

        A claimant the scheduler gave up on (its workers kept dying) may only have been beside
        the one that killed them: each such claimant is built once more, alone on the cluster,
        and fails only if it kills its worker again."""
        total = len(pending) + len(done)
        case = run.case
        key = uuid.uuid4().hex[:8]
        attempts = itertools.count()

        def submit(vids: Sequence[str]) -> dict[Any, str]:
            attempt = next(attempts)
            return {self.client.submit(build_task, run, vid, pure=False,
                                       key=f"evidence-build-{key}-{attempt}-{vid}"): vid
                    for vid in vids}

        suspects: list[str] = []

        def failed(vid: str, exc: BaseException) -> batch.Outcome | None:
            if type(exc).__name__ != "KilledWorker":
                return batch._failure(case, vid, "", exc, 0.0)
            if vid not in suspects:
                suspects.append(vid)
                return None  # retried alone below
            return batch._failure(case, vid, "", RuntimeError(
                f"the Dask workers that built {vid} died before it finished, also when it was "
                "built alone (out of memory, or a crash in a native library); the other "
                "claimants were built. Give the workers more memory (dask worker "
                f"--memory-limit), or build it alone here: evidence build --victim {vid}"), 0.0)

        progress(batch.Progress("begin", total, len(done), (), f"{len(pending)} on the cluster"))
        batches = [submit(pending)]
        while batches:
            for vid, outcome in self._collect(batches.pop(), failed):
                if outcome is not None:
                    done[vid] = outcome
                    progress(batch.Progress("done", total, len(done), (), vid, outcome.state))
            retry = [v for v in suspects if v not in done]
            if retry:
                batches.append(submit(retry[:1]))
        return done

    def read_images(self, files: Sequence[SourceFile], out_dir: Path, engine_id: str,
                    notify: Callable[[int, int], None]) -> dict[str, OcrResult]:
        """ocr.run's pre-pass on the cluster: each picture one task, into the shared cache."""
        run = uuid.uuid4().hex[:8]
        futures = {self.client.submit(ocr_task, f, out_dir, engine_id, pure=False,
                                      key=f"evidence-ocr-{run}-{f.sha256}"): f.sha256
                   for f in files}
        found: dict[str, OcrResult] = {}
        # a picture not read (its worker died) is read again by the build, as locally
        for sha, result in self._collect(futures, lambda _s, _e: (False, (), 0.0)):
            found[sha] = result
            notify(len(found), len(files))
        return found

    def _collect(self, futures: Mapping[Any, str], failed: Callable[[str, BaseException], Any]
                 ) -> Any:
        """(name, result) as each task ends; a task's own exception goes through `failed`; a
        lost scheduler cancels what is left and raises SchedulerLost."""
        dask = _dask()
        try:
            for future in dask.as_completed(list(futures), loop=self.client.loop):
                name = futures[future]
                if future.status == "cancelled":
                    raise self.lost()
                try:
                    result = future.result()
                except (concurrent.futures.CancelledError, asyncio.CancelledError) as exc:
                    raise self.lost(exc) from exc
                except Exception as exc:
                    if _connection_error(exc):
                        raise self.lost(exc) from exc
                    result = failed(name, exc)
                yield name, result
        except SchedulerLost:
            self.client.cancel(list(futures))
            raise


def _connection_error(exc: BaseException) -> bool:
    return type(exc).__name__ in ("CommClosedError", "FutureCancelledError") or isinstance(
        exc, (ConnectionError, TimeoutError))


def _named(worker: str, workers: Mapping[str, Mapping[str, Any]]) -> str:
    """The worker's address, and its --name when it has another."""
    name = str(workers.get(worker, {}).get("name", ""))
    return f"{worker} ({name})" if name and name != worker else worker

