"""Language and time zone selection: the user's setting, then the browser's Accept-Language; templates' texts
kept once translated."""
from weakref import WeakKeyDictionary

from flask import Flask, current_app, request, session
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from portal.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    # The choice made in this session wins (the customer may switch on the engineer's phone),
    # then the account's setting, then the browser's.
    if session.get("locale") in languages:
        return session["locale"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


# Per catalogue (held weakly: every test makes an app with catalogues of its own), message id → escaped text.
_TEXTS: WeakKeyDictionary = WeakKeyDictionary()


def install_cached_gettext(app: Flask) -> None:
    """Templates' `_("...")` without variables: the translated, escaped text kept per catalogue and message, where
    Jinja's newstyle gettext translates, wraps and %-formats it on every call (a hundred calls a job page). With
    variables, or where autoescaping is off (plain-text mail), Jinja's own runs."""
    translate = app.jinja_env.globals["gettext"]

    @pass_context
    def gettext(context, string, **variables):
        if variables or not context.eval_ctx.autoescape:
            return translate(context, string, **variables)
        catalogue = babel.domain_instance.get_translations()
        texts = _TEXTS.get(catalogue)
        if texts is None:
            texts = _TEXTS[catalogue] = {}
        text = texts.get(string)
        if text is None:
            text = texts[string] = Markup(catalogue.ugettext(string)) % {}  # noqa: S704 - as Jinja does
        return text

    # `_` straight to it: Jinja's alias for `_` calls gettext through the context a second time.
    app.jinja_env.globals["gettext"] = app.jinja_env.globals["_"] = gettext
