"""The PDF documents' own user-agent stylesheet (templates/pdf/_user_agent.css) lays them out exactly as
WeasyPrint's complete one does: every element the templates use is covered, and every box of a document lands
in the same place with the same text, colours, borders and font."""
import re

from weasyprint import CSS, HTML

from portal import pdf
from tests.unit.test_pdf_render import make_ctx

COMMENT = re.compile(r"{#.*?#}", re.S)
TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")


def test_every_element_of_the_templates_is_covered():
    used = {tag.lower() for path in pdf.TEMPLATE_DIR.glob("*.html")
            for tag in TAG.findall(COMMENT.sub("", path.read_text(encoding="utf-8")))}
    assert used <= pdf.USER_AGENT_ELEMENTS, used - pdf.USER_AGENT_ELEMENTS


def boxes(document):
    """Every box of every page: kind, element, position, size, text and what is drawn of it."""
    def walk(box):
        style = box.style
        yield (type(box).__name__, box.element_tag, round(box.position_x, 3), round(box.position_y, 3),
               round(box.width or 0, 3), round(box.height or 0, 3), getattr(box, "text", None),
               str(style["color"]), str(style["background_color"]), style["font_size"], style["font_weight"],
               tuple(style[f"border_{side}_width"] for side in ("top", "right", "bottom", "left")),
               tuple(str(style[f"border_{side}_color"]) for side in ("top", "right", "bottom", "left")))
        for child in getattr(box, "children", ()):
            yield from walk(child)
    return [list(walk(page._page_box)) for page in document.pages]


def laid_out_both_ways(name: str, ctx: dict):
    """`name` for ctx laid out with our user-agent stylesheet and with WeasyPrint's own."""
    ours = pdf.render_document(name, ctx)
    html = HTML(string=pdf.render_template_html(name, ctx, inline_css=False), url_fetcher=pdf.DataOnlyFetcher())
    theirs = html.render(stylesheets=[CSS(string=pdf.stylesheet_text(name, pdf._font_family(ctx["font_family"])))])
    return ours, theirs


def test_the_confirmation_is_laid_out_as_with_weasyprints_stylesheet():
    ours, theirs = laid_out_both_ways("confirmation.html", make_ctx())
    assert len(ours.pages) == len(theirs.pages) > 1
    assert boxes(ours) == boxes(theirs)


def test_the_service_report_and_receipt_are_laid_out_as_with_weasyprints_stylesheet(app):
    from portal.extensions import db
    from portal.models import Ticket
    from portal.services import reports
    from tests.web.factories import make_ticket

    ticket_id = make_ticket(app, status="closed")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        for name, ctx in (("service_report.html", reports.report_context(ticket)),
                          ("intake_receipt.html", reports.receipt_context(ticket))):
            ours, theirs = laid_out_both_ways(name, ctx)
            assert boxes(ours) == boxes(theirs), name


def test_a_batch_hands_back_what_it_set_aside_and_keeps_what_the_process_had():
    import gc

    gc.unfreeze()
    with pdf.Batch() as batch:
        batch.add("confirmation.html", make_ctx())
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    # wsgi.py freezes what the start made: that stays set aside after a batch.
    gc.freeze()
    try:
        with pdf.Batch() as batch:
            batch.add("confirmation.html", make_ctx())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
