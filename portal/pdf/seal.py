"""The company seal on stored PDFs: a PAdES signature (pyHanko), so any reader shows the file is unaltered."""
import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

FIELD = "CompanySeal"
log = logging.getLogger(__name__)


def _run(coroutine):
    """pyHanko's coroutines from synchronous code, also when this thread already runs an event loop (an async
    host, Playwright in tests): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


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
        _run(signers.PdfSigner(meta, signer=self.signer).async_sign_pdf(writer, output=out))
        return out.getvalue()


@dataclass(frozen=True)
class SealCheck:
    """What a PDF's seal says about the file: who sealed it, and whether the file is still what was sealed."""
    signer: str | None
    intact: bool  # the signature verifies over the signed bytes
    whole_file: bool  # and nothing was appended after sealing
    ours: bool  # made with the certificate this portal seals with (the trust anchor, self-signed or not)

    @property
    def holds(self) -> bool:
        return self.intact and self.whole_file


def check_seal(pdf: bytes, our_cert: str | Path | None = None) -> SealCheck | None:
    """Validate the first signature of `pdf` (pyHanko); None when the file carries none or cannot be read.

    The seal certificate is usually self-signed: trust is "made with our configured certificate", checked by
    validating against it as the only trust root, never by fetching anything."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    except Exception:  # noqa: BLE001 - an unreadable file carries no seal we can show
        return None
    if not signatures:
        return None
    signature = signatures[0]
    cert = signature.signer_cert
    signer = cert.subject.human_friendly if cert is not None else None
    try:
        roots = [load_cert_from_pemder(str(our_cert))] if our_cert else []
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = _run(async_validate_pdf_signature(signature, signer_validation_context=context))
    except Exception as exc:  # noqa: BLE001 - a seal pyHanko cannot even evaluate does not hold
        log.warning("seal validation failed: %s", type(exc).__name__)
        return SealCheck(signer, intact=False, whole_file=False, ours=False)
    return SealCheck(signer, intact=bool(status.intact and status.valid),
                     whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                     ours=bool(roots and status.trusted))


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
