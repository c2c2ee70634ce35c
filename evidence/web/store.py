"""The web server's own records in the case folder (CASE/.web/): invitations, the lawyer's
password, the signing key for forms, and the audit log (CASE/audit.jsonl).

Secrets are never stored: an invitation is kept as the SHA-256 of its token, the password as
an scrypt hash. Every read-modify-write holds an exclusive lock, every write is atomic and
fsynced, so two processes (the server, `evidence invite`) never lose each other's changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evidence.web import core

WEB_DIR = ".web"
INVITES = "invites.json"
ADMIN = "admin.json"
SECRET = "secret.key"
AUDIT = "audit.jsonl"
TOKEN_BYTES = 32  # 256 random bits: guessing one is hopeless, and guesses are rate limited
# scrypt: 16 MiB of memory per try, ~50 ms here; the parameters are stored with the hash
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 14, 8, 1


def folder(case_folder: Path) -> Path:
    path = case_folder / WEB_DIR
    path.mkdir(mode=0o700, exist_ok=True)
    return path


@contextlib.contextmanager
def _locked(case_folder: Path) -> Iterator[Path]:
    web = folder(case_folder)
    fd = os.open(web, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield web
    finally:
        os.close(fd)


def _read(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def _write(path: Path, data: Any) -> None:
    with core.replacing(path) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# ---- invitations ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Invite:
    victim: str
    created: str
    expires: str
    revoked: str | None


def invite(case_folder: Path, victim_id: str, days: int, now: dt.datetime) -> tuple[str, Invite]:
    """A new token for the victim (earlier ones stay valid until revoked or expired)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    record = {"victim": victim_id, "sha256": token_hash(token), "created": _iso(now),
              "expires": _iso(now + dt.timedelta(days=days)), "revoked": None}
    with _locked(case_folder) as web:
        records = _read(web / INVITES, [])
        records.append(record)
        _write(web / INVITES, records)
    return token, _invite(record)


def revoke(case_folder: Path, victim_id: str, now: dt.datetime) -> int:
    """Revoke every token of the victim; how many were still live (not yet expired)."""
    with _locked(case_folder) as web:
        records = _read(web / INVITES, [])
        n = 0
        for r in records:
            if r["victim"] == victim_id and not r.get("revoked"):
                r["revoked"] = _iso(now)
                n += dt.datetime.fromisoformat(r["expires"]) > now
        _write(web / INVITES, records)
    return n


def lookup(case_folder: Path, token: str, now: dt.datetime) -> str | None:
    """The victim a token belongs to, if it is known, not revoked and not expired."""
    if not 20 <= len(token) <= 100:
        return None
    wanted = token_hash(token)
    for r in _read(folder(case_folder) / INVITES, []):
        if (hmac.compare_digest(str(r["sha256"]), wanted) and not r.get("revoked")
                and dt.datetime.fromisoformat(r["expires"]) > now):
            return str(r["victim"])
    return None


def invites(case_folder: Path) -> list[Invite]:
    return [_invite(r) for r in _read(folder(case_folder) / INVITES, [])]


def _invite(r: dict[str, Any]) -> Invite:
    return Invite(str(r["victim"]), str(r["created"]), str(r["expires"]), r.get("revoked"))


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


# ---- the lawyer's password --------------------------------------------------------------------


def set_password(case_folder: Path, password: str) -> None:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    with _locked(case_folder) as web:
        _write(web / ADMIN, {"scrypt": {"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                                        "salt": salt.hex(), "hash": digest.hex()}})


def has_password(case_folder: Path) -> bool:
    return (case_folder / WEB_DIR / ADMIN).is_file()


def check_password(case_folder: Path, password: str) -> bool:
    data = _read(case_folder / WEB_DIR / ADMIN, None)
    if not data:
        return False
    s = data["scrypt"]
    got = _scrypt(password, bytes.fromhex(s["salt"]), int(s["n"]), int(s["r"]), int(s["p"]))
    return hmac.compare_digest(got, bytes.fromhex(s["hash"]))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 << 20,
                          dklen=32)


# ---- the key that signs form tokens -----------------------------------------------------------


def secret_key(case_folder: Path) -> bytes:
    with _locked(case_folder) as web:
        path = web / SECRET
        if not path.is_file():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
                f.flush()
                os.fsync(f.fileno())
        return path.read_bytes()


# ---- the audit log ------------------------------------------------------------------------------


def audit(case_folder: Path, event: str, **fields: Any) -> None:
    """Append one line (time, event, victim, file, size, SHA-256, client address...) to
    CASE/audit.jsonl, durably: the line is on disk before the client is answered."""
    line = json.dumps({"time": _iso(dt.datetime.now(dt.UTC)), "event": event, **fields},
                      ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(case_folder / AUDIT, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # whole lines, even from two processes
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
