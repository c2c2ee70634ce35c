"""Exit codes and the exceptions that carry them. Only the CLI turns these into messages.

One scheme for every command (documented in the README):
0 ok · 1 unexpected error (a bug: please report) · 2 usage · 3 bad input (some files rejected or
unreadable; the report is complete) · 4 bad case.toml / victim.toml · 5 cannot write output ·
6 verification failed · 7 partial build (some claimants failed, the others were built).
"""

from __future__ import annotations

import enum
import errno
from pathlib import Path


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
