"""Markdown as safe HTML: markdown-it renders without raw HTML, then nh3 keeps only an allow-list of tags and
attributes (no script, style, event handlers or javascript: links), so an article cannot break the strict CSP
or reach a customer's page with markup of its own."""
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# breaks: a single line break stays one, as the articles written before Markdown expect.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable("table")
TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4",
        "hr", "a", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}}


def render(text: str | None) -> Markup:
    html = _MD.render(text or "")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="noopener noreferrer nofollow")
    return Markup(clean)  # noqa: S704 - safe: the sanitiser's allow-list has just been applied
