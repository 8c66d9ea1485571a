"""Images cost what their bytes say: a small file declaring a huge image is refused from its header, before a
pixel is decoded, and a submission carries at most MAX_UPLOAD_FILES files."""
import base64
import io
import struct
import uuid

import pytest
from PIL import Image, ImageDraw, ImageFile

from portal.extensions import db
from portal.models import Acceptance, Attachment, Ticket
from portal.services import ServiceError, images
from tests.conftest import display_checklist, jpeg_bytes
from tests.web.factories import make_ticket
from tests.web.test_acceptance import answer
from tests.web.test_golden_path import intake_data

EN = {"Accept-Language": "en"}
OUTBOX = {"Accept": "application/json", "X-Requested-With": "outbox"}


def huge_png(width: int, height: int, mode: str = "1") -> bytes:
    """A few kilobytes that declare width × height pixels (1-bit or palette: little memory to make)."""
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def no_decoding(monkeypatch):
    """no_decoding(): from then on any decoding of pixels fails the test, so a refusal must come from the
    header alone (called once the test's files are made: writing them decodes too)."""
    def decoded(self, *args, **kwargs):
        raise AssertionError(f"decoded a {self.size} image")

    def forbid():
        monkeypatch.setattr(ImageFile.ImageFile, "load", decoded)
        monkeypatch.setattr(Image.Image, "load", decoded)
    return forbid


def count(app, model, **where):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**where))


def test_the_generated_files_are_small_and_declare_huge_images():
    photo, signature = huge_png(7700, 7700), huge_png(7000, 8000, "P")
    assert len(photo) < 200_000 and len(signature) < 300_000
    assert struct.unpack(">II", photo[16:24]) == (7700, 7700)  # the PNG header (IHDR) says so


@pytest.mark.parametrize("size", [(7700, 7700), (5000, 5000), (24_001, 1000)])
def test_a_photo_over_24_megapixels_is_refused_from_its_header(app, no_decoding, size):
    data = huge_png(*size)
    no_decoding()
    with app.test_request_context(headers=EN), pytest.raises(ServiceError, match="24 megapixels at most"):
        images.prepare_photo(data)


@pytest.mark.parametrize("size", [(7000, 8000), (2000, 1001), (1600, 1300)])
def test_a_signature_over_2_megapixels_is_refused_from_its_header(app, no_decoding, size):
    data = huge_png(*size, mode="P")
    no_decoding()
    with app.test_request_context(headers=EN), pytest.raises(ServiceError, match="signature image is too large"):
        images.prepare_signature(data)


def test_a_signature_the_pad_makes_is_kept(app):
    image = Image.new("RGBA", (1600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(100, 300), (1500, 320)], fill=(0, 0, 0, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    with app.app_context():
        prepared = images.prepare_signature(out.getvalue())
    assert (prepared.width, prepared.height) == (1600, 600)


def test_pillow_guards_every_image_the_portal_opens():
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PHOTO_PIXELS


def test_a_huge_photo_at_intake_is_refused_next_to_the_photo_field(app, login_as, no_decoding):
    agent = login_as("agent")
    data = intake_data(app)
    data["photos"] = (io.BytesIO(huge_png(7700, 7700)), "tiny-but-huge.png")
    no_decoding()
    response = agent.post_form("/desk/tickets/new", data, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="photos-error">The photo has too many pixels: 24 megapixels at most.' in page
    assert 'value="张经理"' in page and count(app, Ticket) == 0


def test_a_huge_signature_is_refused_and_nothing_is_signed(app, login_as, no_decoding):
    ticket_id = make_ticket(app, status="resolved")
    engineer = login_as("engineer")
    bomb = "data:image/png;base64," + base64.b64encode(huge_png(7000, 8000, "P")).decode()
    data = answer(engineer, ticket_id, signature=bomb)
    no_decoding()
    response = engineer.post_form(f"/m/jobs/{ticket_id}/acceptance", data, headers=EN)
    assert response.status_code == 422
    assert "The signature image is too large. Please sign again." in response.get_data(as_text=True)
    assert count(app, Acceptance, ticket_id=ticket_id) == 0


def photos(n: int) -> list:
    return [(io.BytesIO(jpeg_bytes((64, 48))), f"p{i}.jpg") for i in range(n)]


@pytest.mark.parametrize(("language", "said"), [
    ("en", "At most 10 photos per submission; this one has 11."), ("zh-CN", "每次提交最多 10 张照片，本次有 11 张。")])
def test_more_than_ten_files_in_one_submission_are_refused_before_any_is_opened(app, login_as, no_decoding,
                                                                              language, said):
    agent = login_as("agent")
    data = intake_data(app)
    data["photos"] = photos(11)
    no_decoding()
    response = agent.post_form("/desk/tickets/new", data, headers={"Accept-Language": language},
                               content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="photos-error">{said}' in page
    assert count(app, Ticket) == 0


def test_the_phone_gets_the_file_limit_as_a_json_reason_on_the_photo_field(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    before = count(app, Attachment, ticket_id=ticket_id)
    engineer = login_as("engineer")
    data = {"findings": "外壳裂纹", **display_checklist(), "photos": photos(10)}  # with the checklist photo: 11
    response = engineer.post_form(f"/m/jobs/{ticket_id}/inspection", data, content_type="multipart/form-data",
                                  headers={**OUTBOX, **EN, "Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 422 and response.json["ok"] is False
    assert response.json["fields"]["photos"] == ["At most 10 photos per submission; this one has 11. "
                                                 "Send the others separately."]
    assert count(app, Attachment, ticket_id=ticket_id) == before


def test_ten_files_in_one_submission_are_accepted(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    before = count(app, Attachment, ticket_id=ticket_id)
    engineer = login_as("engineer")
    data = {"findings": "外壳裂纹", **display_checklist(), "photos": photos(9)}
    response = engineer.post_form(f"/m/jobs/{ticket_id}/inspection", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert count(app, Attachment, ticket_id=ticket_id) == before + 10
