"""A throwaway signing certificate, made by the tests (no committed keys, no network)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def make_p12(folder: Path, password: bytes | None = b"s3cret", name: str = "张律师 (test)"
             ) -> Path:
    """A self-signed RSA certificate with its key, as PKCS#12 at folder/signer.p12."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "evidence tests")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    algo = (serialization.BestAvailableEncryption(password) if password
            else serialization.NoEncryption())
    path = folder / "signer.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"signer", key, cert, None, algo))
    return path
