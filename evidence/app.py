"""The use cases, as library functions: what the CLI calls, and what a web page or a cluster
executor will call (issue 19). Plain arguments (paths, an options dataclass, a progress
callback); every result carries its exit code, decided by the one policy in errors.py. Nothing
here prints.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evidence import batch, checklist, collect, config, errors, integrity, outlock, pipeline, served
from evidence import intake as intake_mod
from evidence.errors import ExitCode
from evidence.model import Case, Issue, Status


@dataclasses.dataclass(frozen=True)
class Checked:
    case: Case
    case_issues: tuple[Issue, ...]
    reports: tuple[tuple[collect.Collected, checklist.Checklist], ...]
    code: ExitCode


def select(case: Case, wanted: Sequence[str] | None) -> list[str]:
    """The victims a command works on; an unknown id is refused (exit 2) before anything is
    read or written."""
    ids = config.victim_ids(case)
    for victim in wanted or []:
        if victim not in ids:
            raise errors.UsageError(
                f"there is no victim folder {case.folder / config.VICTIMS_DIR / victim}; "
                f"known victims: {', '.join(ids) or 'none'}.")
    return [i for i in ids if not wanted or i in wanted]


def _code(gathered: Sequence[collect.Collected], extra: Sequence[Issue] = ()) -> ExitCode:
    rejected = any(f.status is Status.REJECTED for c in gathered for f in c.inventory.files)
    return errors.from_issues([*extra, *(i for c in gathered for i in c.issues)], rejected)


def examine(case: Case, victim_id: str, *, not_after: dt.datetime | None = None,
            hashes_dir: Path | None = None) -> tuple[collect.Collected, checklist.Checklist]:
    """One victim as `check` sees them: inventory, events, issues, completeness. `hashes_dir`:
    where to remember the files' SHA-256 (as `build` does), so a page asking again after each
    upload hashes only the new file."""
    hashes = batch.Hashes(hashes_dir / f"{victim_id}.json" if hashes_dir else None)
    gathered = collect.victim(case, victim_id, not_after=not_after,
                              digest=hashes.sha if hashes_dir else None)
    hashes.save()
    return gathered, checklist.build(gathered)


def check(case_dir: Path, victims: Sequence[str] | None = None) -> Checked:
    """Inventory every (selected) victim's files; reads only."""
    case, case_issues = config.load_case(case_dir)
    reports = [examine(case, victim_id) for victim_id in select(case, victims)]
    return Checked(case, tuple(case_issues), tuple(reports), _code([g for g, _ in reports]))


@dataclasses.dataclass(frozen=True)
class Chronology:
    case: Case
    case_issues: tuple[Issue, ...]
    gathered: collect.Collected
    code: ExitCode


def chronology(case_dir: Path, victim: str) -> Chronology:
    """One victim's merged timeline; exits like `check` when files are rejected."""
    case, case_issues = config.load_case(case_dir)
    select(case, [victim])
    gathered = collect.victim(case, victim)
    return Chronology(case, tuple(case_issues), gathered, _code([gathered]))


@dataclasses.dataclass(frozen=True)
class Intake:
    result: intake_mod.IntakeResult
    receipt_pdf: Path | None  # None when the caller asked for no receipt (one web upload)
    code: ExitCode
    language: str


def intake_submission(source: Path, case: Path | Case, victim: str, *, signing: Any = None,
                      name: str | None = None, receipt: bool = True) -> Intake:
    """Copy a submission into the case, hash it, write receipt.txt and receipt.pdf (signed
    with `signing`, an evidence.sign.Signing, when given: issue 18). `case`: the case folder,
    or a Case already loaded (the web server's); `name`: the submission's own name when
    `source` is a spooled upload."""
    if not isinstance(case, Case):
        case, _ = config.load_case(case)
    result = intake_mod.intake(source, case, victim, name=name)
    pdf = write_receipt(case, victim, when=result.received, refused=[
        (r.original_path, r.reason) for r in result.rejected]) if receipt else None
    if signing is not None and pdf is not None:
        from evidence import sign as signer

        signer.apply(pdf, signing)
    return Intake(result, pdf, ExitCode.BAD_INPUT if result.rejected else ExitCode.OK,
                  case.language)


def write_receipt(case: Case, victim: str, *, when: dt.datetime,
                  refused: Sequence[tuple[str, str]] = ()) -> Path:
    """receipt.pdf in the victim folder as of `when`: the files received by then, and what is
    still missing. Collected once, here; the renderer is handed the result."""
    from evidence.render import receipt as receipt_pdf

    gathered, checks = examine(case, victim, not_after=when)
    return receipt_pdf.write_for_intake(case, gathered, checks, when=when, refused=refused)


@dataclasses.dataclass(frozen=True)
class Built:
    """`single`: per-victim results (--victim); `batch`: the whole case with its bundle."""

    single: tuple[pipeline.VictimResult, ...]
    failed: tuple[tuple[str, str], ...]  # (victim, one sentence)
    batch: batch.Result | None
    code: ExitCode


def prepare_out(out: Path) -> None:
    """The output folder must be a folder we can write in: said before anything is built."""
    probe = out / f".evidence-write-test-{os.getpid()}"
    try:
        if out.exists() and not out.is_dir():
            raise NotADirectoryError(20, "not a folder", str(out))
        out.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise errors.OutputError(
            f"cannot write the output folder {out} ({reason}); choose a folder you can write "
            "in with --out (it is created when missing).") from None


def build(case_dir: Path, out: Path | None = None, victims: Sequence[str] | None = None, *,
          options: pipeline.Options | None = None, jobs: int | None = None,
          password: str | None = None,
          progress: Callable[[batch.Progress], None] | None = None,
          tool: str | None = None, cluster: batch.Executor | None = None) -> Built:
    """Every claimant's dossier and the joint bundle, or only `victims` (no bundle).

    Under an exclusive lock on the output folder; a claimant that fails does not stop the
    others (exit 7); a password encrypts each dossier after its checks ran. The whole-case
    build runs under one batch.Run made here (issue 19); `tool` pins the code digest in its
    fingerprints (tests); `cluster` (issue 22): the whole case's claimants are built there."""
    options = options or pipeline.Options()
    case, _ = config.load_case(case_dir)
    case = config.with_template(case, options.template)
    ids = select(case, victims)
    target = out or case_dir / "out"
    prepare_out(target)
    if not victims and password is not None:
        raise errors.UsageError(
            "--encrypt is not supported for the whole-case build yet; build the dossiers "
            "first, then encrypt them with --victim ... --encrypt.")
    started = time.time_ns()
    with outlock.hold(target):
        try:
            if not victims:
                run = batch.Run(case, target, options, tool or batch.tool_digest())
                return _whole_case(run, jobs, progress, cluster)
            return _some(case, ids, target, options, password)
        except KeyboardInterrupt:
            written = _written_since(target, ids, started)
            raise errors.Interrupted(
                f"interrupted; {written} dossier(s) were written and are kept, nothing "
                "half-written is left at the final paths. Run build again to finish: finished "
                "claimants are reused.") from None


def _written_since(target: Path, ids: Sequence[str], started_ns: int) -> int:
    """Claimants whose outputs this build finished (their build.json, or dossier, is new)."""
    count = 0
    for vid in ids:
        for name in (batch.BUILD_JSON, "dossier.pdf"):
            try:
                if (target / vid / name).stat().st_mtime_ns >= started_ns:
                    count += 1
                    break
            except OSError:
                continue
    return count


def _whole_case(run: batch.Run, jobs: int | None,
                progress: Callable[[batch.Progress], None] | None,
                cluster: batch.Executor | None = None) -> Built:
    result = batch.build_run(run, jobs=jobs, progress=progress, cluster=cluster)
    failed = tuple((o.id, o.error or "") for o in result.failed)
    issues = [i for o in result.outcomes if not o.error for i in o.issues]
    code = ExitCode.PARTIAL_BUILD if failed else errors.from_issues(issues)
    return Built((), failed, result, code)


def _some(case: Case, ids: Sequence[str], target: Path, options: pipeline.Options,
          password: str | None) -> Built:
    from evidence.pdf import protect

    def seal(dossier: Path) -> None:  # issue 6: after the checks; issue 23: before it is moved out
        protect.encrypt(dossier, password or "")
        integrity.write_sidecar(dossier)

    built: list[pipeline.VictimResult] = []
    failed: list[tuple[str, str]] = []
    for vid in ids:
        try:
            result = contextvars.copy_context().run(  # its render state ends with it
                pipeline.build_victim, case, vid, target, options,
                seal if password is not None else None, split=True)  # its volumes too (issue 18)
            if options.redact:  # issue 23: the service copy, as final (sealed in the work folder)
                served.publish_victim(target, vid, pipeline.output_name("dossier.pdf", options))
        except Exception as exc:  # one claimant never stops the others (as in a batch)
            failed.append((vid, batch.failure_message(exc, target / vid)))
            continue
        built.append(result)
    code = ExitCode.PARTIAL_BUILD if failed else errors.from_issues(
        [i for r in built for i in r.issues])
    return Built(tuple(built), tuple(failed), None, code)


def verify(dossier: Path, case_dir: Path | None = None, *, password: str | None = None
           ) -> tuple[integrity.Report, ExitCode]:
    """A dossier or bundle against its embedded manifest and page hashes (and the originals,
    with a case); an encrypted file without its password is a usage error, not a change."""
    if not dossier.is_file():
        raise errors.InputError(f"{dossier} does not exist or is not a file; give the path of "
                                "a dossier.pdf.")
    report = integrity.check(dossier, case_dir, password=password)
    if report.count(integrity.State.LOCKED):
        return report, ExitCode.USAGE
    return report, ExitCode.OK if report.ok else ExitCode.VERIFY_FAILED
