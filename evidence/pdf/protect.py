"""Protected sharing: AES-256 encryption of a finished PDF (print allowed, editing not).

The password never comes from the command line (it would sit in shell history and `ps`):
`--password-file FILE` or the EVIDENCE_PDF_PASSWORD environment variable. An encrypted file is
not byte-reproducible (AES needs fresh random salts); its .sha256 sidecar is written after.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.constants import UserAccessPermissions as Perm

from evidence import atomic
from evidence.errors import UsageError

ENV = "EVIDENCE_PDF_PASSWORD"
# Print (also high quality) and copy text (Bates numbers, quotes); no modify, no annotations or
# forms, no page assembly.
PERMISSIONS = Perm.PRINT | Perm.PRINT_TO_REPRESENTATION | Perm.EXTRACT | Perm.EXTRACT_TEXT_AND_GRAPHICS


def password(password_file: Path | None) -> str:
    """The password from the file (first line) or the environment; UsageError if neither."""
    if password_file is not None:
        try:
            text = password_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read the password file {password_file} ({exc.strerror}); "
                             "give a readable file holding the password on its first line.") from None
        value = text.splitlines()[0] if text.splitlines() else ""
    else:
        value = os.environ.get(ENV, "")
    if not value:
        where = f"the password file {password_file} is empty" if password_file else f"{ENV} is not set"
        raise UsageError(f"--encrypt needs a password but {where}; put it in a file and pass "
                         f"--password-file FILE, or set {ENV}.")
    return value


def owner_password(user: str) -> str:
    # Distinct from the user password so opening the file does not also grant editing.
    return hashlib.sha256(("evidence-owner:" + user).encode()).hexdigest()


def encrypt(path: Path, user_password: str) -> Path:
    """Encrypt `path` in place (atomically): AES-256, opens with the password, prints, no edits."""
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password, owner_password(user_password), permissions_flag=PERMISSIONS,
                   algorithm="AES-256")
    with atomic.replacing(path) as tmp:
        writer.write(tmp)
    return path


def open_reader(path: Path | io.BytesIO, user_password: str | None = None) -> PdfReader:
    """A reader for a possibly encrypted dossier (password from the argument or the environment)."""
    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt(user_password or os.environ.get(ENV, ""))
    return reader
