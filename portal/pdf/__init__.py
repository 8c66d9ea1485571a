"""PDF service confirmations: a plain dict in, A4 PDF bytes out, with nothing fetched from outside."""
import base64
import functools
import gc
import hashlib
import io
import re
import threading
from pathlib import Path

import jinja2
from PIL import Image, ImageOps
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher  # WeasyPrint >= 68

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "pdf"
USER_AGENT_CSS = TEMPLATE_DIR / "_user_agent.css"
# The elements _user_agent.css styles as WeasyPrint's own user-agent stylesheet does; a document that uses
# another one needs that element's rules copied there first (tests/unit/test_pdf_user_agent.py checks).
USER_AGENT_ELEMENTS = frozenset({
    "html", "head", "meta", "title", "style", "body", "header", "section", "div", "p", "h1", "h2", "span",
    "strong", "b", "br", "img", "table", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"})
DEFAULT_FONT = "WenQuanYi Micro Hei"
# 45 mm printed at ~240 dpi: sharp on paper, a few tens of KB in the file.
PHOTO_EDGE_PX = 420
PHOTO_QUALITY = 80

# The font name is written into CSS, so only plain family names get through.
_FONT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]{0,63}")
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class DataOnlyFetcher(URLFetcher):
    """Serves data: URIs and refuses every other URL, so a document can read neither network nor disk."""

    def fetch(self, url, headers=None):
        if url[:5].lower() != "data:":
            raise ValueError(f"URL refused in PDF documents (only data: URIs): {url[:80]!r}")
        return super().fetch(url, headers)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def image_data_uri(data: bytes) -> str:
    """A data: URI for PNG, JPEG or GIF bytes, kept as they are (the signature stays lossless)."""
    for magic, mime in _SIGNATURES:
        if data.startswith(magic):
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    raise ValueError("image is not PNG, JPEG or GIF")


def photo_data_uri(data: bytes) -> str:
    """A thumbnail of a photo as a JPEG data: URI; full-size phone photos would swell the PDF."""
    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (PHOTO_EDGE_PX, PHOTO_EDGE_PX))  # JPEG: decode at reduced scale, much faster
        thumb = ImageOps.exif_transpose(image).convert("RGB")
    thumb.thumbnail((PHOTO_EDGE_PX, PHOTO_EDGE_PX))
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    return image_data_uri(out.getvalue())


class _HTML(HTML):
    """WeasyPrint's HTML with a user-agent stylesheet cut down to the elements our documents use.

    WeasyPrint's own (html5_ua.css) has rules for every element and pseudo-element of HTML: `::marker` and the
    footnote and note pseudo-elements match every element, so each element of a report got five pseudo-element
    styles computed that nothing draws, and every element was tried against forms, lists, `[dir]`... The
    documents are laid out exactly as before (the test compares every box), in ~10 % less CPU."""

    def _ua_stylesheets(self, forms=False):
        return [_user_agent_stylesheet()]


@functools.cache
def _user_agent_stylesheet() -> CSS:
    # Like WeasyPrint's own, one for the process: it has no @font-face, so it needs no font configuration.
    return CSS(string=USER_AGENT_CSS.read_text(encoding="utf-8"))


def _font_family(name: str | None) -> str:
    return name if name and _FONT_NAME.fullmatch(name) else DEFAULT_FONT


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=jinja2.select_autoescape(("html",), default_for_string=True),  # not the .css templates
    undefined=jinja2.StrictUndefined,  # a missing field fails loudly instead of printing blank on a signed copy
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["image_uri"] = image_data_uri
_env.filters["photo_uri"] = photo_data_uri

_local = threading.local()


def _font_config() -> FontConfiguration:
    # Reusing one keeps Pango's font caches warm (~80 ms a render). The stylesheets have no @font-face, so it
    # never grows; it is kept per thread because a Pango font map must not be shared between threads.
    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def _stylesheet_names(name: str) -> list[str]:
    """The CSS of document `name`: `<name>.css` where the document has its own, else `_document.css`."""
    return [name.removesuffix(".html") + ".css", "_document.css"]


def stylesheet_text(name: str, font_family: str) -> str:
    return _env.select_template(_stylesheet_names(name)).render(font_family=font_family)


def _stylesheet(name: str, font_family: str) -> CSS:
    # Parsed once per thread and document kind: a batch of reports shares one, and tinycss2 no longer reads
    # the same rules for every page of it.
    sheets = _local.__dict__.setdefault("stylesheets", {})
    if (name, font_family) not in sheets:
        sheets[name, font_family] = CSS(string=stylesheet_text(name, font_family), url_fetcher=DataOnlyFetcher(),
                                        font_config=_font_config())
    return sheets[name, font_family]


def render_template_html(name: str, ctx: dict, *, inline_css: bool = True) -> str:
    """Document `name` for ctx as HTML; with `inline_css` it carries its stylesheet and stands alone (the
    preview in a browser), without it the PDF renderer adds the parsed one."""
    stylesheet = _stylesheet_names(name) if inline_css else None
    return _env.get_template(name).render(ctx, font_family=_font_family(ctx.get("font_family")), stylesheet=stylesheet)


def render_html(ctx: dict) -> str:
    """The confirmation as HTML (what render_confirmation prints); useful to inspect a document."""
    return render_template_html("confirmation.html", ctx)


def render_document(name: str, ctx: dict):
    """A laid-out WeasyPrint document for `name` (pages can be joined with others before writing)."""
    html = _HTML(string=render_template_html(name, ctx, inline_css=False), url_fetcher=DataOnlyFetcher())
    stylesheet = _stylesheet(name, _font_family(ctx.get("font_family")))
    return html.render(stylesheets=[stylesheet], font_config=_font_config())


def render_confirmation(ctx: dict) -> bytes:
    """Render the service confirmation (服务确认单) for ctx as A4 PDF bytes."""
    return render_document("confirmation.html", ctx).write_pdf()


def render_pdf(name: str, ctx: dict) -> bytes:
    return render_document(name, ctx).write_pdf()


_batches_lock = threading.Lock()
_batches_running = 0
_frozen_before = False  # whether the process had set objects aside itself (wsgi.py does, once the app is made)


class Batch:
    """Documents rendered one after the other and written as one PDF, page after page (batch printing):

        with pdf.Batch() as batch:
            for ctx in contexts:
                batch.add("service_report.html", ctx)
            data = batch.write()

    A batch keeps every laid-out document until it writes the PDF: some 20,000 Python objects a report, which
    the cycle collector walked again at each of its full passes, a third of the CPU of 100 reports. So each
    document is set aside from the collector once laid out (`gc.freeze`, which sets aside every object of the
    process at that moment), and what was set aside is handed back and collected when the last batch running
    in the process ends. Threads that run meanwhile (the web requests of `make run`) lose nothing: their
    garbage of those seconds is collected then. What the process had set aside before the first batch (wsgi.py
    freezes what the start made) is set aside again after that collection."""

    def __init__(self):
        self.documents = []

    def __enter__(self):
        global _batches_running, _frozen_before
        with _batches_lock:
            if _batches_running == 0:
                _frozen_before = gc.get_freeze_count() > 0
            _batches_running += 1
        return self

    def __exit__(self, *exc):
        global _batches_running
        self.documents = []
        with _batches_lock:
            _batches_running -= 1
            if _batches_running == 0:
                gc.unfreeze()
                gc.collect()  # the batch's documents are cycles: free their memory now, not at some later request
                if _frozen_before:
                    gc.freeze()

    def add(self, name: str, ctx: dict) -> None:
        self.documents.append(render_document(name, ctx))
        gc.freeze()

    def write(self) -> bytes:
        if not self.documents:
            raise ValueError("no documents to print")
        pages = [page for document in self.documents for page in document.pages]
        return self.documents[0].copy(pages).write_pdf()
