"""The web layer's one door into the library: every call the pages make into the core is here.

The pages never read a victim folder, intake.json or a build output themselves; they call these
functions, which call the use cases the CLI calls (evidence/app.py: intake_submission, examine
as in `check`, write_receipt, build; issue 19), so both share one policy for each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evidence import app, atomic, batch, config, intake, inventory, times
from evidence.model import Case, Severity, Status

INBOX = intake.INBOX
OUT_DIR = "out"  # where `evidence build CASE` writes by default
DOSSIER = "dossier.pdf"


# the core's one way of replacing a file (fsync, rename), for the server's own records
replacing = atomic.replacing
write_bytes = atomic.write_bytes


def load_case(folder: Path) -> Case:
    case, _ = config.load_case(folder)
    return case


def victim_ids(case: Case) -> list[str]:
    return config.victim_ids(case)


def victim_exists(case: Case, victim_id: str) -> bool:
    return victim_id in config.victim_ids(case)


def victim_folder(case: Case, victim_id: str) -> Path:
    return config.victim_folder(case, victim_id)


def intake_upload(case: Case, victim_id: str, spooled: Path, name: str) -> intake.IntakeResult:
    """One uploaded file (or zip), spooled under CASE/.inbox, through the CLI's intake use case
    (the receipt is written when the victim asks for it, not after every file)."""
    return app.intake_submission(spooled, case, victim_id, name=name, receipt=False).result


def stored_name(name: str) -> str:
    return intake.stored_name(name)


def intake_records(case: Case, victim_id: str) -> list[dict[str, Any]]:
    try:
        return inventory.read_intake(config.victim_folder(case, victim_id))
    except (OSError, ValueError):
        return []


@dataclasses.dataclass(frozen=True)
class FileRow:
    path: str
    original: str
    size: int
    sha256: str
    status: str  # accepted / rejected / duplicate (as `evidence check`)
    reason: str


@dataclasses.dataclass(frozen=True)
class CheckItem:
    key: str
    ok: bool | None
    label: str
    detail: str


@dataclasses.dataclass(frozen=True)
class Report:
    """One victim as `evidence check` sees them."""

    victim_id: str
    name: str
    files: tuple[FileRow, ...]
    problems: tuple[str, ...]  # errors and warnings, one sentence each
    checklist: tuple[CheckItem, ...]
    complete: bool
    rejected: int

    @property
    def missing(self) -> tuple[CheckItem, ...]:
        return tuple(i for i in self.checklist if i.ok is False)


def report(case: Case, victim_id: str, hashes_dir: Path | None = None) -> Report:
    """`hashes_dir`: where to remember the files' SHA-256 (as `build` does), so the check
    after each upload hashes only the new file, not the victim's 2 GB of recordings again."""
    got, checks = app.examine(case, victim_id, hashes_dir=hashes_dir)
    files = tuple(FileRow(f.path, f.original_path or f.path, f.size, f.sha256, f.status.value,
                          f.reason or "") for f in got.inventory.files)
    shown = {(f.path, f.reason) for f in files if f.reason}
    problems = tuple(i.message for i in got.issues
                     if i.severity is not Severity.NOTE and (i.path, i.message) not in shown
                     and i.code != "victim_toml_missing")
    items = tuple(CheckItem(i.key, i.ok, i.label, i.detail) for i in checks.items)
    rejected = sum(1 for f in got.inventory.files if f.status is Status.REJECTED)
    return Report(victim_id, got.victim.name, files, problems, items, checks.complete, rejected)


def write_receipt(case: Case, victim_id: str) -> Path:
    """receipt.pdf in the victim folder (what `evidence intake` writes), as of now."""
    return app.write_receipt(case, victim_id, when=times.now())


def dossier(case: Case, victim_id: str) -> Path | None:
    path = case.folder / OUT_DIR / victim_id / DOSSIER
    return path if path.is_file() else None


def bundle(case: Case) -> Path | None:
    path = case.folder / OUT_DIR / batch.JOINT_DIR / batch.JOINT_FILES[0]
    return path if path.is_file() else None


@dataclasses.dataclass(frozen=True)
class BuildSummary:
    built: int
    reused: int
    failed: tuple[str, ...]
    seconds: float


def build(case_folder: Path, progress: Callable[[int, int, str], None]) -> BuildSummary:
    """The whole-case build of `evidence build CASE` (into CASE/out), reporting (done, total,
    what is running)."""

    def notify(p: batch.Progress) -> None:
        progress(p.done, p.total, "joint" if p.event == "joint" else ", ".join(p.running))

    built = app.build(case_folder, case_folder / OUT_DIR, progress=notify)
    result = built.batch
    assert result is not None  # the whole-case build always has its batch result
    counts = {s: sum(o.state is s for o in result.outcomes) for s in batch.State}
    return BuildSummary(counts[batch.State.BUILT], counts[batch.State.CACHED],
                        tuple(o.id for o in result.failed), result.seconds)


def now() -> dt.datetime:
    return times.now()


def iso(when: dt.datetime) -> str:
    return times.iso(when, times.UTC)
