"""`evidence invite`: a victim's personal link and its QR code; revoking them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import segno

from evidence.errors import UsageError
from evidence.web import core, store

QR_DIR = "invites"  # CASE/invites/<victim>.png: to print or send to the victim
VICTIM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclasses.dataclass(frozen=True)
class Invitation:
    victim: str
    link: str
    qr: Path
    expires: str


def check_victim(victim: str) -> None:
    if not VICTIM_ID.fullmatch(victim):
        raise UsageError(f"--victim {victim!r} is not a usable id; use letters, digits, '-' or '_' "
                         "(for example V001).")


def invite(case_folder: Path, victim: str, base_url: str, days: int,
           now: dt.datetime | None = None) -> Invitation:
    check_victim(victim)
    if days < 1:
        raise UsageError(f"--days {days}: an invitation must last at least one day.")
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base_url):
        raise UsageError(f"--url {base_url!r} is not an http(s) address; give the address the "
                         "victims will open, for example https://evidence.example-law.cn.")
    token, record = store.invite(case_folder, victim, days, now or dt.datetime.now(dt.UTC))
    link = f"{base_url.rstrip('/')}/v/{token}"
    qr = case_folder / QR_DIR / f"{victim}.png"
    qr.parent.mkdir(exist_ok=True)
    with core.replacing(qr) as tmp:  # the picture holds the key: readable by the owner only
        tmp.touch(mode=0o600)
        segno.make(link, error="m").save(str(tmp), kind="png", scale=8, border=4)
    return Invitation(victim, link, qr, record.expires)


def revoke(case_folder: Path, victim: str, now: dt.datetime | None = None) -> int:
    check_victim(victim)
    n = store.revoke(case_folder, victim, now or dt.datetime.now(dt.UTC))
    (case_folder / QR_DIR / f"{victim}.png").unlink(missing_ok=True)
    return n
