"""Build the whole case: every claimant in parallel, then the joint bundle and claims schedule.

Each claimant is built in a worker process by pipeline.build_collected; a failure is caught in
the worker and becomes a failed claimant (the bundle shows it, the exit code says "partial"),
never a stopped batch. Rebuilds are incremental: a claimant whose fingerprint (its files,
victim.toml, case.toml, templates, tool version and code, build options) is unchanged and whose
outputs still hash as recorded is not rebuilt. Every file is written to a temporary name and
renamed; DIR/<victim>/build.json is written last, so a build killed at any point is simply
resumed by the next run, and gives the same bytes as an uninterrupted one.

No printing: progress goes to a callback the CLI passes in.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import contextvars
import dataclasses
import enum
import functools
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from evidence import (
    __version__,
    atomic,
    claims,
    collect,
    config,
    errors,
    integrity,
    inventory,
    joint,
    jsontext,
    model,
    netfs,
    office,
    phones,
    pipeline,
    redact,
    served,
    template,
    times,
    volume_step,
)
from evidence.model import Case, Issue, Severity
from evidence.ocr import run as ocr_run
from evidence.pdf import bundle, duplex, volumes
from evidence.render import joint as render_joint
from evidence.render import volume_cover

BUILD_JSON = "build.json"
MANIFEST = "manifest.json"
JOINT_DIR = "joint"
JOINT_FILES = ("bundle.pdf", "claims.csv", "claims.json")
FORMAT = "evidence-build/1"
WORKER_CLAIMANTS = 40  # claimants a worker process builds before fresh workers take over
GC_THRESHOLD = 20_000  # allocations between young-generation collections while building


class State(enum.StrEnum):
    BUILT = "built"
    CACHED = "cached"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True)
class Outcome:
    """One claimant after the batch."""

    id: str
    state: State
    fingerprint: str
    claimant: joint.Claimant
    pages: int = 0
    outputs: Mapping[str, str] = dataclasses.field(default_factory=dict)  # name -> sha256
    issues: tuple[Issue, ...] = ()
    error: str = ""
    seconds: float = 0.0
    looked_up: Mapping[str, str | None] = dataclasses.field(default_factory=dict)  # phones


@dataclasses.dataclass(frozen=True)
class Progress:
    """What the CLI needs to draw a progress bar. `event`: start, begin, done, joint, end."""

    event: str
    total: int
    done: int
    running: tuple[str, ...] = ()
    victim: str = ""
    state: State | None = None


@dataclasses.dataclass(frozen=True)
class Result:
    out: Path
    outcomes: tuple[Outcome, ...]  # claimant order
    bundle: Path | None
    bundle_pages: int
    joint_rebuilt: bool
    seconds: float
    # warnings of the joint step itself (a bundle page rasterised for --pdfa), kept in
    # joint/build.json so a reused bundle still reports them
    joint_warnings: tuple[str, ...] = ()

    @property
    def rebuilt(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.outcomes if o.state is State.BUILT)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.state is State.FAILED)


ProgressFn = Callable[[Progress], None]


class Executor(Protocol):
    """Where claimants are built instead of the local pool (issue 22: distributed.Cluster)."""

    def preflight(self, case_dir: Path, out_dir: Path, options: pipeline.Options) -> None: ...

    def build(self, run: Run, pending: Sequence[str], done: dict[str, Outcome],
              progress: ProgressFn) -> dict[str, Outcome]: ...

    def read_images(self, files: Sequence[Any], out_dir: Path, engine_id: str,
                    notify: Callable[[int, int], None]) -> dict[str, Any]: ...


# ---- fingerprints -----------------------------------------------------------------------------


CACHE_DIR = ".cache"  # DIR/.cache: what only makes rebuilds faster; deleting it costs time only
HASHES_DIR = "hashes"  # DIR/.cache/hashes/<victim or joint>.json: remembered SHA-256s (Hashes)
VOLUMES_DIR = "volumes"  # DIR/.cache/volumes/<victim>.<dossier>.json: its split (_with_volumes)
SEGMENTS_DIR = "segments"  # DIR/.cache/segments/<victim>.<dossier>.seg: see bundle.bundle
RACY_NS = 2_000_000_000  # a file changed this recently may change again within one clock tick


class Hashes:
    """SHA-256 of files, remembered with their (size, mtime, ctime, inode), the way git's index
    does: a rebuild of 150 unchanged claimants re-reads nothing (1.5 GB of inputs and outputs
    took 2.3 s to hash). Decisions stay content-based: any write to a file changes its ctime
    (which no tool can set back), so it is hashed again; a file changed within RACY_NS of
    being hashed is not remembered (it could change again within the same clock tick).
    Kept in DIR/.cache/hashes/."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        data = _read_json(path) if path is not None else None
        files = data.get("files") if data and data.get("format") == FORMAT else None
        self.files: dict[str, list[Any]] = dict(files) if isinstance(files, dict) else {}
        self.dirty = False

    @staticmethod
    def _stat(path: str | Path) -> list[Any]:
        st = os.stat(path)  # noqa: PTH116 (strings: see sha)
        return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]

    def sha(self, path: str | Path) -> str:
        # plain strings, not Paths: a 150-claimant scan makes ~6,000 of these lookups
        key = os.path.abspath(path)  # noqa: PTH100 (not realpath: one lstat per component)
        stat = self._stat(path)
        if netfs.remote(key):  # issue 22: other machines' caches and clocks: content only
            return inventory.sha256(Path(path))
        known = self.files.get(key)
        if known is not None and known[:4] == stat:
            return str(known[4])
        sha = inventory.sha256(Path(path))
        if time.time_ns() - max(stat[1], stat[2]) > RACY_NS and self._stat(path) == stat:
            self.files[key] = [*stat, sha]
            self.dirty = True
        return sha

    def trust(self, path: Path, sha: str) -> None:
        """`sha` was computed by this build from what it just wrote to `path`."""
        self.files[os.path.abspath(path)] = [*self._stat(path), sha]  # noqa: PTH100
        self.dirty = True

    def save(self) -> None:
        if self.dirty and self.path is not None:
            atomic.write_bytes(self.path, _dump({"format": FORMAT, "files": self.files}))
            self.dirty = False


def _tree(root: Path, hashes: Hashes | None = None) -> list[tuple[str, str]]:
    """(relative POSIX path, sha256) of every regular file under root, sorted."""
    if not root.is_dir():
        return []
    digest = hashes.sha if hashes is not None else _sha_of
    files: list[tuple[str, str]] = []  # (relative POSIX path, full path)

    def walk(folder: str, rel: str) -> None:
        with os.scandir(folder) as entries:  # file types from the directory: no stat each
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    walk(e.path, rel + e.name + "/")
                elif e.is_file(follow_symlinks=False):
                    files.append((rel + e.name, e.path))

    walk(str(root), "")
    return [(name, digest(full)) for name, full in sorted(files)]


def _sha_of(path: str | Path) -> str:
    return inventory.sha256(Path(path))


@functools.cache
def tool_digest() -> str:
    """The tool's part of every fingerprint: its version, then each source file of the
    installed `evidence` package (*.py) and each template (*.toml), sorted by their path
    relative to the package or template folder, as (path, NUL, bytes). A code change
    rebuilds everything (during development the version number alone does not move);
    nothing else — not where the package is installed, not file times, not __pycache__ —
    moves it."""
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    files = [(p.relative_to(package).as_posix(), p) for p in package.rglob("*.py")
             if p.relative_to(package).parts[0] != "web"]  # the web pages build nothing
    files += [("templates/" + p.relative_to(template.TEMPLATES_DIR).as_posix(), p)
              for p in template.TEMPLATES_DIR.rglob("*.toml")]
    for name, path in sorted(files):
        h.update(b"\0%s\0%d\0" % (name.encode(), path.stat().st_size) + path.read_bytes())
    return h.hexdigest()


def _options_text(options: pipeline.Options) -> str:
    """The options that change what is built (how it is written to disk does not)."""
    # not the file limits (issue 18): a dossier over them is split after its build, from the
    # dossier as built (_with_volumes), so changing them never renders a claimant again
    chosen = {k: v for k, v in dataclasses.asdict(options).items()
              if k not in ("direct_io", "max_mb", "max_pages")}
    return json.dumps(chosen, sort_keys=True, default=str)


def case_inputs(case: Case) -> list[tuple[str, str]]:
    """Case-level inputs every dossier depends on: case.toml and a lawyer's template file."""
    items = [("case.toml", inventory.sha256(case.folder / config.CASE_FILE)),
             ("build_date", case.build_date.isoformat() if case.build_date else "")]
    if case.template and case.template != "default":
        path = case.folder / case.template
        if path.is_file():
            items.append((f"template:{case.template}", inventory.sha256(path)))
    rules = case.folder / case.redaction if case.redaction else redact.RULES_FILE  # service copies
    items.append(("redaction", inventory.sha256(rules) if rules.is_file() else ""))
    return items


def fingerprint(case: Case, victim_id: str, tool: str, options: pipeline.Options,
                hashes: Hashes | None = None) -> str:
    """SHA-256 over everything that decides a claimant's outputs."""
    folder = config.victim_folder(case, victim_id)
    toml = folder / config.VICTIM_FILE
    data = {
        "format": FORMAT,
        "tool": tool,
        "options": _options_text(options),
        "case": case_inputs(case),
        "victim.toml": inventory.sha256(toml) if toml.is_file() else "",
        "files": _tree(folder, hashes),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


# ---- atomic writes ----------------------------------------------------------------------------


def _dump(data: Any) -> bytes:
    return jsontext.dumps(data, sort_keys=True)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _outputs_ok(folder: Path, outputs: Mapping[str, str], hashes: Hashes | None = None
                ) -> bool:
    digest = hashes.sha if hashes is not None else _sha_of
    base = str(folder)  # strings, as in Hashes.sha
    return bool(outputs) and all(
        os.path.isfile(path := os.path.join(base, name))  # noqa: PTH113, PTH118
        and digest(path) == sha for name, sha in outputs.items())


def _issue_json(issue: Issue) -> dict[str, Any]:
    return {"severity": str(issue.severity), "code": issue.code, "message": issue.message,
            "path": issue.path, "locator": issue.locator}


def _issue(data: Mapping[str, Any]) -> Issue:
    return Issue(Severity(str(data["severity"])), str(data["code"]), str(data["message"]),
                 data.get("path"), data.get("locator"))


# ---- one claimant (runs in a worker process) --------------------------------------------------


def _cached(folder: Path, fp: str, hashes: Hashes | None = None) -> Outcome | None:
    record = _read_json(folder / BUILD_JSON)
    if not record or record.get("fingerprint") != fp or record.get("format") != FORMAT:
        return None
    outputs = {str(k): str(v) for k, v in dict(record.get("outputs", {})).items()}
    if not _outputs_ok(folder, outputs, hashes):
        return None
    return Outcome(
        id=folder.name, state=State.CACHED, fingerprint=fp,
        claimant=joint.from_json(record["claimant"]), pages=int(record.get("pages", 0)),
        outputs=outputs, issues=tuple(_issue(i) for i in record.get("issues", ())),
    )


@dataclasses.dataclass(frozen=True)
class Run:
    """One build's context (issue 19): made once by start() and passed down, instead of
    `(case, out_dir, options, tool)` travelling separately through every step, and instead of
    the last build's phone attributions living in module state. Picklable, for a worker."""

    case: Case
    out_dir: Path
    options: pipeline.Options
    tool: str  # the code digest in every fingerprint (tests pin it)
    phones_known: tuple[tuple[str, str | None], ...] = ()  # DIR/.cache/phones.json's answers


def start(case_dir: Path, out_dir: Path, options: pipeline.Options | None = None,
          tool: str | None = None) -> Run:
    """The context of a whole-case build of `case_dir` into `out_dir` (loads case.toml)."""
    options = options or pipeline.Options()
    case = config.with_template(config.load_case(case_dir)[0], options.template)
    return Run(case, out_dir, options, tool or tool_digest())


def reuse(run: Run, victim_id: str) -> Outcome | None:
    """The claimant's last outcome when nothing it depends on changed, else None (never raises:
    whatever goes wrong here, build_one meets it again and reports it)."""
    case, out_dir, options, tool = run.case, run.out_dir, run.options, run.tool
    started = time.perf_counter()
    if not (out_dir / victim_id / BUILD_JSON).is_file():
        return None  # never built: no need to hash its inputs here (a first build: 750 MB)
    hashes = Hashes(_hashes_path(out_dir, victim_id))
    try:
        fp = fingerprint(case, victim_id, tool, options, hashes)
        cached = _cached(out_dir / victim_id, fp, hashes)
        if cached is None:
            return None
        cached = _with_volumes(run, cached, hashes)
        hashes.save()
        path, _ = _segment_cache(out_dir, cached, pipeline.output_name("dossier.pdf", options),
                                 tool)
        if path is not None and not path.is_file():  # e.g. outputs of an older version
            prepare_segment(out_dir, cached, options, tool)
    except Exception:
        return None
    return dataclasses.replace(cached, seconds=time.perf_counter() - started)


def build_one(run: Run, victim_id: str, force: bool = False, scratch: Path | None = None
              ) -> Outcome:
    """Build (or reuse) one claimant. Never raises for the claimant's own problems. Runs in
    a context of its own: what the render sets for this claimant (its fonts' glyph coverage,
    render/common.use_fonts) ends with it. `scratch`: where its work folder goes (a Dask
    worker's local directory, issue 22); by default beside the output."""
    return contextvars.copy_context().run(_build_one, run, victim_id, force, scratch)


def _build_one(run: Run, victim_id: str, force: bool, scratch: Path | None) -> Outcome:
    case, out_dir, options, tool = run.case, run.out_dir, run.options, run.tool
    if not force:
        cached = reuse(run, victim_id)
        if cached is not None:
            return cached
    started = time.perf_counter()
    folder = out_dir / victim_id
    fp = ""
    hashes = Hashes(_hashes_path(out_dir, victim_id))
    try:
        fp = fingerprint(case, victim_id, tool, options, hashes)
        with phones.session(dict(run.phones_known)) as lookups:  # this claimant's answers
            got = collect.victim(case, victim_id, digest=hashes.sha,  # hashed just above
                                 ocr=ocr_run.reader(out_dir, options.ocr, case.language))
            result = pipeline.build_collected(got, out_dir, options, scratch)
        person = joint.claimant(got.victim, got.timeline)
        outputs = {p.name: _written_sha(p) for p in sorted(folder.iterdir())
                   if p.is_file() and p.name != BUILD_JSON and not p.name.startswith(".")
                   and not volume_step.is_output(p.name, options)}  # the split's, below
        for name, sha in outputs.items():
            hashes.trust(folder / name, sha)
        record = {
            "format": FORMAT, "victim": victim_id, "fingerprint": fp, "tool": __version__,
            "dossier_fingerprint": result.fingerprint, "pages": result.pages,
            "outputs": outputs, "claimant": joint.to_json(person),
            "issues": [_issue_json(i) for i in result.issues],
        }
        atomic.write_bytes(folder / BUILD_JSON, _dump(record))  # last: it vouches for the others
        built = _with_volumes(run, Outcome(victim_id, State.BUILT, fp, person, result.pages,
                                           outputs, tuple(result.issues)), hashes, scratch)
        hashes.save()  # a cache: written after build.json is as good as before
        prepare_segment(out_dir, built, options, tool)
        return dataclasses.replace(built, seconds=time.perf_counter() - started,
                                   looked_up=lookups.found)
    except Exception as exc:  # one claimant never stops the batch
        return _failure(case, victim_id, fp, exc, time.perf_counter() - started, folder)


def _with_volumes(run: Run, outcome: Outcome, hashes: Hashes, scratch: Path | None = None
                  ) -> Outcome:
    """issue 18: the claimant's dossier split into volumes when over the limits, a step after
    its build: remembered under the claimant's fingerprint, its dossier's SHA-256 and the
    limits, so changing the limits splits again (from the dossier as built) and renders
    nothing. The outcome then lists the volumes with its outputs and their warnings."""
    options = run.options
    dossier_name = pipeline.output_name("dossier.pdf", options)
    key = hashlib.sha256(json.dumps([
        FORMAT, outcome.fingerprint, outcome.outputs.get(dossier_name, ""),
        volume_limits(run.case, options)]).encode()).hexdigest()
    path = run.out_dir / CACHE_DIR / VOLUMES_DIR / f"{outcome.id}.{dossier_name}.json"
    folder = run.out_dir / outcome.id
    record = _read_json(path) or {}
    outputs = {str(k): str(v) for k, v in dict(record.get("outputs", {})).items()}
    if record.get("key") != key or (outputs and not _outputs_ok(folder, outputs, hashes)):
        split = volume_step.split(run.case, outcome.id, run.out_dir, options, scratch)
        outputs = split.outputs
        for name, sha in outputs.items():
            hashes.trust(folder / name, sha)
        record = {"key": key, "outputs": outputs,
                  "issues": [_issue_json(i) for i in split.issues]}
        atomic.write_bytes(path, _dump(record))
    issues = tuple(_issue(i) for i in record.get("issues", ()))
    return dataclasses.replace(outcome, outputs={**outcome.outputs, **outputs},
                               issues=(*outcome.issues, *issues))


def _written_sha(path: Path) -> str:
    """SHA-256 of an output this build just wrote: a PDF's from the .sha256 written beside it
    from the writer's own hash (a 5 MB dossier is not read again), anything else hashed."""
    known = integrity.read_sidecar(path) if path.suffix == ".pdf" else None
    return known or inventory.sha256(path)


def _build_next(run: Run, victim_id: str, scratch: Path | None = None) -> Outcome:
    """build_one in a batch: one claimant after another in the same process."""
    # A dossier leaves ~10^5 objects in reference cycles (pypdf, reportlab). The collector
    # waits until the claimant is done, then takes them in one pass: while the build runs it
    # would only traverse the same live objects again and again (0.032 -> 0.024 s a claimant,
    # same peak memory); collected here, a worker's heap stays ~35 MB smaller than when the
    # collector found them every sixth claimant or so.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build_one(run, victim_id, force=True, scratch=scratch)
    finally:
        if enabled:
            gc.enable()
        gc.collect(1)


def failure_message(exc: BaseException, folder: Path | None = None) -> str:
    """Why one claimant could not be built, in one sentence (a batch goes on without it)."""
    full = errors.cannot_write(exc, folder) if folder is not None else None
    if isinstance(exc, errors.EvidenceError):
        return str(exc)  # already a sentence naming the file and the way out
    if full is not None:
        return str(full)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _failure(case: Case, victim_id: str, fp: str, exc: BaseException, seconds: float,
             folder: Path | None = None) -> Outcome:
    """`folder`: where the claimant's outputs were being written."""
    message = failure_message(exc, folder)
    try:
        person, _ = config.load_victim(case, victim_id)
    except Exception:  # the config may be what is broken
        person = None
    return Outcome(victim_id, State.FAILED, fp, joint.failed(person, victim_id, message),
                   error=message, seconds=seconds,
                   issues=(Issue(Severity.ERROR, "build_failed", message),))


# ---- the batch --------------------------------------------------------------------------------


def _run(run: Run, ids: Sequence[str], jobs: int, progress: ProgressFn,
         cluster: Executor | None = None) -> dict[str, Outcome]:
    # A dossier allocates ~10^5 short-lived objects (pypdf, reportlab): collecting every 700
    # allocations scanned the survivors again and again; every 20,000 halves the time spent in
    # the collector for ~15 MB more at peak (bench/README.md)
    threshold = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        return _run_all(run, ids, jobs, progress, cluster)
    finally:
        gc.set_threshold(*threshold)


def _run_all(run: Run, ids: Sequence[str], jobs: int, progress: ProgressFn,
             cluster: Executor | None = None) -> dict[str, Outcome]:
    case, out_dir, options = run.case, run.out_dir, run.options
    done: dict[str, Outcome] = {}
    pending: list[str] = []
    total = len(ids)
    attributions = _Attributions(out_dir)
    run = dataclasses.replace(run, phones_known=tuple(attributions.known.items()))
    # a rebuild (the last build finished): one worker warms up meanwhile, for the usual case
    early = (_Early(run) if jobs > 1 and (out_dir / MANIFEST).is_file() and cluster is None
             else None)
    try:
        # Unchanged claimants are recognised here, from remembered hashes (milliseconds each):
        # the workers, and what is loaded for them, are only for claimants that need building.
        for vid in ids:
            cached = reuse(run, vid)
            if cached is None:
                pending.append(vid)
            else:
                done[vid] = cached
                progress(Progress("done", total, len(done), (), vid, cached.state))
        if not pending:
            return done
        if early is not None and len(pending) == 1:
            vid = pending[0]
            progress(Progress("begin", total, len(done), (vid,), vid))
            done[vid] = early.build(vid, meanwhile=lambda: pipeline.load_fonts(
                case, options))  # the bundle's front matter needs them here
            progress(Progress("done", total, len(done), (), vid, done[vid].state))
            return done
        if early is not None:
            early.end()
        ocr_run.prepass(case, pending, out_dir, options.ocr, jobs,  # issue 21: fills the cache
                        lambda n, of: progress(Progress("ocr", of, n)),
                        remote=cluster.read_images if cluster is not None else None)
        if cluster is not None:  # issue 22: on a Dask cluster
            return cluster.build(run, pending, done, progress)
        return _build_pending(run, pending, done, jobs, progress)
    finally:
        if early is not None:
            early.end()
        attributions.save(done.values())


class _Early:
    """A worker forked before the scan for changed claimants, warming up (fonts, source
    readers: 0.45 s) while the scan runs (0.25 s at 150 claimants). When exactly one claimant
    changed — the lawyer's usual rebuild — it builds that one at once; otherwise it is ended
    before it builds anything."""

    def __init__(self, run: Run) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.case = run.case
        self.proc = ctx.Process(target=_early_worker, args=(child, run),
                                name="evidence-early", daemon=True)
        self.proc.start()
        child.close()
        self.used = self.ended = False

    def build(self, victim_id: str, meanwhile: Callable[[], object]) -> Outcome:
        started = time.perf_counter()
        self.used = True
        try:
            self.conn.send(victim_id)
            meanwhile()
            outcome: Outcome = self.conn.recv()
            return outcome
        except (EOFError, OSError):  # the worker died (killed, out of memory)
            return _worker_died(self.case, victim_id, time.perf_counter() - started)
        finally:
            self.end()

    def end(self) -> None:
        if self.ended:
            return
        self.ended = True
        if not self.used:
            self.proc.terminate()  # still warming up (it only reads): nothing to lose
        self.proc.join()
        self.conn.close()


def _early_worker(conn: Any, run: Run) -> None:
    worker_init()
    pipeline.warm_up(run.case, run.options)
    victim_id = conn.recv()  # or terminated, unused
    conn.send(_build_next(run, victim_id))


def worker_init() -> None:
    """In each worker (issue 23): Ctrl-C is the parent's to handle (it reports what was
    written; a worker would print a traceback), and the worker ends when the parent dies
    instead of building on as an orphan (Linux: PR_SET_PDEATHSIG; elsewhere the pool's own
    broken-pipe handling)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the request took effect
            os._exit(1)


def _worker_died(case: Case, victim_id: str, seconds: float) -> Outcome:
    return _failure(case, victim_id, "", RuntimeError(
        f"the worker process building {victim_id} died before it finished; it may have run "
        "out of memory — rerun with --jobs 1"), seconds)


class _Attributions:
    """The phone geocoder's answers, kept in DIR/.cache/phones.json for the next build (the
    workers fork after they are loaded, so a one-claimant rebuild need not load the geocoder)."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / CACHE_DIR / "phones.json"
        data = _read_json(self.path) or {}
        known = data.get("numbers") if data.get("data") == phones.data_version() else None
        self.known: dict[str, str | None] = {
            str(k): v for k, v in (known.items() if isinstance(known, dict) else ())
            if v is None or isinstance(v, str)}  # a damaged cache is ignored, entry by entry

    def save(self, outcomes: Iterable[Outcome]) -> None:
        new = {k: v for o in outcomes for k, v in o.looked_up.items() if k not in self.known}
        if new:
            atomic.write_bytes(self.path, _dump({
                "data": phones.data_version(),
                "numbers": dict(sorted({**self.known, **new}.items()))}))


def _build_pending(run: Run, pending: list[str], done: dict[str, Outcome], jobs: int,
                   progress: ProgressFn) -> dict[str, Outcome]:
    case, options = run.case, run.options
    total = len(pending) + len(done)
    if jobs <= 1:
        for vid in pending:
            progress(Progress("begin", total, len(done), (vid,), vid))
            done[vid] = _build_next(run, vid)
            progress(Progress("done", total, len(done), (), vid, done[vid].state))
        return done
    # What is alive now (modules, fonts, the case) is frozen before the workers fork: their
    # collections then skip it (0.09 s -> 0.03 s a claimant when one ran after each dossier), never
    # write its object headers, so those pages stay shared with this process (the use
    # gc.freeze is documented for). Collected first so no garbage is frozen with it.
    # Two or more claimants to build: the +86 phone tables and the fonts are loaded once
    # here and shared. One claimant with no finished build before (a rebuild goes to _Early):
    # its worker loads what it needs while this process loads the fonts the bundle's front
    # matter needs, side by side.
    def fonts() -> None:
        pipeline.load_fonts(case, options)

    if len(pending) > 1:
        phones.preload()
        pipeline.warm_up(case, options)
    gc.collect()
    gc.freeze()
    try:
        return _pooled(run, pending, done, jobs, progress,
                       meanwhile=fonts if len(pending) == 1 else None)
    finally:
        gc.unfreeze()


def _pooled(run: Run, pending: list[str], done: dict[str, Outcome], jobs: int,
            progress: ProgressFn, meanwhile: Callable[[], None] | None = None
            ) -> dict[str, Outcome]:
    """`meanwhile` runs once here after the first claimants went to their workers."""
    case = run.case
    total = len(pending) + len(done)
    while pending:
        # A worker killed by the OS (out of memory) breaks the pool: the claimants it was
        # running are failed, a fresh pool takes the rest. A pool also ends after
        # WORKER_CLAIMANTS claimants a worker: long-lived workers slowly grew (heap
        # fragmentation, ~+35 MB each between 150 and 500 claimants); fresh ones are forked
        # from this process, fonts and phone data included.
        quota = jobs * WORKER_CLAIMANTS
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs,
                                                    initializer=worker_init) as pool:
            running: dict[concurrent.futures.Future[Outcome], str] = {}
            try:
                while (pending and quota) or running:
                    while pending and quota and len(running) < jobs:
                        quota -= 1
                        vid = pending.pop(0)
                        running[pool.submit(_build_next, run, vid)] = vid
                        progress(Progress("begin", total, len(done),
                                          tuple(running.values()), vid))
                    if meanwhile is not None:
                        meanwhile()
                        meanwhile = None
                    finished, _ = concurrent.futures.wait(
                        running, return_when=concurrent.futures.FIRST_COMPLETED)
                    for future in sorted(finished, key=lambda f: running[f]):
                        vid = running.pop(future)
                        done[vid] = future.result()
                        progress(Progress("done", total, len(done), tuple(running.values()),
                                          vid, done[vid].state))
            except BrokenProcessPool:
                for vid in running.values():
                    done[vid] = _worker_died(case, vid, 0.0)
                    progress(Progress("done", total, len(done), (), vid, State.FAILED))
    return done


def _joint_fingerprint(case: Case, outcomes: Sequence[Outcome], tool: str,
                       limits: tuple[int, int] = (0, 0)) -> str:
    data: dict[str, Any] = {
        "format": FORMAT, "tool": tool, "case": case_inputs(case),
        "claimants": [[o.id, o.state is State.FAILED, o.fingerprint, o.error] for o in outcomes],
    }
    if any(limits):  # issue 18: volumes (one bundle.pdf keeps its fingerprint)
        data["volumes"] = list(limits)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _stamp_face(labels: Sequence[str], setup: dict[str, Any], own: Sequence[str], lang: str,
                options: pipeline.Options) -> model.BundleStampFace:
    """The bundle stamps' face; printed duplex, each verso's stamp clear of the binding gutter
    on its right, where the dossier's own stamp stood (issue 17)."""
    face = render_joint.stamp_face(labels, setup, own, lang)
    if pipeline.print_profile(options, setup) != "duplex":
        return face
    return dataclasses.replace(face, verso_shift=duplex.gutter_pt(setup))


def _labels(prefix: str, lang: str, total: int) -> list[str]:
    return [template.t(lang, "joint.bates", prefix=prefix, page=n) for n in range(1, total + 1)]


def joint_files(options: pipeline.Options | None = None) -> tuple[str, ...]:
    """issue 6: with --redact the joint outputs are bundle-redacted.pdf, claims-redacted.*"""
    return tuple(pipeline.output_name(n, options or pipeline.Options()) for n in JOINT_FILES)


def build_joint(case: Case, outcomes: Sequence[Outcome], out_dir: Path, tool: str,
                options: pipeline.Options | None = None
                ) -> tuple[int, dict[str, str], dict[str, Any]]:
    """DIR/joint/bundle.pdf, claims.csv, claims.json from the claimants' outcomes; returns
    the bundle's page count, each output's SHA-256 and what the next build may reuse of the
    front matter's layout (kept in DIR/joint/build.json)."""
    options = options or pipeline.Options()
    lang = case.language if case.language in template.LANGUAGES else "zh-Hans"
    tz = times.zone(case.timezone)
    setup, _ = pipeline.setup_for(case)
    # the profile the command line chose, so the front matter pads to even pages in duplex
    setup = {**setup, "print": {**dict(setup.get("print") or {}),
                                "profile": pipeline.print_profile(options, setup)}}
    limits = volume_limits(case, options)
    fp = _joint_fingerprint(case, outcomes, tool, limits)
    analysis = joint.analyse([o.claimant for o in outcomes])
    red = None
    if options.redact:  # issue 6: the front matter and the claims exports are masked too
        people = [config.load_victim(case, o.id)[0] for o in outcomes]
        red = redact.Redactor.for_victims(people, redact.load_rules(  # the case's own rules
            case.folder / case.redaction if case.redaction else None))
        analysis = red.model(analysis)
    bundle_name, csv_name, json_name = joint_files(options)
    dossier_name = pipeline.output_name("dossier.pdf", options)
    pages = [o.pages if o.state is not State.FAILED else 1 for o in outcomes]
    front = render_joint.Front(title=case.title, court=case.court, defendant=case.defendant,
                               counsel=case.counsel, prefix=case.bates_prefix, fingerprint=fp,
                               total_pages=0, evidence=_evidence(out_dir, outcomes, options))
    key = render_joint.first_key(analysis, front, lang, tz, setup)
    before = (_read_json(out_dir / JOINT_DIR / BUILD_JSON) or {}).get("front", {})
    known = int(before.get("first_pages", 0)) if before.get("key") == key else None
    folder = out_dir / JOINT_DIR
    metadata = {"Title": case.title, "Author": case.counsel,
                "Subject": template.t(lang, "joint.cover_kicker"), "Keywords": fp,
                "Creator": f"evidence {__version__}"}
    # The front matter is laid out and rendered in a forked process while the dossiers are
    # copied into the bundle: nothing copied depends on its length (see bundle.bundle).
    laid: list[tuple[render_joint.Rendered, tuple[tuple[int, int], ...]]] = []
    pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    pending = pool.submit(render_joint.layout, analysis, pages, front, lang, tz, setup, known)

    def front_matter() -> tuple[bytes, list[model.BundleSection]]:
        laid.append(pending.result())
        return laid[0][0].pdf, [model.BundleSection(template.t(lang, f"joint.outline.{name}"),
                                                    page) for name, page in laid[0][0].sections]

    def stamps(front_pages: int, own: Sequence[str]) -> tuple[list[str], model.BundleStampFace]:
        labels = _labels(case.bates_prefix, lang, front_pages + sum(pages))
        return labels, _stamp_face(labels, setup, own, lang, options)

    parts = []
    for n, (o, c) in enumerate(zip(outcomes, analysis.claimants, strict=True), start=1):
        title = template.t(lang, "joint.outline.claimant", number=n, name=c.name or c.id, id=c.id)
        if o.state is State.FAILED:
            parts.append(bundle.BundlePart(title, render_joint.failed_page(n, c, lang, setup)))
        else:
            parts.append(bundle.BundlePart(title, out_dir / o.id / dossier_name,
                                          *_segment_cache(out_dir, o, dossier_name, tool)))
    _sweep_segments(out_dir, parts, dossier_name)
    files: dict[str, str] = {}  # the bundle or the volumes: name -> SHA-256
    volume_list: list[dict[str, Any]] = []
    pdfa = _PdfA(case.build_date) if options.pdfa else None
    try:
        if any(limits):
            volume_list = _write_volumes(folder, case, lang, setup, options, limits, front_matter,
                                         parts, pages, metadata, pdfa)
            files = {v["path"]: v["sha256"] for v in volume_list}
            written = sum(v["pages"] for v in volume_list)
        else:
            written, files[bundle_name] = bundle.bundle(
                folder / bundle_name, front_matter, parts, [],
                template.t(lang, "joint.outline.front"), stamps, metadata,
                render_joint.STAMP_SIZE, direct_io=options.direct_io,
                manifest=_embedded_manifest(parts),
                after=pdfa.hook(bundle_name) if pdfa is not None else None)
    finally:
        pool.shutdown()
    _sweep_bundles(folder, files, bundle_name, options)
    beside = pdfa.publish(folder, files) if pdfa is not None else {}
    if options.sign is not None and not volume_list:  # issue 18: signed last (volumes: each
        # as it is written, so a reused one is not signed again)
        files[bundle_name] = integrity.sign_dossier(folder / bundle_name, options.sign)
    rendered, ranges = laid[0]
    csv_data = claims.to_csv(analysis, ranges, tz, lang)
    json_data = claims.to_json(analysis, ranges, tz, lang, case.title)
    if red is not None:  # the analysis is masked already; the case title and labels too
        csv_data = red.text(csv_data.decode("utf-8-sig")).encode("utf-8-sig")
        json_data = red.text(json_data.decode("utf-8")).encode("utf-8")
    atomic.write_bytes(folder / csv_name, csv_data)
    atomic.write_bytes(folder / json_name, json_data)
    editable = _office(case, analysis, ranges, lang, tz, red, options)  # issue 17
    for name, data in editable.items():
        atomic.write_bytes(folder / name, data)
    hashes = {csv_name: hashlib.sha256(csv_data).hexdigest(),
              json_name: hashlib.sha256(json_data).hexdigest(), **beside,
              **{name: hashlib.sha256(data).hexdigest() for name, data in editable.items()}}
    for name, sha in files.items():
        # each bundle's .sha256 (from the writer's own hash): `evidence verify`, `sha256sum -c`
        side = integrity.write_sidecar(folder / name, sha)
        hashes[name] = sha
        hashes[side.name] = hashlib.sha256(side.read_bytes()).hexdigest()
    warnings = [i.message for i in pdfa.issues] if pdfa is not None else []
    return written, hashes, {"key": key, "first_pages": rendered.first_pages,
                             "pages": rendered.pages, "claimants": len(outcomes),
                             **({"volumes": volume_list} if volume_list else {}),
                             **({"warnings": warnings} if warnings else {})}


def volume_limits(case: Case, options: pipeline.Options) -> tuple[int, int]:
    """issue 18: (max MB, max pages) a bundle file; --max-mb/--max-pages, else the template's
    [bundle]; 0 = no limit."""
    return pipeline.volume_limits(pipeline.setup_for(case)[0], options)


def _write_volumes(folder: Path, case: Case, lang: str, setup: dict[str, Any],
                   options: pipeline.Options, limits: tuple[int, int],
                   front_matter: Callable[[], tuple[bytes, list[model.BundleSection]]],
                   parts: Sequence[bundle.BundlePart], pages: Sequence[int],
                   metadata: Mapping[str, str], pdfa: _PdfA | None = None
                   ) -> list[dict[str, Any]]:
    """issue 18: the joint bundle as volumes within `limits`, cut between parts (a dossier too
    big for one volume between its exhibits); Bates numbers run on across them; each volume
    starts with its cover (not Bates-numbered: its pages are labelled and stamped V02-1, …).
    Returns each volume's manifest entry."""
    import io

    import pikepdf

    front_pdf, sections = front_matter()  # its length places every Bates number
    with pikepdf.open(io.BytesIO(front_pdf)) as opened:
        front_pages = len(opened.pages)
    mb, max_pages = limits
    max_bytes = mb * 1_000_000
    pieces = _volume_pieces(parts, pages, max_pages, max_bytes, lang)
    units = [volumes.Unit(front_pages, len(front_pdf)), *(u for _, u in pieces)]
    rows_total = len(units)
    two_sided = pipeline.print_profile(options, setup) == "duplex"

    def cover_pages(number: int, members: int) -> int:
        return volume_cover.pages(rows_total if number == 1 else members, two_sided)

    plan = volumes.plan(units, max_pages, max_bytes, cover_pages)
    labels = _labels(case.bates_prefix, lang, front_pages + sum(pages))
    names = tuple(pipeline.output_name(volumes.file_name(n), options)
                  for n in range(1, len(plan) + 1))
    at: dict[int, tuple[int, int, int]] = {}  # unit -> volume, page in it, first Bates index
    bates = 0
    for number, members in enumerate(plan, start=1):
        page = cover_pages(number, len(members))
        for i in members:
            at[i] = (number, page, bates)
            page += units[i].pages
            bates += units[i].pages
    titles = [template.t(lang, "joint.outline.front"), *(p.title for p, _ in pieces)]
    rows = [volume_cover.Row(titles[i], labels[at[i][2]], labels[at[i][2] + units[i].pages - 1],
                             at[i][0], at[i][1]) for i in range(len(units))]
    firsts: dict[str, int] = {}  # claimant's part -> its first piece's unit
    for i, (piece, _) in enumerate(pieces, start=1):
        firsts.setdefault(str(piece.pdf) if isinstance(piece.pdf, Path) else str(i), i)
    links = tuple((at[i][0], at[i][1]) for i in sorted(firsts.values()))
    before = {str(v.get("path")): v for v in (_read_json(folder / BUILD_JSON) or {}).get(
        "volumes", []) if isinstance(v, dict)}
    hashes = Hashes(_hashes_path(folder.parent, JOINT_DIR))
    out: list[dict[str, Any]] = []
    for number, members in enumerate(plan, start=1):
        first_bates = at[members[0]][2]
        last_bates = first_bates + sum(units[i].pages for i in members) - 1
        covered = rows if number == 1 else [rows[i] for i in members]
        cover_pdf = volume_cover.cover(case.title, number, len(plan), labels[first_bates],
                                       labels[last_bates], names[number - 1], covered,
                                       number == 1, lang, setup, two_sided)
        cover_labels = [f"V{number:02d}-{n}" for n in range(1, cover_pages(number, len(members)) + 1)]
        volume_labels = [*cover_labels, *labels[first_bates:last_bates + 1]]

        def stamps(head_pages: int, own: Sequence[str], these: list[str] = volume_labels
                   ) -> tuple[list[str], model.BundleStampFace]:
            return these, _stamp_face(these, setup, own, lang, options)

        heads = [bundle.Head(volume_cover.title(number, len(plan), lang),
                             functools.partial(_given, cover_pdf, []))]
        if number == 1:
            heads.append(bundle.Head(template.t(lang, "joint.outline.front"),
                                     functools.partial(_given, front_pdf, sections)))
        held = [pieces[i - 1][0] for i in members if i]
        # what the volume is made of: unchanged (the claimants before a changed one, when
        # the plan and the covers stay), it is not written again (issue 18: reuse)
        key = hashlib.sha256(json.dumps([
            names, volume_labels, links, sorted((k, v) for k, v in metadata.items() if k != "Keywords"),
            [(p.title, _part_identity(p, hashes), p.pages) for p in held], str(options.sign),
            hashlib.sha256(cover_pdf).hexdigest(),
            hashlib.sha256(front_pdf).hexdigest() if number == 1 else "",
            [(s.title, s.page) for s in sections] if number == 1 else []]).encode()).hexdigest()
        old = before.get(names[number - 1])
        if old is not None and old.get("key") == key and _outputs_ok(
                folder, {names[number - 1]: str(old.get("sha256"))}, hashes):
            out.append(old)
            continue
        path = folder / names[number - 1]
        total, sha = bundle.assemble(
            path, heads, held, stamps, {**metadata, "Keywords": key}, render_joint.STAMP_SIZE,
            direct_io=options.direct_io, links=bundle.Links(number, names, links),
            manifest=_embedded_manifest(held, (labels[first_bates], labels[last_bates])),
            after=pdfa.hook(names[number - 1]) if pdfa is not None else None)
        if options.sign is not None:
            sha = integrity.sign_dossier(path, options.sign)
        size = path.stat().st_size
        out.append({"path": names[number - 1], "key": key, "sha256": sha, "pages": total,
                    "size": size,
                    "bates": [labels[first_bates], labels[last_bates]],
                    "bates_pages": [first_bates + 1, last_bates + 1],
                    "contents": [p.title for p in held],
                    # a part longer than the limit on its own (one exhibit) cannot be cut
                    "over_limit": bool((max_pages and total > max_pages)
                                       or (max_bytes and size > max_bytes))})
    return out


def _part_identity(part: bundle.BundlePart, hashes: Hashes) -> str:
    """What a part's pages are made from: its segment key (the dossier's SHA-256 and the
    tool), else its bytes' hash."""
    if isinstance(part.pdf, bytes):
        return hashlib.sha256(part.pdf).hexdigest()
    return part.key or hashes.sha(part.pdf)


def _given(pdf: bytes, sections: Sequence[model.BundleSection]
           ) -> tuple[bytes, Sequence[model.BundleSection]]:
    return pdf, sections


def _volume_pieces(parts: Sequence[bundle.BundlePart], pages: Sequence[int], max_pages: int,
                   max_bytes: int, lang: str
                   ) -> list[tuple[bundle.BundlePart, volumes.Unit]]:
    """Each part as it goes into volumes: whole, or — too big for one volume — cut between
    its exhibits into pieces titled (1/3), (2/3), …, each sized from its segment."""
    out = []
    for part, n in zip(parts, pages, strict=True):
        size = part.pdf.stat().st_size if isinstance(part.pdf, Path) else len(part.pdf)
        if not volumes.too_big(volumes.Unit(n, size), max_pages, max_bytes):
            out.append((part, volumes.Unit(n, size)))
            continue
        seg = bundle.part_segment(part, render_joint.STAMP_SIZE)

        def fits(first: int, end: int, seg: bundle.Segment = seg) -> bool:
            return volumes.fits_alone(end - first, bundle.segment_bytes(
                bundle.slice_segment(seg, first, end)), max_pages, max_bytes)

        ranges = volumes.pieces(seg.pages, bundle.cut_points(seg), fits)
        for k, (first, end) in enumerate(ranges, start=1):
            title = part.title + volume_cover.part_suffix(k, len(ranges), lang)
            piece_size = bundle.segment_bytes(bundle.slice_segment(seg, first, end))
            out.append((dataclasses.replace(part, title=title, pages=(first, end)),
                        volumes.Unit(end - first, piece_size)))
    return out


def _embedded_manifest(parts: Sequence[bundle.BundlePart], bates: tuple[str, str] | None = None
                       ) -> Callable[[Sequence[str]], bytes]:
    """issue 18: what a bundle or volume carries inside: its dossiers' manifests (so `verify
    --case` checks every original it cites), its page labels, and a slot for each page's hash.
    `bates`: a volume's first and last Bates number (its cover's pages, labelled V02-1, …,
    are not Bates-numbered); a whole bundle's are its first and last page's."""
    paths = [p.pdf for p in parts if isinstance(p.pdf, Path)]

    def make(labels: Sequence[str]) -> bytes:
        first, last = bates or (labels[0], labels[-1])
        data = integrity.bundle_manifest(paths, {"first": first, "last": last})
        data["page_labels"] = list(labels)
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        return integrity.with_page_slots(text, len(labels))

    return make


def _sweep_bundles(folder: Path, files: Mapping[str, str], bundle_name: str,
                   options: pipeline.Options) -> None:
    """issue 18: a bundle.pdf or volumes of a build with other limits are not this build's."""
    stale = [folder / bundle_name,
             *folder.glob(pipeline.output_name(volumes.file_name(0), options).replace("00", "[0-9][0-9]"))]
    for path in stale:
        if path.name not in files:
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".sha256").unlink(missing_ok=True)
            path.with_name(path.name + ".manifest.json").unlink(missing_ok=True)


class _PdfA:
    """issue 18 (--pdfa): each bundle or volume made PDF/A-2b before it is published
    (integrity.pdfa_bundle); its manifest, which PDF/A-2 does not allow inside, goes beside it
    (`bundle.pdf.manifest.json`), where `evidence verify` reads it."""

    def __init__(self, when: Any) -> None:
        self.when = when
        self.made: dict[str, bytes] = {}
        # none expected (the dossiers are PDF/A already), but never dropped: build.json, summary
        self.issues: list[Any] = []

    def hook(self, name: str) -> Callable[[Path], str]:
        def convert(written: Path) -> str:
            sha, self.made[name] = integrity.pdfa_bundle(written, self.when, self.issues)
            return sha
        return convert

    def publish(self, folder: Path, files: Mapping[str, str]) -> dict[str, str]:
        """Write the manifests made; every published file's beside manifest -> its SHA-256
        (a reused volume keeps the one written with it)."""
        for name, data in self.made.items():
            atomic.write_bytes(folder / f"{name}.manifest.json", data)
        found = (folder / f"{name}.manifest.json" for name in files)
        return {p.name: inventory.sha256(p) for p in found if p.is_file()}


CITED_KINDS = {"call_log": "calls", "sms_backup": "messages", "sms_export": "messages",
               "sms_db": "messages", "notice_text": "messages"}


def _evidence(out_dir: Path, outcomes: Sequence[Outcome], options: pipeline.Options
              ) -> tuple[tuple[str, tuple[tuple[str, str, int], ...]], ...]:
    """issue 17: each built claimant's call-log and message exhibits (label, dossier page), from
    the inventory.json written and checked with its dossier, for the cross-victim citations."""
    name = pipeline.output_name("inventory.json", options)
    out = []
    for o in outcomes:
        if o.state is State.FAILED:
            continue
        data = _read_json(out_dir / o.id / name) or {}
        found = []
        for e in data.get("exhibits", ()):
            what = CITED_KINDS.get(str(e.get("kind")))
            if what and e.get("first_page"):
                found.append((what, str(e["label"]), int(e["first_page"])))
            if e.get("first_page"):  # any exhibit by its file: a lure text's own citation
                found.append((f"file:{e.get('path')}", str(e["label"]), int(e["first_page"])))
        out.append((o.id, tuple(found)))
    return tuple(out)


def _office(case: Case, analysis: joint.Analysis, ranges: Sequence[tuple[int, int]], lang: str,
            tz: Any, red: redact.Redactor | None, options: pipeline.Options) -> dict[str, bytes]:
    """issue 17: 原告名单.docx and claims.xlsx, the editable copies the lawyer signs."""
    mask = red.text if red is not None else str

    def stamp(n: int) -> str:
        return template.t(lang, "joint.bates", prefix=case.bates_prefix, page=n)

    return {
        pipeline.output_name("原告名单.docx", options): office.claimants(
            analysis, ranges, lang, case.title, case.counsel, case.build_date, stamp, mask),
        pipeline.output_name("claims.xlsx", options): office.claims_xlsx(
            analysis, ranges, tz, lang, case.build_date, mask if red is not None else None),
    }


def _hashes_path(out_dir: Path, name: str) -> Path:
    return out_dir / CACHE_DIR / HASHES_DIR / f"{name}.json"


def _segment_cache(out_dir: Path, outcome: Outcome, dossier_name: str, tool: str
                   ) -> tuple[Path | None, str]:
    """Where a claimant's bundle segment is cached and its key: the dossier's SHA-256 (as
    recorded and checked), the tool, and the stamp box it was cut for."""
    sha = outcome.outputs.get(dossier_name, "")
    if not sha:
        return None, ""
    key = hashlib.sha256(json.dumps([bundle.SEGMENT_FORMAT, tool, sha, render_joint.STAMP_SIZE,
                                     bundle.BUNDLE_STAMP_MARGIN]).encode()).hexdigest()
    return out_dir / CACHE_DIR / SEGMENTS_DIR / f"{outcome.id}.{dossier_name}.seg", key


def _sweep_segments(out_dir: Path, parts: Sequence[bundle.BundlePart], dossier_name: str
                    ) -> None:
    """Drop the segments of claimants no longer in the case (those of the other --redact
    variant stay)."""
    keep = {p.segment.name for p in parts if p.segment is not None}
    for path in (out_dir / CACHE_DIR / SEGMENTS_DIR).glob(f"*.{dossier_name}.seg"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def prepare_segment(out_dir: Path, outcome: Outcome, options: pipeline.Options, tool: str
                    ) -> None:
    """Cut a freshly built claimant's bundle segment in its worker, in parallel with the
    others, so the joint step only assembles. Best effort: the joint step makes any missing."""
    dossier_name = pipeline.output_name("dossier.pdf", options)
    path, key = _segment_cache(out_dir, outcome, dossier_name, tool)
    if path is None:
        return
    with contextlib.suppress(Exception):
        bundle.part_segment(bundle.BundlePart("", out_dir / outcome.id / dossier_name, path, key),
                           render_joint.STAMP_SIZE)


def _joint_cached(folder: Path, fp: str, hashes: Hashes | None = None) -> int | None:
    record = _read_json(folder / BUILD_JSON)
    if not record or record.get("fingerprint") != fp:
        return None
    outputs = {str(k): str(v) for k, v in dict(record.get("outputs", {})).items()}
    return int(record.get("pages", 0)) if _outputs_ok(folder, outputs, hashes) else None


def _manifest(out_dir: Path, outcomes: Sequence[Outcome], joint_fp: str,
              joint_outputs: Mapping[str, str], volume_list: Sequence[Any] = ()) -> bytes:
    files = []
    for o in outcomes:
        for name, sha in sorted(o.outputs.items()):
            files.append({"path": f"{o.id}/{name}", "sha256": sha,
                          "size": (out_dir / o.id / name).stat().st_size,
                          "fingerprint": o.fingerprint})
    for name, sha in sorted(joint_outputs.items()):
        files.append({"path": f"{JOINT_DIR}/{name}", "sha256": sha,
                      "size": (out_dir / JOINT_DIR / name).stat().st_size,
                      "fingerprint": joint_fp})
    return _dump({
        "format": FORMAT, "tool": __version__,
        "claimants": [{"id": o.id, "state": "failed" if o.state is State.FAILED else "ok",
                       "fingerprint": o.fingerprint, "error": o.error} for o in outcomes],
        "joint_fingerprint": joint_fp,
        "files": files,
        # issue 18: each volume's file, SHA-256, pages, Bates range and claimants
        **({"volumes": [{**v, "path": f"{JOINT_DIR}/{v['path']}"} for v in volume_list]}
           if volume_list else {}),
        **({"dossier_volumes": split} if (split := _dossier_volumes(out_dir, outcomes)) else {}),
    })


def _dossier_volumes(out_dir: Path, outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """issue 18: each claimant's dossier volumes (from its volumes.json), with the SHA-256 of
    the file as published."""
    out = []
    for o in outcomes:
        for name in sorted(n for n in o.outputs if n.startswith("volumes") and n.endswith(".json")):
            listed = (_read_json(out_dir / o.id / name) or {}).get("volumes", [])
            out += [{**v, "path": f"{o.id}/{v['path']}", "sha256": o.outputs.get(str(v["path"]))}
                    for v in listed if isinstance(v, dict) and "path" in v]
    return out


def _sweep(out_dir: Path) -> None:
    """Temporary files left by a killed build: never part of the outputs."""
    for pattern in (".*.partial", "*/.*.partial", f"{CACHE_DIR}/*/.*.partial"):
        for path in out_dir.glob(pattern):
            path.unlink(missing_ok=True)
    for work in out_dir.glob(".work-*"):  # pipeline.build_collected's work folders
        if work.is_dir():
            shutil.rmtree(work, ignore_errors=True)


def build(case_dir: Path, out_dir: Path, *, jobs: int | None = None,
          options: pipeline.Options | None = None, progress: ProgressFn | None = None,
          tool: str | None = None, cluster: Executor | None = None) -> Result:
    """Every claimant, then the joint outputs and DIR/manifest.json.

    `tool` overrides the code digest in the fingerprints (tests pin it so that an unrelated
    edit to the tool between two builds does not rebuild everything). `cluster`: build the
    claimants there (after its preflight) instead of in a local pool."""
    return build_run(start(case_dir, out_dir, options, tool), jobs=jobs, progress=progress,
                     cluster=cluster)


def build_run(run: Run, *, jobs: int | None = None, progress: ProgressFn | None = None,
              cluster: Executor | None = None) -> Result:
    """build() for a Run already made (app.build makes it)."""
    case, out_dir, options, tool = run.case, run.out_dir, run.options, run.tool
    started = time.perf_counter()
    notify: ProgressFn = progress or (lambda _p: None)
    ids = config.victim_ids(case)
    out_dir.mkdir(parents=True, exist_ok=True)
    _sweep(out_dir)
    if cluster is not None:
        cluster.preflight(case.folder, out_dir, options)  # before any task (issue 22)
    notify(Progress("start", len(ids), 0))
    found = _run(run, ids, max(1, jobs or os.cpu_count() or 1), notify, cluster)
    outcomes = tuple(found[v] for v in ids)

    notify(Progress("joint", len(ids), len(ids)))
    folder = out_dir / JOINT_DIR
    try:
        return _joint_step(case, outcomes, out_dir, tool, options, notify, started)
    except OSError as exc:  # a full disk is the user's to fix, not a bug: say so
        problem = errors.cannot_write(exc, folder)
        if problem is None:
            raise
        raise problem from exc


def _joint_step(case: Case, outcomes: tuple[Outcome, ...], out_dir: Path, tool: str,
                options: pipeline.Options, notify: ProgressFn, started: float) -> Result:
    """The joint outputs (reused when unchanged), then DIR/manifest.json."""
    ids = [o.id for o in outcomes]
    folder = out_dir / JOINT_DIR
    joint_fp = _joint_fingerprint(case, outcomes, tool, volume_limits(case, options))
    hashes = Hashes(_hashes_path(out_dir, JOINT_DIR))
    pages = _joint_cached(folder, joint_fp, hashes) if outcomes else None
    rebuilt = pages is None and bool(outcomes)
    joint_outputs: dict[str, str] = {}
    volume_list: list[Any] = []
    front: dict[str, Any] = {}
    if rebuilt:
        pages, joint_outputs, front = build_joint(case, outcomes, out_dir, tool, options)
        volume_list = front.pop("volumes", [])
        atomic.write_bytes(folder / BUILD_JSON, _dump({
            "format": FORMAT, "fingerprint": joint_fp, "pages": pages,
            "outputs": joint_outputs, "front": front,
            **({"volumes": volume_list} if volume_list else {})}))
        for name, sha in joint_outputs.items():
            hashes.trust(folder / name, sha)
    elif outcomes:  # checked against these hashes by _joint_cached just now
        record = _read_json(folder / BUILD_JSON) or {}
        joint_outputs = {str(k): str(v) for k, v in dict(record.get("outputs", {})).items()}
        volume_list = list(record.get("volumes", []))
        front = dict(record.get("front") or {})
    hashes.save()
    atomic.write_bytes(out_dir / MANIFEST, _manifest(out_dir, outcomes, joint_fp, joint_outputs,
                                                     volume_list))
    if options.redact and outcomes:  # issue 23: the served folder holds service copies only
        names = list(joint_files(options))
        if volume_list:  # issue 18: the volumes and their .sha256 instead of one bundle
            names[:1] = [n for v in volume_list for n in (v["path"], v["path"] + ".sha256")]
        served.publish_case(out_dir, ids, pipeline.output_name("dossier.pdf", options), names)
    notify(Progress("end", len(ids), len(ids)))
    first = volume_list[0]["path"] if volume_list else joint_files(options)[0]
    return Result(out_dir, outcomes, folder / first if outcomes else None,
                  pages or 0, rebuilt, time.perf_counter() - started,
                  tuple(map(str, front.get("warnings", ()))))
