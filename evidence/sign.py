"""PAdES signatures on built PDFs (pyHanko, the optional `sign` extra), and reading them back.

A signature is the one thing a forger cannot remake: page hashes, the manifest and the cover's
fingerprint can all be recomputed by someone who edits a dossier, but not a signature by the
lawyer's certificate. Signing is the last step before a file is published (nothing may change
it afterwards, not even our own sidecar, which is written from the signed bytes).

Signed files are not byte-identical between two builds: the signature holds the time of
signing (and a timestamp token from the TSA, when one is used). Everything before the signature
is: it is an incremental update appended to the unchanged built file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evidence import atomic, inventory
from evidence.errors import InputError, UsageError

FIELD = "EvidenceSignature"
EXTRA_HINT = "install the signing extra: pip install 'evidence[sign]'"


class Signing:
    """What `--sign CERT.p12 [--password-file F] [--tsa URL]` asks for, read and checked once.

    A plain class, not a dataclass: it travels in the build options, whose text (with
    `str` of this) is part of each dossier's reuse fingerprint. That text names the
    certificate by its SHA-256, so a new certificate re-signs everything, and never holds the
    key or its password."""

    __slots__ = ("cert_sha256", "p12", "password", "source", "tsa")

    def __init__(self, p12: bytes, password: bytes | None, source: str, tsa: str | None,
                 cert_sha256: str) -> None:
        self.p12, self.password, self.source = p12, password, source
        self.tsa, self.cert_sha256 = tsa, cert_sha256

    def __str__(self) -> str:
        return f"sign:{self.cert_sha256}" + (f"+tsa:{self.tsa}" if self.tsa else "")

    __repr__ = __str__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Signing) and str(other) == str(self)

    def __hash__(self) -> int:
        return hash(str(self))


def load(p12: Path, password_file: Path | None = None, tsa: str | None = None) -> Signing:
    """Read the certificate and its password and check that they open; one sentence if not."""
    try:
        from cryptography.hazmat.primitives.serialization import pkcs12
    except ImportError:
        raise UsageError(f"--sign needs pyHanko and cryptography, which are not installed; "
                         f"{EXTRA_HINT}.") from None
    _need_pyhanko()
    try:
        data = p12.read_bytes()
    except OSError as exc:
        raise InputError(f"{p12}: the certificate cannot be read ({exc.strerror or exc}); give "
                         "the path of a PKCS#12 file (.p12 or .pfx).") from None
    password = None
    if password_file is not None:
        try:
            lines = password_file.read_bytes().splitlines()  # its first line, as --encrypt
            password = lines[0] if lines else b""
        except OSError as exc:
            raise InputError(f"{password_file}: the password file cannot be read "
                             f"({exc.strerror or exc}).") from None
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(data, password)
    except (ValueError, TypeError):
        hint = ("give its password with --password-file FILE" if password is None
                else "check the password in " + str(password_file))
        raise InputError(f"{p12}: not a PKCS#12 certificate that opens with the password given; "
                         f"{hint}.") from None
    if key is None or cert is None:
        raise InputError(f"{p12}: the PKCS#12 file holds no private key and certificate to sign "
                         "with; export the certificate with its key.")
    if tsa is not None and not tsa.startswith(("http://", "https://")):
        raise UsageError(f"--tsa {tsa!r} is not an http(s) URL of an RFC 3161 time-stamp server.")
    from cryptography.hazmat.primitives.serialization import Encoding

    cert_sha = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
    return Signing(data, password, p12.name, tsa, cert_sha)


def _need_pyhanko() -> None:
    try:
        with _quiet():
            import pyhanko.sign  # noqa: F401
    except ImportError:
        raise UsageError(f"--sign needs pyHanko, which is not installed; {EXTRA_HINT}.") from None


def apply(pdf: Path, signing: Signing, reason: str = "") -> str:
    """Sign `pdf` in place (PAdES baseline, invisible), timestamped when a TSA is given.
    The file is replaced atomically: a failed signing leaves the unsigned file as it was."""
    with _quiet():
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers, timestamps

    signer = signers.SimpleSigner.load_pkcs12_data(signing.p12, (), passphrase=signing.password)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None)
    stamper = timestamps.HTTPTimeStamper(signing.tsa) if signing.tsa else None
    with pdf.open("rb") as src, atomic.replacing(pdf) as tmp:
        writer = IncrementalPdfFileWriter(src, strict=False)
        with tmp.open("wb") as out:
            signers.PdfSigner(meta, signer=signer, timestamper=stamper).sign_pdf(writer, output=out)
    return inventory.sha256(pdf)


@dataclasses.dataclass(frozen=True)
class Found:
    """One signature in a PDF, as validated here (no network: no revocation fetched)."""

    field: str
    signer: str
    when: dt.datetime | None  # the time the signer claims; a TSA's token when present
    timestamped: bool
    intact: bool  # the signed bytes are unchanged and the signature matches them
    whole_file: bool  # nothing was appended after the signature
    trusted: bool  # its certificate chains to a trust root given here
    problem: str = ""


def signed(pdf: Path) -> bool:
    """Cheap sniff: a signature dictionary's /ByteRange appears in the file."""
    try:
        with pdf.open("rb") as f:
            return any(b"/ByteRange" in chunk for chunk in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return False


def inspect(pdf: Path, trust: tuple[bytes, ...] = ()) -> list[Found] | None:
    """Every signature of `pdf`; None when pyHanko is not installed (cannot be checked here)."""
    try:
        with _quiet():
            from pyhanko.pdf_utils.reader import PdfFileReader
            from pyhanko.sign.validation import validate_pdf_signature
            from pyhanko_certvalidator import ValidationContext
    except ImportError:
        return None
    from asn1crypto import x509

    roots = [x509.Certificate.load(der) for der in trust]
    out: list[Found] = []
    with pdf.open("rb") as f:
        try:
            reader = PdfFileReader(f, strict=False)
            sigs = list(reader.embedded_signatures)
        except Exception as exc:  # pyHanko raises its own errors for a broken file
            return [Found("", "", None, False, False, False, False, f"unreadable: {exc}")]
        for sig in sigs:
            with _quiet():
                out.append(_validate(sig, validate_pdf_signature,
                                     ValidationContext(trust_roots=roots, allow_fetching=False)))
    return out


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko logs an untrusted (self-signed) certificate with a traceback, and cryptography
    warns about DSA on import: the verdict is ours to report, in one line."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _validate(sig: Any, validate: Any, context: Any) -> Found:
    name = str(sig.field_name or "")
    try:
        status = validate(sig, context)
    except Exception as exc:  # a mangled signature is a result, not a crash
        return Found(name, "", None, False, False, False, False, str(exc).splitlines()[0][:200])
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    cert = status.signing_cert
    signer = cert.subject.native.get("common_name") or cert.subject.human_friendly
    ts = status.timestamp_validity
    when = ts.timestamp if ts is not None else status.signer_reported_dt
    return Found(name, str(signer), when, ts is not None, bool(status.intact and status.valid),
                 status.coverage == SignatureCoverageLevel.ENTIRE_FILE, bool(status.trusted))
