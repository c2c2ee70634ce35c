"""Exit codes and the exceptions that carry them. Only the CLI turns these into messages.

One scheme for every command (documented in the README):
0 ok · 1 unexpected error (a bug: please report) · 2 usage · 3 bad input (some files rejected or
unreadable; the report is complete) · 4 bad case.toml / victim.toml · 5 cannot write output ·
6 verification failed · 7 partial build (some claimants failed, the others were built).
"""

from __future__ import annotations

import enum
import errno
from collections.abc import Iterable
from pathlib import Path

from evidence.model import Issue, Severity


class ExitCode(enum.IntEnum):
    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    BAD_INPUT = 3
    BAD_CONFIG = 4
    CANNOT_WRITE = 5
    VERIFY_FAILED = 6
    PARTIAL_BUILD = 7


class EvidenceError(Exception):
    """Base class: `str(err)` is one sentence naming the file and what to do."""

    exit_code = ExitCode.UNEXPECTED


class UsageError(EvidenceError):
    exit_code = ExitCode.USAGE


class InputError(EvidenceError):
    exit_code = ExitCode.BAD_INPUT


class ConfigError(EvidenceError):
    exit_code = ExitCode.BAD_CONFIG


class OutputError(EvidenceError):
    exit_code = ExitCode.CANNOT_WRITE


class VerifyError(EvidenceError):
    exit_code = ExitCode.VERIFY_FAILED


class PartialBuild(EvidenceError):
    exit_code = ExitCode.PARTIAL_BUILD


# Writing failed for a reason the user can fix (not a bug): the disk, not the data.
_CANNOT_WRITE = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
                 errno.EROFS: "the disk is read-only", errno.EFBIG: "the file is too large for "
                 "this disk's file system"}


def cannot_write(exc: BaseException, target: Path) -> OutputError | None:
    """An OutputError naming `target` when `exc` is a disk that cannot take more (full,
    quota, read-only, file too large), else None."""
    reason = _CANNOT_WRITE.get(exc.errno) if isinstance(exc, OSError) and exc.errno else None
    if reason is None:
        return None
    return OutputError(f"cannot write {target} ({reason}); free some space (or choose another "
                       "--out folder) and run the build again: what was already built is kept.")


class Interrupted(EvidenceError):
    """Ctrl-C: says what was kept (130, as a shell reports a SIGINT)."""

    exit_code = 130  # type: ignore[assignment]


def from_issues(issues: Iterable[Issue], rejected: bool = False) -> ExitCode:
    """The ONE policy for problems found in the inputs (check, timeline and build alike):
    4 when case.toml or a victim.toml has an error, 3 when a file is rejected or any other
    error (or a font could not be embedded, or an exhibit could not be rendered), else 0."""
    from evidence import config  # config raises these errors: imported late

    errors = [i for i in issues if i.severity is Severity.ERROR
              or i.code in ("font_not_embedded", "render_failed")]
    if any(i.code in config.CODES and i.severity is Severity.ERROR for i in errors):
        return ExitCode.BAD_CONFIG
    return ExitCode.BAD_INPUT if rejected or errors else ExitCode.OK


def handle(exc: BaseException, debug: bool = False) -> tuple[str, int]:
    """The ONE handler: any exception -> (one sentence for stderr, exit code). A disk that
    cannot take more is the user's to fix (5); anything unknown is a bug (1)."""
    if isinstance(exc, EvidenceError):
        return str(exc), int(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted; nothing was written at the final output paths.", 130
    full = cannot_write(exc, Path(getattr(exc, "filename", None) or "the output"))
    if full is not None:
        return str(full), int(full.exit_code)
    return (f"unexpected error ({type(exc).__name__}: {exc}); this is a bug — rerun with "
            "EVIDENCE_DEBUG=1 and send the output to the developers.", int(ExitCode.UNEXPECTED))
