"""WTForms writes every attribute of every field through `Markup.format`, which runs Python's whole string
formatter per attribute: half of the function calls of a job page (eleven forms). `html_params` below writes
the same attributes, escaped the same way, with plain string joins; `install()` puts it where WTForms' widgets
look it up. tests/unit/test_widgets.py compares both on every kind of value.

An empty field (a form drawn with no data and no errors: most of a job page's eleven forms) renders the same
HTML every time for the same attributes, value, choices and flags: `render` keeps it per process.

Flask-WTF also reads and parses WTForms' own message catalogue (its validation messages in Chinese) from disk
once per request; `install()` keeps one parsed catalogue per language for the process instead."""
from babel import support
from flask import request
from flask_babel import get_locale
from flask_wtf import i18n
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from wtforms.i18n import messages_path
from wtforms.widgets import core

# WTForms' own, kept for the test that compares the two (read before install() can replace it).
WTFORMS_HTML_PARAMS = core.html_params
QUOTE = Markup('"')
QUOTED = Markup("&quot;")


def html_params(**kwargs) -> Markup:
    """WTForms' html_params: sorted keys, `class_` → class, `data_`/`aria_` with hyphens, True → the bare name,
    False → nothing, values escaped with the double quote too."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = core.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{escape(value).replace(QUOTE, QUOTED)}"')
    return Markup(" ".join(params))  # noqa: S704 (every key and value escaped above)


RENDERED_LIMIT = 4096
_RENDERED: dict[tuple, Markup] = {}
_PLAIN = (str, int, float, bool, type(None))


def _items(mapping) -> tuple:
    return tuple(sorted((k, v if isinstance(v, _PLAIN) else str(v)) for k, v in (mapping or {}).items()))


def _empty(field) -> bool:
    data = field.data
    return data in (None, "", [], False) or (not callable(field.default) and data == field.default)


def _key(field, kwargs: dict) -> tuple | None:
    """Everything WTForms' widgets read of a field (its widget, id, name, value, choices, flags and attributes),
    or None for a field with data, errors or option groups, which is drawn each time."""
    if field.errors or field.raw_data or not _empty(field):
        return None
    choices = None
    if hasattr(field, "iter_choices"):
        if field.has_groups():
            return None
        choices = tuple((c.value, str(c.label), c.selected, _items(c.render_kw)) for c in field.iter_choices())
    return (type(field), id(field.widget), field.id, field.name, field._value() if hasattr(field, "_value") else None,
            repr(field.data), choices, _items(vars(field.flags)), _items(field.render_kw), _items(kwargs))


def render(field, **kwargs) -> Markup:
    """field(**kwargs), kept per process for an empty field (the same HTML for the same key)."""
    try:
        key = _key(field, kwargs)
        html = _RENDERED.get(key) if key is not None else None
    except TypeError:  # an attribute value that cannot be a key
        key = html = None
    if html is None:
        html = field(**kwargs)
        if key is not None:
            if len(_RENDERED) >= RENDERED_LIMIT:
                _RENDERED.clear()
            _RENDERED[key] = html
    return html


REQUIRED_MARK = Markup(' <span aria-hidden="true">*</span>')
HIDDEN_TYPES = ("HiddenField", "CSRFTokenField")


def field(f, **kwargs) -> Markup:
    """A field with its label, its errors and its hint (templates import it from partials/_forms.html): what the
    Jinja macro it replaced wrote, at a fraction of the cost of a macro call (thirty fields a job page). A blank
    form's field (portal.web.blank_forms: never filled in) keeps what it drew per language, attributes and
    choice list."""
    if not getattr(f, "blank", False):
        return _draw(f, **kwargs)
    try:
        key = (str(get_locale()), _items(kwargs))
    except TypeError:  # an attribute value that cannot be a key
        return _draw(f, **kwargs)
    drawn = f.__dict__.setdefault("drawn", {})
    choices = getattr(f, "choices", None)
    held = drawn.get(key)
    if held is not None and held[0] is choices:  # the very list it was drawn with (held, so never another's)
        return held[1]
    if len(drawn) > 64:
        drawn.clear()
    html = _draw(f, **kwargs)
    drawn[key] = (choices, html)
    return html


def _draw(f, **kwargs) -> Markup:
    if f.type == "BooleanField":
        return Markup(f"<label>{render(f, role='switch', **kwargs)} {escape(f.label.text)}</label>")  # noqa: S704
    parts = [f'<label for="{escape(f.id)}">{escape(f.label.text)}{REQUIRED_MARK if f.flags.required else ""}</label>']
    if f.errors:
        parts.append(f(aria_invalid="true", aria_describedby=f"{f.id}-error", **kwargs))
        parts.append(f'<small class="error" id="{escape(f.id)}-error">{Markup(" ").join(f.errors)}</small>')
    else:
        parts.append(render(f, **kwargs))
    if f.description:
        parts.append(f'<small class="hint">{escape(f.description)}</small>')
    return Markup("\n".join(parts))  # noqa: S704 (every value escaped above)


def _hidden_input(field_id: str, name: str, value) -> str:
    return f'<input type="hidden" id="{escape(field_id)}" name="{escape(name)}" value="{escape(value)}">'


def hidden(form) -> Markup:
    """The form's hidden fields (CSRF token, idempotency key) as <input type="hidden">. A blank form (one instance
    a process, portal.web.blank_forms) gets what must be new on every page: a fresh default (the idempotency key)
    and the request's CSRF token."""
    if not getattr(form, "blank", False):
        return Markup("".join(  # noqa: S704 (every value escaped)
            _hidden_input(f.id, f.name, f._value()) for f in form if f.type in HIDDEN_TYPES))
    inputs = [_hidden_input(f.id, f.name, f.default() if callable(f.default) else f._value())
              for f in form if f.type in HIDDEN_TYPES]
    inputs.append(_hidden_input("csrf_token", "csrf_token", generate_csrf()))
    return Markup("".join(inputs))  # noqa: S704 (every value escaped)


_CATALOGUES: dict[str, support.Translations] = {}


def wtforms_catalogue() -> support.Translations | None:
    """WTForms' messages in the request's language (Flask-WTF's lookup, without reading the file again)."""
    if not request:
        return None
    locale = str(get_locale())
    catalogue = _CATALOGUES.get(locale)
    if catalogue is None:
        catalogue = _CATALOGUES[locale] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return catalogue


def install() -> None:
    """Where WTForms' widgets look it up: the module (textarea, select, options) and, for inputs and buttons,
    their class attribute; and where Flask-WTF's translations object finds its catalogue."""
    i18n._get_translations = wtforms_catalogue
    core.html_params = html_params
    core.Input.html_params = staticmethod(html_params)
    core.Button.html_params = staticmethod(html_params)
