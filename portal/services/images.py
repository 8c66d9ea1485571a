"""Photos and signatures: checked by content, size-limited, re-encoded without metadata."""
import io
import warnings

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from portal.services import ServiceError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO"}
# Decoding costs what the pixels say, not what the bytes say: a 187 KB PNG can hold 7700×7700 pixels (450 MB
# decoded). The size comes from the file's header (Image.open reads no pixels) and is checked before decoding.
MAX_PHOTO_PIXELS = 24_000_000  # a 24 MP camera; the phone sends at most 1600 px anyway
MAX_SIGNATURE_PIXELS = 2_000_000  # the signing pad exports at most 1600×600
# Pillow's own guard for any image this process opens: a warning above this, an error above twice as many.
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
NOT_A_PHOTO = _l("This file is not a photo (JPEG, PNG or WebP).")


class PreparedImage:
    def __init__(self, data: bytes, content_type: str, width: int, height: int):
        self.data, self.content_type, self.width, self.height = data, content_type, width, height


def _open(data: bytes, max_pixels: int, too_many) -> Image.Image:
    """The decoded image, after its format and its pixel count (read from the header) passed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))  # lazy: the header only
            if probe.format not in ALLOWED_FORMATS:
                raise ServiceError(NOT_A_PHOTO)
            if probe.width * probe.height > max_pixels:
                raise ServiceError(too_many)
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ServiceError(too_many) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ServiceError(NOT_A_PHOTO) from exc


def prepare_photo(data: bytes) -> PreparedImage:
    """Re-encode a photo as JPEG, at most MAX_IMAGE_EDGE px, turned upright, with no EXIF or GPS."""
    if len(data) > current_app.config["MAX_IMAGE_BYTES"]:
        raise ServiceError(_l("The photo is larger than %(mb)s MB.",
                              mb=current_app.config["MAX_IMAGE_BYTES"] // (1024 * 1024)), status=413)
    if not data:
        raise ServiceError(_l("The file is empty."))
    too_many = _l("The photo has too many pixels: %(mp)s megapixels at most.", mp=MAX_PHOTO_PIXELS // 1_000_000)
    image = ImageOps.exif_transpose(_open(data, MAX_PHOTO_PIXELS, too_many))
    image = image.convert("RGB")
    edge = current_app.config["MAX_IMAGE_EDGE"]
    image.thumbnail((edge, edge))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return PreparedImage(out.getvalue(), "image/jpeg", image.width, image.height)


THUMB_EDGE = 320


def thumbnail(data: bytes) -> bytes:
    """A small JPEG of a stored photo (already checked and stripped) for lists and photo strips."""
    image = Image.open(io.BytesIO(data))
    image.draft("RGB", (THUMB_EDGE, THUMB_EDGE))  # JPEG decodes at a fraction of the size: fast
    image = image.convert("RGB")
    image.thumbnail((THUMB_EDGE, THUMB_EDGE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, optimize=True)
    return out.getvalue()


def prepare_signature(data: bytes) -> PreparedImage:
    """A signature drawn on the phone: a PNG kept lossless, flattened onto white."""
    if not data or len(data) > 1024 * 1024:
        raise ServiceError(_l("The signature could not be read. Please sign again."))
    image = _open(data, MAX_SIGNATURE_PIXELS, _l("The signature image is too large. Please sign again."))
    if image.width < 50 or image.height < 20:
        raise ServiceError(_l("The signature could not be read. Please sign again."))
    rgba = image.convert("RGBA")
    if rgba.getchannel("A").getbbox() is None and image.mode == "RGBA":
        raise ServiceError(_l("Please sign in the box before accepting."))
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    if flat.convert("L").point(lambda v: 255 if v < 200 else 0).getbbox() is None:
        raise ServiceError(_l("Please sign in the box before accepting."))
    out = io.BytesIO()
    flat.save(out, "PNG", optimize=True)
    return PreparedImage(out.getvalue(), "image/png", flat.width, flat.height)
