"""Copy a victim's submission (folder or .zip) into the case, hash it, record it, write a receipt.

Nothing is lost and nothing already received is touched: a file is stored under its path in the
submission, never over an existing file (different bytes get `name (2).ext`), bytes already
received are recorded once, and every refused entry is recorded with its reason. Zip entries are
checked before anything is written (zip-slip, symlinks, encryption, compression ratio, total size).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from evidence import atomic, config, inventory, journal, printable, template, times
from evidence.errors import InputError, OutputError, UsageError
from evidence.model import Case

ORIGINALS = "originals"
RECEIPT = "receipt.txt"
# Uploads waiting for intake (the web server spools them here): inside the case folder, yet a
# legitimate source, unlike the rest of the case folder.
INBOX = ".inbox"
JOURNAL_DIR = journal.DIR  # issue 23: the custody journal (evidence/journal.py)
GIB = 1 << 30
MIB = 1 << 20


@dataclasses.dataclass(frozen=True)
class Limits:
    """Zip-bomb guards: the whole archive, and the ratio of one large entry."""

    total: int = 2 * GIB
    ratio: int = 200
    ratio_min_size: int = MIB  # small entries compress well legitimately (text, XML)
    files: int = 20_000  # issue 23: entries in one submission (a phone export: a few thousand)


@dataclasses.dataclass(frozen=True)
class Stored:
    original_path: str
    stored_path: str  # relative to the victim folder: originals/...
    sha256: str
    size: int
    # the file's modification time as the submission gave it (zip entry, folder file): kept in
    # intake.json, so a copy of the case folder (which changes file times) changes nothing
    modified: str | None = None


@dataclasses.dataclass(frozen=True)
class Duplicate:
    original_path: str
    stored_path: str  # the file already holding these bytes


@dataclasses.dataclass(frozen=True)
class Rejected:
    original_path: str
    code: str
    reason: str


@dataclasses.dataclass(frozen=True)
class IntakeResult:
    victim_id: str
    folder: Path
    submission: str
    received: dt.datetime
    stored: tuple[Stored, ...]
    duplicates: tuple[Duplicate, ...]
    rejected: tuple[Rejected, ...]
    receipt: Path
    victim_toml_created: bool


@dataclasses.dataclass(frozen=True)
class _Entry:
    name: str  # path inside the submission, as the victim's device wrote it
    rel: str | None  # safe relative path to store under; None when refused
    open: Callable[[], IO[bytes]] | None = None
    mtime: float | None = None
    refusal: tuple[str, str] | None = None  # (code, reason)


def intake(source: Path, case: Case, victim_id: str, *, limits: Limits | None = None,
           now: dt.datetime | None = None, name: str | None = None) -> IntakeResult:
    """`name`: the submission's name as the sender gave it, when `source` is a spooled copy
    under another name (a web upload); it names the stored file, through `stored_name`."""
    limits = limits or Limits()
    lang = case.language
    _check_victim_id(victim_id)
    folder = config.victim_folder(case, victim_id)
    if not source.exists() and not source.is_symlink():
        raise InputError(f"{source} does not exist; give the victim's folder or .zip file.")
    _check_not_inside(source, case.folder)
    submission = stored_name(name) if name is not None else source.name
    submission_sha = inventory.sha256(source) if source.is_file() else None

    # A broken or oversized zip is refused here, before anything is written.
    with _entries(source, lang, limits, times.zone(case.timezone), submission) as entries:
        try:
            (folder / ORIGINALS).mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=".intake-", dir=case.folder))
        except OSError as exc:
            raise OutputError(f"cannot create {folder / ORIGINALS} ({exc.strerror}); check that "
                              "the case folder is writable.") from None
        try:
            # One intake at a time per victim (two browser tabs, a web upload during a CLI
            # intake): intake.json is read, extended and replaced under the victim folder's lock.
            with _locked(folder):
                try:
                    records = inventory.read_intake(folder)
                except (OSError, ValueError) as exc:
                    raise InputError(f"{folder / inventory.INTAKE_JSON} cannot be read ({exc}); "
                                     "restore it from a backup — nothing was written.") from None
                received = (now or times.now()).astimezone(times.UTC)
                received_iso = times.iso(received, times.UTC)
                # issue 23: a stored file that no record names (a crash between the copy and
                # the record) is adopted with its hash before anything new is stored
                journal_file = journal.path(case.folder, victim_id)
                left = _pending(journal_file)
                adopted = _adopt_unrecorded(folder, records, received_iso, lang, left)
                # ...and a file the journal announced that never arrived is recorded as lost
                lost = _never_stored(left, [*records, *adopted], received_iso, lang)
                base = {"received": received_iso, "submission": submission}
                if submission_sha:
                    base["submission_sha256"] = submission_sha
                stored, duplicates, rejected = _store_all(entries, folder, [*records, *adopted],
                                                          work, lang, _Journal(journal_file, base))
                new: list[dict[str, Any]] = [
                    {"original_path": s.original_path, "stored_path": s.stored_path,
                     "sha256": s.sha256, "size": s.size, **base,
                     **({"modified": s.modified} if s.modified else {})} for s in stored]
                seen_refusals = {(r.get("submission"), r.get("original_path"), r.get("reason"))
                                 for r in records if "reason" in r}
                new += [{"original_path": r.original_path, "reason": r.reason, **base}
                        for r in rejected
                        if (submission, r.original_path, r.reason) not in seen_refusals]
                new = [*adopted, *lost, *new]
                rejected += [Rejected(str(r["original_path"]), "never_stored", str(r["reason"])) for r in lost]
                all_records = [*records, *new]
                _sync_folders(folder, stored)  # the stored files' names are on disk...
                if new:  # a rerun that adds nothing leaves intake.json byte for byte
                    _write_atomic(folder / inventory.INTAKE_JSON, json.dumps(
                        all_records, ensure_ascii=False, indent=2, sort_keys=True) + "\n", work)
                created = _victim_template(folder, victim_id, lang)
                receipt = folder / RECEIPT
                _write_atomic(receipt, render_receipt(case, victim_id, _victim_name(case, victim_id),
                                                      all_records, received), work)
                _sync_dir(folder)  # ...and so is intake.json's: a crash after this loses nothing
                journal.clear(journal_file)  # every pending line is now a record in intake.json
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return IntakeResult(victim_id, folder, submission, received, tuple(stored),
                        tuple(duplicates), tuple(rejected), receipt, created)


# ---- sources: folder, zip, single file ----------------------------------------------------


@contextlib.contextmanager
def _entries(source: Path, lang: str, limits: Limits, tz: dt.tzinfo,
             name: str) -> Iterator[list[_Entry]]:
    if source.is_symlink():
        raise InputError(f"{source} is a symbolic link; give the folder or file itself.")
    if source.is_dir():
        yield _capped(_folder_entries(source, lang), source, limits)
    elif not source.is_file():  # issue 23: a FIFO, socket or device (even named x.zip) would hang
        raise InputError(f"{source} is not a regular file or folder (a pipe or a device); give "
                         "the victim's folder or .zip file.")
    elif Path(name).suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise InputError(f"{source} is not a readable zip file ({exc}); ask the victim to "
                             "send it again, or unpack it and give the folder.") from None
        with archive:
            yield _zip_entries(archive, source, lang, limits, tz)
    elif source.is_file():
        yield [_Entry(name, name, functools.partial(_open, source), source.stat().st_mtime)]
    else:
        raise InputError(f"{source} is neither a folder nor a file; give the victim's folder "
                         "or .zip file.")


def _folder_entries(root: Path, lang: str) -> list[_Entry]:
    out: list[_Entry] = []
    for rel, path, error in inventory.walk(root, skip=frozenset()):  # a victim's receipt.txt is evidence
        if error is not None:
            out.append(_refused(rel, "unreadable", lang, error=error))
            continue
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            out.append(_refused(rel, "symlink", lang))
        elif not stat.S_ISREG(info.st_mode):
            out.append(_refused(rel, "not_regular", lang))
        else:
            out.append(_Entry(rel, rel, functools.partial(_open, path), info.st_mtime))
    return out


def _open(path: Path) -> IO[bytes]:
    return path.open("rb")


def _zip_entries(archive: zipfile.ZipFile, source: Path, lang: str, limits: Limits,
                 tz: dt.tzinfo) -> list[_Entry]:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    _check_count(len(infos), source, limits)
    total = sum(i.file_size for i in infos)
    if total > limits.total:
        raise InputError(
            f"{source} would unpack to {_size(total)}, more than the {_size(limits.total)} "
            "limit for one submission (a likely zip bomb); nothing was written — ask the victim "
            "to send the files in smaller zips.")
    out: list[_Entry] = []
    for info in infos:
        name = zip_name(info)
        rel = safe_relative(name)
        mode = info.external_attr >> 16
        if rel is None:
            out.append(_refused(name, "zip_slip", lang))
        elif stat.S_ISLNK(mode):
            out.append(_refused(name, "zip_symlink", lang))
        elif info.flag_bits & 0x1:
            out.append(_refused(name, "zip_encrypted", lang))
        elif (info.file_size > limits.ratio_min_size
              and info.file_size > limits.ratio * max(info.compress_size, 1)):
            ratio = info.file_size // max(info.compress_size, 1)
            out.append(_refused(name, "zip_ratio", lang, ratio=ratio, limit=limits.ratio))
        else:
            out.append(_Entry(name, rel, functools.partial(archive.open, info),
                              _zip_mtime(info, tz)))
    return out


def zip_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author wrote it.

    Without the UTF-8 flag, zipfile decodes names as CP437; Chinese phones and Windows write
    GBK there (and some tools write UTF-8 without the flag). Re-decode non-ASCII names.
    """
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    if raw.isascii():
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_relative(name: str) -> str | None:
    """A relative POSIX path inside the folder, or None for `../`, absolute paths, drives."""
    text = name.replace("\\", "/")  # decoded first: a GBK trail byte can be 0x5C
    if text.startswith("/") or _DRIVE.match(text):
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _zip_mtime(info: zipfile.ZipInfo, tz: dt.tzinfo) -> float | None:
    try:  # DOS time: local wall clock of the device that zipped it
        return times.local(*info.date_time, tz=tz).timestamp()
    except ValueError:
        return None


def _refused(name: str, code: str, lang: str, **values: object) -> _Entry:
    return _Entry(name, None, refusal=(code, _label(lang, code, name=name, **values)))


# ---- storing ------------------------------------------------------------------------------


def _store_all(entries: list[_Entry], folder: Path, records: list[dict[str, Any]], work: Path,
               lang: str, announce: _Journal) -> tuple[list[Stored], list[Duplicate], list[Rejected]]:
    originals = folder / ORIGINALS
    known: dict[str, str] = {}
    for r in records:
        if r.get("stored_path") and r.get("sha256") and (folder / r["stored_path"]).is_file():
            known.setdefault(str(r["sha256"]), str(r["stored_path"]))
    stored: list[Stored] = []
    duplicates: list[Duplicate] = []
    rejected: list[Rejected] = []
    for entry in entries:
        if entry.refusal or entry.rel is None or entry.open is None:
            code, reason = entry.refusal or ("zip_slip", _label(lang, "zip_slip", name=entry.name))
            rejected.append(Rejected(entry.name, code, reason))
            continue
        tmp = work / "entry"
        try:
            digest, size = _copy(entry.open, tmp)
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            rejected.append(Rejected(entry.name, "zip_damaged",
                                     _label(lang, "zip_damaged", name=entry.name, error=exc)))
            continue
        except NotImplementedError:
            rejected.append(Rejected(entry.name, "zip_method",
                                     _label(lang, "zip_method", name=entry.name)))
            continue
        except OSError as exc:
            rejected.append(Rejected(entry.name, "unreadable", _label(
                lang, "unreadable", name=entry.name, error=exc.strerror or exc)))
            continue
        if digest in known:
            duplicates.append(Duplicate(entry.name, known[digest]))
            tmp.unlink()
            continue
        try:
            announce.pending(entry, f"{ORIGINALS}/{storable(entry.rel)}", digest, size)
            target = _place(tmp, originals, entry.rel, digest)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            rejected.append(Rejected(entry.name, "write_failed", _label(
                lang, "write_failed", name=entry.name, error=exc.strerror or exc)))
            continue
        rel = target.relative_to(folder).as_posix()
        if tmp.exists():  # identical bytes were already there under this name
            tmp.unlink()
            duplicates.append(Duplicate(entry.name, rel))
        else:
            if entry.mtime is not None:
                with contextlib.suppress(OSError, OverflowError):
                    os.utime(target, (entry.mtime, entry.mtime))
            modified = _iso_mtime(entry.mtime)
            stored.append(Stored(entry.name, rel, digest, size, modified))
        known[digest] = rel
    return stored, duplicates, rejected


def _iso_mtime(mtime: float | None) -> str | None:
    if mtime is None:
        return None
    with contextlib.suppress(OverflowError, OSError, ValueError):
        return times.iso(times.from_mtime(mtime), times.UTC)
    return None


def _copy(opener: Callable[[], IO[bytes]], tmp: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with opener() as src, tmp.open("wb") as dst:
        while chunk := src.read(inventory.CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())  # on disk before intake.json says it was received
    return digest.hexdigest(), size


def _place(tmp: Path, originals: Path, rel: str, digest: str) -> Path:
    """Move tmp to originals/rel without ever replacing a file; `name (2).ext` on a clash.

    Returns the path holding the bytes. When a file with these very bytes already sits at a
    candidate name, that path is returned and tmp is left in place for the caller to drop.
    """
    target = originals / storable(rel)  # issue 23: names over 255 bytes, paths over 1,000
    if not _inside(target, originals):
        raise OSError(0, "path leaves the originals folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        candidate = target if n == 1 else target.with_name(f"{target.stem} ({n}){target.suffix}")
        if candidate.is_symlink() or candidate.exists():
            if candidate.is_file() and not candidate.is_symlink() and (
                    inventory.sha256(candidate) == digest):
                return candidate
            n += 1
            continue
        try:
            os.link(tmp, candidate)  # fails if the name appeared meanwhile: never overwrites
        except FileExistsError:
            continue
        except OSError:  # file system without hard links
            try:
                with tmp.open("rb") as src, candidate.open("xb") as dst:
                    shutil.copyfileobj(src, dst, inventory.CHUNK)
            except FileExistsError:
                continue
        tmp.unlink()
        return candidate


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


# ---- issue 23: limits, long names, custody ------------------------------------------------

NAME_MAX = 255  # bytes in one file name (ext4, APFS, NTFS in UTF-16 units)
PATH_MAX = 1000  # bytes of a stored relative path (Windows and zip tools choke far below 4096)


def _check_count(n: int, source: Path, limits: Limits) -> None:
    if n > limits.files:
        raise InputError(
            f"{source} holds {n:,} files, more than the {limits.files:,} accepted in one "
            "submission (a phone export holds a few thousand); nothing was written — ask the "
            "victim to send the relevant folders (messages, call log, screenshots) one by one.")


def _capped(entries: list[_Entry], source: Path, limits: Limits) -> list[_Entry]:
    """A folder has the limits of a zip: as many files, as many bytes."""
    _check_count(len(entries), source, limits)
    total = 0
    for entry in entries:
        if entry.open is not None and entry.rel is not None:
            with contextlib.suppress(OSError):
                total += (source / entry.rel).lstat().st_size
    if total > limits.total:
        raise InputError(
            f"{source} holds {_size(total)}, more than the {_size(limits.total)} limit for one "
            "submission; nothing was written — give its folders one at a time.")
    return entries


def storable(rel: str) -> str:
    """`rel` with every name short enough to store: a name over NAME_MAX bytes keeps its start
    and extension with a hash of the whole name between; a path over PATH_MAX bytes is stored
    under long-paths/ by the hash of the whole path. The original name stays in the record."""
    parts = [_short_name(p) for p in rel.split("/")]
    path = "/".join(parts)
    if len(path.encode("utf-8")) <= PATH_MAX:
        return path
    digest = hashlib.sha256(rel.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"long-paths/{digest}/{parts[-1]}"


def _short_name(name: str) -> str:
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= NAME_MAX:
        return name
    digest = hashlib.sha256(raw).hexdigest()[:16]
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext.encode()) > 16:
        stem, ext = name, ""
    tail = f"~{digest}" + (f".{ext}" if ext else "")
    room = NAME_MAX - len(tail.encode("utf-8"))
    head = stem.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore")
    return head + tail


def _adopt_unrecorded(folder: Path, records: list[dict[str, Any]], received_iso: str,
                      lang: str, pending: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records for files in originals/ that no record names (an intake stopped between storing
    a file and writing intake.json: a full disk, a power cut). They are adopted with their hash
    and size as found now, marked as such, instead of being called duplicates of themselves.
    A file the journal announced (same bytes) gets the record it was going to have: its
    original name, submission and time of receipt, with the time its record was completed."""
    originals = folder / ORIGINALS
    if not originals.is_dir():
        return []
    named = {str(r.get("stored_path")) for r in records if r.get("stored_path")}
    found: list[dict[str, Any]] = []
    for rel, path, error in inventory.walk(originals, skip=frozenset()):
        stored = f"{ORIGINALS}/{rel}"
        if error is not None or stored in named or path.is_symlink() or not path.is_file():
            continue
        try:
            digest, size = inventory.sha256(path), path.stat().st_size
        except OSError:
            continue
        announced = _announced(pending, stored, digest, size)
        if announced is not None:
            found.append({**announced, "stored_path": stored, "adopted": True,
                          "recorded": received_iso})
            continue
        found.append({"original_path": rel, "stored_path": stored, "sha256": digest,
                      "size": size, "received": received_iso, "adopted": True,
                      "submission": _label(lang, "adopted_submission")})
    return found


def _announced(pending: list[dict[str, Any]], stored: str, digest: str, size: int
               ) -> dict[str, Any] | None:
    """The journal's record for these bytes (at this path when several lines hold them: a
    clash may have stored the file as `name (2).ext`), without its journal-only keys."""
    same = [p for p in pending if p.get("sha256") == digest and p.get("size") == size]
    chosen = next((p for p in same if p.get("target") == stored), same[0] if same else None)
    if chosen is None:
        return None
    pending.remove(chosen)
    return {k: v for k, v in chosen.items() if k != "target"}


class _Journal:
    """Pending lines of one intake: `{record it will have, "target": intended stored path}`."""

    def __init__(self, path: Path, base: dict[str, Any]) -> None:
        self.path, self.base = path, base

    def pending(self, entry: _Entry, target: str, digest: str, size: int) -> None:
        line = {"original_path": entry.name, "sha256": digest, "size": size, **self.base,
                **({"modified": m} if (m := _iso_mtime(entry.mtime)) else {}), "target": target}
        self.path.parent.mkdir(exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:  # one line, durable before the file
            f.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())


def _pending(path: Path) -> list[dict[str, Any]]:
    try:
        return journal.pending(path)
    except OSError as exc:
        raise InputError(f"{path} cannot be read ({exc.strerror}); restore it from a backup "
                         "or remove it — nothing was written.") from None


def _never_stored(left: list[dict[str, Any]], records: list[dict[str, Any]], received_iso: str,
                  lang: str) -> list[dict[str, Any]]:
    """Records for the journal's lines whose file never arrived whole (an intake stopped
    during the copy): the loss is written into intake.json with the sentence `check` gave."""
    there = {str(r["stored_path"]): str(r["sha256"]) for r in records
             if r.get("stored_path") and r.get("sha256")}
    return [{**{k: v for k, v in line.items() if k != "target"}, "recorded": received_iso,
             "never_stored": True,
             "reason": template.t(lang, "check.reason.never_stored", **inventory.never_stored_values(line))}
            for line in journal.unfulfilled(left, records, there)]


# ---- checks -------------------------------------------------------------------------------

_VICTIM_ID = re.compile(r"[^/\\\x00]+")


def _check_victim_id(victim_id: str) -> None:
    problem = config.id_problem(victim_id)  # issue 23: the same rule as the case's folders
    if problem or not _VICTIM_ID.fullmatch(victim_id):
        raise UsageError(f"--victim {printable.text(victim_id)!r} is not a usable folder name"
                         f"{' (' + problem + ')' if problem else ''}; use letters, digits, '-' or "
                         "'_' (for example V001).")


def _check_not_inside(source: Path, case_folder: Path) -> None:
    src = source.resolve()
    case = case_folder.resolve()
    if src.is_relative_to(case / INBOX) and src != case / INBOX:
        return
    if src.is_relative_to(case) or case.is_relative_to(src):
        raise UsageError(f"{source} is inside the case folder or contains it; copy the "
                         "victim's submission somewhere outside the case first.")


def stored_name(name: str) -> str:
    """A name a sender gave (a browser upload's file name) as a plain file name: its last path
    part, without control characters; never a path, never empty, never hidden."""
    last = re.split(r"[/\\]", name)[-1]
    clean = "".join(c for c in last if c.isprintable()).strip().lstrip(".").strip()
    return clean[:200] or "upload"


# ---- locking and durability -----------------------------------------------------------------


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the victim folder itself (no lock file: the folder holds evidence
    only), held by this process until the block ends; released by the kernel if it dies."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _sync_folders(folder: Path, stored: list[Stored]) -> None:
    """Every folder from a stored file up to the victim folder (some were just made)."""
    folders: set[Path] = set()
    for s in stored:
        folders.update(p for p in (folder / s.stored_path).parents if p.is_relative_to(folder))
    for path in sorted(folders, reverse=True):
        _sync_dir(path)


def _sync_dir(path: Path) -> None:
    """Make the names in a folder (new files, a rename) durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---- outputs ------------------------------------------------------------------------------


def _write_atomic(path: Path, text: str, work: Path) -> None:
    try:  # written in the work folder, so a victim's folder never holds a half-written file
        with atomic.replacing(path, work=work) as tmp:
            tmp.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}); check that the case folder is "
                          "writable and has space, then run intake again.") from None


def _victim_template(folder: Path, victim_id: str, lang: str) -> bool:
    path = folder / config.VICTIM_FILE
    text = template.t(lang, "check.template.victim_toml", id=victim_id)
    try:
        with path.open("x", encoding="utf-8") as f:
            f.write(text)
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot write {path} ({exc.strerror}).") from None
    return True


def _victim_name(case: Case, victim_id: str) -> str:
    person, _ = config.load_victim(case, victim_id)
    return person.name


def render_receipt(case: Case, victim_id: str, victim_name: str,
                   records: list[dict[str, Any]], generated: dt.datetime) -> str:
    """Human-readable receipt of everything ever received for this victim, per submission."""
    lang = case.language

    def t(key: str, **values: object) -> str:
        return template.t(lang, f"check.receipt.{key}", **values)

    sep = "：" if lang == "zh-Hans" else ": "
    lines = [t("title"), "=" * 40,
             f"{t('case')}{sep}{case.title}",
             f"{t('victim')}{sep}{victim_id}{' ' + victim_name if victim_name else ''}",
             f"{t('generated')}{sep}{times.iso(generated, times.UTC)}", ""]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault((str(r.get("received", "")), str(r.get("submission", ""))), []).append(r)
    n = 0
    total_size = 0
    total_rejected = 0
    for (when, submission), group in groups.items():
        sha = next((r["submission_sha256"] for r in group if r.get("submission_sha256")), None)
        lines.append(f"{t('submission')}{sep}{shown(submission)}" + (f"  (SHA-256 {sha})" if sha else ""))
        lines.append(f"{t('received')}{sep}{when}")
        ok = [r for r in group if r.get("stored_path")]
        bad = [r for r in group if not r.get("stored_path")]
        lines.append(f"{t('stored')}（{len(ok)}）" if lang == "zh-Hans"
                     else f"{t('stored')} ({len(ok)})")
        if ok:
            lines.append("  " + t("columns"))
        for r in ok:
            n += 1
            total_size += int(r.get("size", 0))
            lines.append(f"  {n} | {shown(r['stored_path'])} | {r.get('size')} | {r.get('sha256')} | "
                         f"{shown(r.get('original_path'))}")
        if not ok:
            lines.append("  " + t("none"))
        if bad:
            total_rejected += len(bad)
            lines.append(t("rejected"))
            lines.extend(f"  - {shown(r.get('original_path'))}{sep}{shown(r.get('reason'))}"
                         for r in bad)
        lines.append("")
    lines.append(t("total", n=n, size=total_size, rejected=total_rejected))
    lines.append(t("note"))
    return "\n".join(lines) + "\n"


def shown(value: object) -> str:
    """issue 23: a name in receipt.txt on one visible line (newlines cannot forge lines)."""
    return printable.text("" if value is None else value)


def _label(lang: str, code: str, **values: object) -> str:
    return template.t(lang, f"check.intake.{code}", **values)


def _size(n: int) -> str:
    return f"{n / GIB:.1f} GiB" if n >= GIB else f"{n / MIB:.1f} MiB"
