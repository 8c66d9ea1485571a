"""The verify page and the company seal: a confirmation can be checked by anyone holding it, and any change
to the file shows, both on the verify page (SHA-256) and in the PDF's own signature (PAdES)."""
import asyncio
import hashlib
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Acceptance, Document
from portal.pdf.seal import make_self_signed
from portal.services.storage import path_of, read_bytes
from tests.web.factories import make_closed_ticket


def validate_pdf_signature(signature, trust):
    """pyHanko's validation in a loop of its own (Playwright's sync API may hold this thread's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, async_validate_pdf_signature(signature, trust)).result()


def stored(app, ticket_id):
    with app.app_context():
        acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == ticket_id))
        document = db.session.scalar(db.select(Document).where(Document.acceptance_id == acceptance.id))
        return acceptance.verification_code, document.sha256, read_bytes(document.storage_key)


EN = {"Accept-Language": "en"}
IN_ARCHIVE = "This code belongs to a confirmation in our archive."
MISMATCH = "The archived file of this confirmation no longer matches its record."


def stored_path(app, ticket_id):
    with app.app_context():
        document = db.session.scalar(db.select(Document).where(Document.ticket_id == ticket_id,
                                                               Document.kind == "confirmation"))
        return path_of(document.storage_key)


def tamper(app, ticket_id, offset=None):
    """Change one byte of the archived file on disk, as a disk fault or an intruder would."""
    path = stored_path(app, ticket_id)
    data = bytearray(path.read_bytes())
    data[len(data) // 2 if offset is None else offset] ^= 0x20
    path.write_bytes(bytes(data))


def upload(client, code, data: bytes):
    return client.client.post(f"/verify/{code}", data={"csrf_token": client.token(),
                                                       "pdf": (io.BytesIO(data), "copy.pdf")},
                              content_type="multipart/form-data")


@pytest.fixture
def sealed_app(app, tmp_path):
    key, cert = make_self_signed(tmp_path / "seal", "示例公司 Demo Co.")
    app.config.update(PDF_SEAL_KEY=str(key), PDF_SEAL_CERT=str(cert))
    return app


def test_the_verify_page_shows_the_stored_hash_and_no_contact_data(app, client):
    ticket_id = make_closed_ticket(app)
    code, sha, data = stored(app, ticket_id)
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert sha in page and hashlib.sha256(data).hexdigest() == sha
    assert "13812345678" not in page and "5678" not in page  # the contact's phone, even masked
    assert "@example.com" not in page


def test_the_code_form_and_messy_codes_lead_to_the_same_page(app, client):
    ticket_id = make_closed_ticket(app)
    code, _sha, _data = stored(app, ticket_id)
    messy = f" {code[:4].lower()}-{code[4:]} "
    response = client.get(f"/verify?code={messy}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{code}")


def test_an_unknown_code_says_so(client):
    response = client.get("/verify/ZZZZ9999ZZ")
    assert response.status_code == 404
    assert "No confirmation has this code" in client.get("/verify/ZZZZ9999ZZ", headers={
        "Accept-Language": "en"}).get_data(as_text=True)
    assert client.get("/verify?code=").status_code == 200
    assert client.get("/verify?code=---").status_code == 422


def test_an_identical_upload_passes_and_a_one_byte_change_fails(app, client):
    ticket_id = make_closed_ticket(app)
    code, sha, data = stored(app, ticket_id)
    same = upload(client, code, data)
    assert same.status_code == 200 and "verify-result ok" in same.get_data(as_text=True)
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    other = upload(client, code, bytes(changed))
    assert other.status_code == 200 and "verify-result bad" in other.get_data(as_text=True)
    assert "verify-result ok" not in other.get_data(as_text=True)


def test_an_upload_without_a_file_keeps_the_page(app, client):
    ticket_id = make_closed_ticket(app)
    code, _sha, _data = stored(app, ticket_id)
    response = client.client.post(f"/verify/{code}", data={"csrf_token": client.token()})
    assert response.status_code == 422 and code in response.get_data(as_text=True)


def test_the_confirmation_prints_the_verify_link(app):
    ticket_id = make_closed_ticket(app)
    code, _sha, data = stored(app, ticket_id)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert f"{app.config['PUBLIC_BASE_URL']}/verify/{code}" in text


def test_without_a_certificate_documents_are_not_sealed(app):
    ticket_id = make_closed_ticket(app)
    _code, _sha, data = stored(app, ticket_id)
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []


def test_the_seal_validates_and_an_edited_copy_fails(sealed_app, client):
    app = sealed_app
    ticket_id = make_closed_ticket(app)
    code, _sha, data = stored(app, ticket_id)
    trust = ValidationContext(trust_roots=[load_cert_from_pemder(app.config["PDF_SEAL_CERT"])])
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    status = validate_pdf_signature(signature, trust)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    assert "Electronically sealed by" in client.get(f"/verify/{code}", headers={
        "Accept-Language": "en"}).get_data(as_text=True)

    # Change one byte inside the signed range: the seal no longer holds.
    start, length = signature.byte_range[0], signature.byte_range[1]
    edited = bytearray(data)
    edited[start + length // 2] ^= 0x20
    tampered = PdfFileReader(io.BytesIO(bytes(edited))).embedded_signatures[0]
    assert not validate_pdf_signature(tampered, trust).intact


def test_the_verify_page_is_rate_limited_per_address(app, client):
    ticket_id = make_closed_ticket(app)
    code, _sha, data = stored(app, ticket_id)
    answers = [upload(client, code, data).status_code for _ in range(11)]
    assert answers[:10] == [200] * 10 and answers[10] == 429
    page = client.client.post(f"/verify/{code}", data={"csrf_token": client.token()},
                              headers={"Accept-Language": "en"})
    assert page.status_code == 429 and "Too many tries from this address" in page.get_data(as_text=True)
    lookups = [client.get("/verify/ZZZZ9999ZZ").status_code for _ in range(60)]
    assert 429 in lookups and set(lookups) <= {404, 429}


def test_an_intact_archive_and_a_valid_seal_show_as_such(sealed_app, client):
    app = sealed_app
    ticket_id = make_closed_ticket(app)
    code, _sha, _data = stored(app, ticket_id)
    page = client.get(f"/verify/{code}", headers=EN).get_data(as_text=True)
    assert IN_ARCHIVE in page and MISMATCH not in page
    assert "Electronically sealed by Common Name: Demo document seal (self-signed)" in page
    assert "The seal is intact" in page and "made with this portal's seal certificate" in page


def test_a_seal_made_with_another_certificate_is_intact_but_not_ours(sealed_app, client, tmp_path):
    app = sealed_app
    ticket_id = make_closed_ticket(app)
    code, _sha, _data = stored(app, ticket_id)
    _key, other = make_self_signed(tmp_path / "other", "Someone else")
    app.config["PDF_SEAL_CERT"] = str(other)
    page = client.get(f"/verify/{code}", headers=EN).get_data(as_text=True)
    assert "The seal is intact" in page and "seal certificate" not in page


def test_a_changed_archived_file_shows_as_not_matching_and_its_seal_as_broken(sealed_app, client):
    app = sealed_app
    ticket_id = make_closed_ticket(app)
    code, sha, original = stored(app, ticket_id)
    signature = PdfFileReader(io.BytesIO(original)).embedded_signatures[0]
    tamper(app, ticket_id, offset=signature.byte_range[0] + signature.byte_range[1] // 2)
    response = client.get(f"/verify/{code}", headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and MISMATCH in page and IN_ARCHIVE not in page
    assert 'id="seal-broken"' in page and "The seal does not hold" in page and "The seal is intact" not in page
    assert sha in page  # the record still states what the file was
    # The customer's copy is still compared with the record, not with the changed file.
    assert "verify-result ok" in upload(client, code, original).get_data(as_text=True)


def test_a_changed_unsealed_archive_shows_as_not_matching(app, client):
    ticket_id = make_closed_ticket(app)
    code, _sha, _data = stored(app, ticket_id)
    tamper(app, ticket_id)
    page = client.get(f"/verify/{code}", headers=EN).get_data(as_text=True)
    assert MISMATCH in page and IN_ARCHIVE not in page and "Not sealed" in page


def test_a_missing_archived_file_shows_as_not_matching(sealed_app, client):
    app = sealed_app
    ticket_id = make_closed_ticket(app)
    code, _sha, _data = stored(app, ticket_id)
    stored_path(app, ticket_id).unlink()
    response = client.get(f"/verify/{code}", headers=EN)
    assert response.status_code == 200 and MISMATCH in response.get_data(as_text=True)
