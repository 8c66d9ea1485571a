"""Charts drawn on the server as SVG (pygal), the same on the dashboard and in the monthly PDF.

The strict CSP (script-src 'self', style-src 'self', no inline anything) and pygal's output do not fit as
they are: every SVG carries a <script> with its config, a <style> block and style="" attributes. So each
chart is drawn without JavaScript and stripped of all three, and the rules of the <style> block, which are
the same for every chart of our one style (no per-chart id prefix), are served once as a same-origin
stylesheet (stylesheet(), scoped under .pygal-chart) that the page links and the PDF inlines. The palette is
Okabe-Ito (readable with every common colour-vision deficiency), the font the portal's CJK font."""
import html
import re
import sys
from functools import lru_cache

import pygal
from markupsafe import Markup
from pygal.style import Style

# pygal appends a legacy import hook for its map plugins (unused here); Python warns each time an import falls
# through to it (e.g. openpyxl's optional numpy), so it goes.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

# Okabe & Ito, "Color Universal Design": distinguishable for protan, deutan and tritan readers.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
FONT = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
STYLE = Style(
    colors=PALETTE, font_family=FONT, label_font_family=FONT, major_label_font_family=FONT,
    value_font_family=FONT, value_label_font_family=FONT, tooltip_font_family=FONT, title_font_family=FONT,
    legend_font_family=FONT, no_data_font_family=FONT, background="transparent", plot_background="#ffffff",
    foreground="#222222", foreground_strong="#000000", foreground_subtle="#555555", opacity=".9",
    opacity_hover="1", transition="0ms", label_font_size=12, major_label_font_size=12, legend_font_size=13,
    title_font_size=15, no_data_font_size=20)
KINDS = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "line": pygal.Line, "stacked": pygal.StackedBar}

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_STYLE_ATTR = re.compile(r'\sstyle="[^"]*"')
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def chart(kind: str, title: str, labels: list[str], series: list[tuple[str, list]], *, no_data: str = "",
          value_formatter=None, height: int = 320) -> Markup:
    """An SVG chart safe under the CSP: `series` is a list of (name, values) drawn over `labels`. Drawing is
    most of a dashboard request, and the same figures draw the same chart: the last charts drawn are kept per
    process (keyed by everything drawn; a formatter by its code, as the callers' lambdas have no state)."""
    key = (kind, str(title), tuple(str(x) for x in labels), tuple((str(n), tuple(v)) for n, v in series),
           str(no_data), getattr(value_formatter, "__code__", value_formatter), height)
    drawn = _DRAWN.get(key)
    if drawn is None:
        drawn = _DRAWN[key] = _draw(key, value_formatter)
        while len(_DRAWN) > 512:
            _DRAWN.pop(next(iter(_DRAWN)))  # the oldest first
    return drawn


_DRAWN: dict = {}


def _draw(key: tuple, value_formatter) -> Markup:
    kind, title, labels, series, no_data, _, height = key
    rotate = len(labels) > 8 and kind != "hbar"
    graph = KINDS[kind](**_config(height + (70 if rotate else 0)), title=title, no_data_text=no_data or "—",
                        show_legend=len(series) > 1, x_label_rotation=30 if rotate else 0,
                        truncate_label=18)
    if rotate:
        graph.legend_at_bottom = False  # below slanted labels pygal leaves the legend too little room
    if value_formatter is not None:
        graph.value_formatter = value_formatter
    graph.x_labels = list(labels)
    for name, values in series:
        graph.add(name, list(values))
    # pygal builds the SVG as an element tree: every label and title is a text node, escaped on output.
    return Markup(_clean(graph.render(is_unicode=True)))  # noqa: S704


def _config(height: int) -> dict:
    return {"style": STYLE, "js": [], "no_prefix": True, "disable_xml_declaration": True, "width": 800,
            "height": height, "legend_at_bottom": True, "legend_at_bottom_columns": 4, "margin": 12,
            "print_values": False, "show_y_guides": True, "classes": ["pygal-chart"]}


def _clean(svg: str) -> str:
    svg = _SCRIPT.sub("", svg)
    svg = _STYLE.sub("", svg)
    svg = _COMMENT.sub("", svg)
    svg = _STYLE_ATTR.sub("", svg)
    svg = svg.replace("<defs></defs>", "").replace("<defs/>", "")
    # Read as an image with a name: the title (or the table below) says what it shows.
    return svg.replace(' id=""', "", 1).replace("<svg ", '<svg role="img" focusable="false" ', 1)


def _scoped(css: str) -> str:
    rules = []
    for selectors, body in re.findall(r"([^{}]*)\{([^{}]*)\}", html.unescape(css)):
        scoped = ",".join(".pygal-chart " + s.strip() if s.strip() else ".pygal-chart" for s in selectors.split(","))
        rules.append(f"{scoped}{{{body}}}")
    return "\n".join(rules)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """The CSS of every chart: what pygal would have inlined, for as many series as the palette has colours."""
    parts = []
    for kind in ("bar", "line"):
        graph = KINDS[kind](**_config(200))
        graph.x_labels = ["a"]
        for i in range(len(PALETTE)):
            graph.add(str(i), [1])
        parts += _STYLE.findall(graph.render(is_unicode=True))
    seen, css = set(), []
    for rule in _scoped("\n".join(parts)).splitlines():
        if rule not in seen:
            seen.add(rule)
            css.append(rule)
    css.append(".pygal-chart .tooltip{display:none}")
    css.append("svg.pygal-chart{width:100%;height:auto;max-width:800px;display:block}")
    return "\n".join(css) + "\n"
