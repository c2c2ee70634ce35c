"""Walk a victim folder: hash, classify, find duplicates and rejections -> SourceFiles.

Every file under the folder ends up in the inventory, accepted, rejected (with a reason a lawyer
understands) or duplicate, so files in = accepted + rejected + duplicates. Symbolic links are
never followed and special files (pipes, devices) never opened: a FIFO would block the read.

An SQLite database's `-wal` / `-shm` beside it are accepted as parts of that database
(`part_of`): read together with it, listed with it, never exhibited on their own.

A file's `mtime` is the one intake.json recorded (what the submission said) when there is one:
a plain copy of the case folder changes file times, and nothing built may depend on them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from evidence import exhibits, extract, journal, printable, sqlitedb, template, times
from evidence.model import FileKind, Issue, Severity, SourceFile, Status, Victim

CHUNK = 1 << 20
# The tool's own files at the top of a victim folder: not evidence, never inventoried.
OWN_FILES = frozenset({"victim.toml", "intake.json", "receipt.txt", "receipt.pdf"})
INTAKE_JSON = "intake.json"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclasses.dataclass(frozen=True)
class Inventory:
    files: tuple[SourceFile, ...]
    issues: tuple[Issue, ...]

    def count(self, status: Status) -> int:
        return sum(1 for f in self.files if f.status is status)

    @property
    def accepted(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.status is Status.ACCEPTED)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def walk(folder: Path, skip: frozenset[str] = OWN_FILES) -> list[tuple[str, Path, str | None]]:
    """(POSIX relative path, path, error) of every entry that is not a directory, sorted.

    Symlinked directories are listed as entries (to be rejected), never descended into; a
    folder that cannot be listed is an entry with its error, so nothing drops out silently.
    """
    found: list[tuple[str, Path, str | None]] = []

    def unreadable(exc: OSError) -> None:
        if exc.filename and Path(exc.filename) != folder:
            path = Path(exc.filename)
            found.append((path.relative_to(folder).as_posix(), path, exc.strerror or str(exc)))

    for root, dirs, names in os.walk(folder, onerror=unreadable, followlinks=False):
        base = Path(root)
        for name in list(dirs):
            if (base / name).is_symlink():
                dirs.remove(name)
                names.append(name)
        for name in names:
            path = base / name
            rel = path.relative_to(folder).as_posix()
            if rel not in skip:
                found.append((rel, path, None))
    return sorted(found, key=lambda item: item[0])


def scan(victim: Victim, ctx: extract.Context,
         digest: Callable[[Path], str] | None = None) -> Inventory:
    """`digest`: the SHA-256 of a file, when the caller has just computed (or remembers) it."""
    lang = ctx.lang
    records, issues = _intake_records(victim.folder, lang)
    found: list[tuple[SourceFile, str | None]] = []
    accepted_by_hash: dict[str, SourceFile] = {}
    for rel, path, error in walk(victim.folder) if victim.folder.is_dir() else []:
        file, code = _inspect(rel, path, lang, accepted_by_hash, records.get(rel), error,
                              digest or sha256)
        found.append((file, code))
        if file.status is Status.ACCEPTED:
            accepted_by_hash.setdefault(file.sha256, file)
    found = _transcripts(_parts(found, lang), victim, lang)
    files = [file for file, _ in found]
    for file, code in found:
        issues.extend(_issues_for(file, code))
    issues.extend(_custody(files, records, lang))
    issues.extend(_never_stored(victim, files, records, lang))
    return Inventory(tuple(files), tuple(issues))


DB_KINDS = (FileKind.SMS_DB, FileKind.CALL_LOG)


def _parts(found: list[tuple[SourceFile, str | None]], lang: str
           ) -> list[tuple[SourceFile, str | None]]:
    """`sms.db-wal` / `sms.db-shm` next to an accepted SQLite `sms.db`: parts of it, whatever
    they looked like alone (unknown, empty, or the same bytes as another file)."""
    by_path = {file.path: file for file, _ in found}
    out: list[tuple[SourceFile, str | None]] = []
    for file, code in found:
        base = sqlitedb.companion_of(file.path)
        db = by_path.get(base) if base else None
        if (db is None or db.status is not Status.ACCEPTED or db.kind not in DB_KINDS
                or file.status is Status.ACCEPTED or code in ("symlink", "not_regular", "unreadable")
                or not _is_sqlite(db)):
            out.append((file, code))
            continue
        part = file.path[len(db.path):]
        reason = _reason(lang, "db_part", db=db.path, part=part)
        out.append((dataclasses.replace(file, status=Status.ACCEPTED, kind=db.kind, reason=reason,
                                        duplicate_of=None, part_of=db.path), None))
    return out


def _transcripts(found: list[tuple[SourceFile, str | None]], victim: Victim, lang: str
                 ) -> list[tuple[SourceFile, str | None]]:
    """issue 17: a recording's transcript (the file victim.toml names for it, or one of the
    same name beside it: .srt/.vtt/.txt/.docx) is part of the recording — printed as its
    录音笔录 — not a refused file nor an exhibit of its own (a .txt is never read as pasted SMS)."""
    paths = {file.path for file, _ in found}
    of: dict[str, str] = {}
    for file, _ in found:
        if file.status is Status.ACCEPTED and file.kind is FileKind.RECORDING:
            text = exhibits.transcript_for(file.path, victim, paths.__contains__)
            if text is not None:
                of.setdefault(text, file.path)
    out: list[tuple[SourceFile, str | None]] = []
    for file, code in found:
        recording = of.get(file.path)
        usable = code == "unknown_type" or (file.status is Status.ACCEPTED
                                            and file.kind is FileKind.NOTICE_TEXT)
        if recording is None or not usable:
            out.append((file, code))
            continue
        reason = _reason(lang, "transcript_part", recording=recording)
        out.append((dataclasses.replace(file, status=Status.ACCEPTED, kind=FileKind.UNKNOWN,
                                        reason=reason, part_of=recording), None))
    return out


def _is_sqlite(file: SourceFile) -> bool:
    try:
        with file.abspath.open("rb") as f:
            return f.read(len(sqlitedb.MAGIC)) == sqlitedb.MAGIC
    except OSError:
        return False


def _inspect(rel: str, path: Path, lang: str, accepted: dict[str, SourceFile],
             record: dict[str, Any] | None, error: str | None = None,
             hash_of: Callable[[Path], str] = sha256) -> tuple[SourceFile, str | None]:
    """The file as seen, and the code of its rejection (None unless rejected)."""
    received = received_time(record.get("received")) if record else None
    original = str(record["original_path"]) if record and "original_path" in record else None
    recorded = received_time(record.get("modified")) if record else None
    mtime: dt.datetime | None = None
    size = 0
    digest = ""

    def make(status: Status, kind: FileKind = FileKind.UNKNOWN, *, reason: str | None = None,
             duplicate_of: str | None = None) -> SourceFile:
        return SourceFile(path=rel, abspath=path, sha256=digest, size=size, kind=kind,
                          status=status, reason=reason, duplicate_of=duplicate_of,
                          received=received, original_path=original, mtime=mtime)

    def reject(code: str, kind: FileKind = FileKind.UNKNOWN, reason: str | None = None,
               **values: object) -> tuple[SourceFile, str]:
        return make(Status.REJECTED, kind, reason=reason or _reason(lang, code, **values)), code

    if error is not None:  # a folder that could not be listed
        return reject("unreadable", error=error)
    try:
        info = path.lstat()
    except OSError as exc:
        return reject("unreadable", error=exc.strerror or str(exc))
    mtime = recorded or times.from_mtime(info.st_mtime)
    if stat.S_ISLNK(info.st_mode):
        return reject("symlink")
    if not stat.S_ISREG(info.st_mode):
        return reject("not_regular")
    size = info.st_size
    if size == 0:
        digest = EMPTY_SHA256
        return reject("zero_byte")
    try:
        digest = hash_of(path)
        if digest in accepted:  # same bytes, same verdict: no need to read it again
            first = accepted[digest]
            return make(Status.DUPLICATE, first.kind, duplicate_of=first.path,
                        reason=_reason(lang, "duplicate", other=first.path)), None
        kind, module = extract.sniff(path)
    except OSError as exc:
        return reject("unreadable", error=exc.strerror or str(exc))
    if module is None or kind is FileKind.UNKNOWN:
        return reject("unknown_type", kind)
    problem = _validate(module, path, lang)
    if problem:
        return reject(problem[0], kind, problem[1])
    return make(Status.ACCEPTED, kind), None


def _validate(source: extract.Source, path: Path, lang: str) -> tuple[str, str] | None:
    """(code, reason) when the format's own check refuses the file."""
    try:
        result = source.validate(path, lang)
    except Exception as exc:  # a validator bug must not take the inventory down
        return "validate_failed", _reason(
            lang, "validate_failed", error=f"{type(exc).__name__}: {exc}")
    return ("invalid_file", str(result)) if result else None


def _issues_for(file: SourceFile, code: str | None) -> list[Issue]:
    if file.status is Status.REJECTED:
        return [Issue(Severity.ERROR, code or "invalid_file", file.reason or "", path=file.path)]
    if file.status is Status.DUPLICATE:
        return [Issue(Severity.NOTE, "duplicate", file.reason or "", path=file.path)]
    return []


def _custody(files: list[SourceFile], records: dict[str, dict[str, Any]],
             lang: str) -> list[Issue]:
    """Files recorded at intake must still be there with the same bytes."""
    present = {f.path: f for f in files}
    issues: list[Issue] = []
    for stored, record in sorted(records.items()):
        file = present.get(stored)
        if file is None:
            issues.append(Issue(Severity.ERROR, "original_missing",
                                _reason(lang, "original_missing", path=stored), path=stored))
        elif file.sha256 and record.get("sha256") and file.sha256 != record["sha256"]:
            issues.append(Issue(Severity.ERROR, "original_changed",
                                _reason(lang, "original_changed", path=stored), path=stored))
    return issues


def _never_stored(victim: Victim, files: list[SourceFile], records: dict[str, dict[str, Any]],
                  lang: str) -> list[Issue]:
    """issue 23: a file the intake journal announced that is neither recorded nor in the folder
    (the intake stopped during its copy) is a custody gap: said, never silent."""
    case_folder = victim.folder.parent.parent  # CASE/victims/<id>
    try:
        lines = journal.pending(journal.path(case_folder, victim.id))
    except OSError as exc:
        return [Issue(Severity.WARNING, "journal_unreadable", _reason(
            lang, "intake_json_invalid", error=f"{journal.DIR}: {exc.strerror}"), path=journal.DIR)]
    stored = {f.path: f.sha256 for f in files}
    return [Issue(Severity.ERROR, "never_stored", _reason(lang, "never_stored", **never_stored_values(line)),
                  path=str(line.get("target") or "")) for line in journal.unfulfilled(lines, records.values(), stored)]


def never_stored_values(line: Mapping[str, Any]) -> dict[str, str]:
    """The sentence's values, shown escaped (a name may hold line breaks or escape codes)."""
    return {"name": printable.text(str(line.get("original_path"))),
            "submission": printable.text(str(line.get("submission", "?"))),
            "received": str(line.get("received", "?")), "sha": str(line.get("sha256", "?"))[:16]}


def read_intake(folder: Path) -> list[dict[str, Any]]:
    """The records of `intake.json` (raises OSError / ValueError when unreadable)."""
    path = folder / INTAKE_JSON
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError("not a list of records")
    return data


def _intake_records(folder: Path, lang: str) -> tuple[dict[str, dict[str, Any]], list[Issue]]:
    try:
        data = read_intake(folder)
    except (OSError, ValueError) as exc:
        return {}, [Issue(Severity.WARNING, "intake_json_invalid",
                          _reason(lang, "intake_json_invalid", error=str(exc)),
                          path=INTAKE_JSON)]
    stored = {str(r["stored_path"]): r for r in data if r.get("stored_path")}
    return stored, []


def received_time(value: object) -> dt.datetime | None:
    """intake.json `received` / `modified` (ISO 8601 with offset) -> aware datetime."""
    if not isinstance(value, str):
        return None
    parsed = times.parse_local(value, times.UTC)
    return parsed[0] if parsed else None


def _reason(lang: str, key: str, **values: object) -> str:
    return template.t(lang, f"check.reason.{key}", **values)
