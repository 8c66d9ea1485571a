"""The company seal on stored PDFs: a PAdES signature (pyHanko), so any reader shows the file is unaltered."""
import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

FIELD = "CompanySeal"


class Seal:
    """A loaded key and certificate; loading once keeps a signature at a few milliseconds."""

    def __init__(self, key_path: str | Path, cert_path: str | Path):
        self.signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
        self.cert_path = Path(cert_path)

    def apply(self, pdf: bytes, reason: str, location: str | None = None) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, reason=reason, location=location, md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES)
        out = io.BytesIO()
        signing = signers.PdfSigner(meta, signer=self.signer).async_sign_pdf(writer, output=out)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(signing)
        else:
            # This thread already runs an event loop (an async host, Playwright in tests): sign beside it.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(asyncio.run, signing).result()
        return out.getvalue()


def make_self_signed(folder: Path, organisation: str) -> tuple[Path, Path]:
    """A demo seal certificate (EC P-256, 5 years) in `folder`; made once, kept when present."""
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / "seal-key.pem", folder / "seal-cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, "Demo document seal (self-signed)"),
    ])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path
