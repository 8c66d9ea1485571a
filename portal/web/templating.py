"""What every template may use: date filters in the user's time zone, masking, labels, the language and
the menu of the signed-in user."""
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request, url_for
from flask.globals import _cv_app
from flask_babel import format_date, format_datetime, get_locale, get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from portal import labels
from portal.domain.money import fen_to_yuan
from portal.domain.pricing import bp_to_percent
from portal.domain.privacy import hide_link_tokens, mask_email, mask_phone
from portal.domain.roles import ADMINS, DESK, SUPERVISORS, Role
from portal.domain.time import as_utc
from portal.extensions import babel
from portal.web import markdown, widgets

# Numeric patterns read the same in every language: strftime in the user's time zone, ten times faster
# than Babel's formatter (the queue prints a hundred of them).
_NUMERIC = {"yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M", "yyyy-MM-dd HH:mm:ss": "%Y-%m-%d %H:%M:%S",
            "MM-dd HH:mm": "%m-%d %H:%M", "yyyy-MM-dd": "%Y-%m-%d", "HH:mm": "%H:%M"}

NOTICE_CHANNELS = {"sms": _l("Text message"), "email": _l("E-mail"), "wechat": _l("WeChat"),
                   "portal": _l("Customer portal")}
NOTICE_STATES = {"queued": _l("queued, not sent yet"), "sent": _l("sent"), "failed": _l("sending failed"),
                 "kept": _l("not sent: no mail server"), "logged": _l("on the outbox page (log provider, not sent)"),
                 "unsent": _l("not sent: no provider for this channel"),
                 "inbox": _l("in the customer's portal inbox")}


_TRANSLATED: dict[tuple[int, str], dict[str, str]] = {}


def translated(mapping: dict) -> dict[str, str]:
    """A dict of codes to lazily translated labels (portal.labels), as plain strings in the request's language:
    the same for every request in that language, so translated once per process."""
    key = (id(mapping), str(get_locale()))
    done = _TRANSLATED.get(key)
    if done is None:
        done = _TRANSLATED[key] = {code: str(label) for code, label in mapping.items()}
    return done


@lru_cache(maxsize=16)
def _zone_info(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _zone() -> ZoneInfo:
    """The request's time zone, looked up once per request: as a ZoneInfo, whose conversion is written in C
    (Babel's pytz zone converts in Python, a tenth of the queue's time)."""
    held = _cv_app.get().g.__dict__  # the request's g without its proxy: fifty dates on a queue page
    zone = held.get("portal_zone")
    if zone is None:
        zone = held["portal_zone"] = _zone_info(str(get_timezone()))
    return zone


def format_moment(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if value is None:
        return ""
    value = as_utc(value)
    if fmt in _NUMERIC:
        return value.astimezone(_zone()).strftime(_NUMERIC[fmt])
    return format_datetime(value, fmt)


def format_iso_moment(value: str | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A moment kept as ISO text in an event's data, shown as format_moment shows a column."""
    try:
        return format_moment(datetime.fromisoformat(value), fmt) if value else ""
    except (TypeError, ValueError):
        return ""


def masked_recipient(notice) -> str:
    if not notice.recipient:
        return ""
    return mask_email(notice.recipient) if notice.channel == "email" else mask_phone(notice.recipient)


@lru_cache(maxsize=512)
def _options(choices: tuple[tuple[str, str], ...], selected: str) -> Markup:
    return Markup("".join(  # noqa: S704 - every value and text escaped here
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(text)}</option>'
        for value, text in choices))


def options(choices, selected) -> Markup:
    """<option> elements of (value, text) pairs, the one equal to `selected` marked: a select's options are the
    same for every request that chose the same value, so drawn once per process (the queue's filters drew a
    hundred options a request through a macro)."""
    return _options(tuple((str(value), str(text)) for value, text in choices), str(selected or ""))


@lru_cache(maxsize=256)
def _static_url(script_root: str, filename: str) -> str:
    return url_for("static", filename=filename)


def static_url(filename: str) -> str:
    """A static file's URL: the same for every request of a deployment, so built once per process."""
    return _static_url(request.script_root, filename)


@lru_cache(maxsize=64)
def _menu(role: str, locale: str, script_root: str, mail_server: bool) -> tuple[tuple[str, str], ...]:
    return tuple(_menu_items(role, mail_server))


def current_language() -> str:
    """'zh_CN' or 'en': Babel spells the Chinese locale zh_Hans_CN, our settings and URLs do not."""
    locale = get_locale()
    return "zh_CN" if locale is not None and locale.language == "zh" else "en"


def menu_for(user) -> tuple[tuple[str, str], ...]:
    """The signed-in user's menu: (url, label) pairs by role, so that templates never name a role. The same for
    every user of a role and language: built once per process."""
    if not user.is_authenticated:
        return ()
    return _menu(user.role, str(get_locale()), request.script_root, bool(current_app.config.get("MAIL_SERVER")))


@lru_cache(maxsize=256)
def _sync_bar(locale: str, user_id: int, customer_facing: bool, script_root: str) -> Markup:
    return Markup(render_template("partials/_sync_bar.html", customer_facing=customer_facing))  # noqa: S704


def sync_bar(customer_facing: bool = False) -> Markup:
    """The engineer's outbox bar (partials/_sync_bar.html): forty translated texts that differ only by language
    and engineer, so drawn once per process for each."""
    return _sync_bar(str(get_locale()), current_user.id, bool(customer_facing), request.script_root)


def _menu_items(role: str, mail_server: bool) -> list[tuple[str, str]]:
    account = (url_for("auth.account"), str(_l("Account")))
    if role == Role.ENGINEER:
        return [(url_for("engineer.my_jobs"), str(_l("My jobs"))), account]
    if role == Role.CUSTOMER:
        return [(url_for("customer.tickets"), str(_l("My tickets"))),
                (url_for("customer.new_request"), str(_l("Request service"))),
                (url_for("customer.my_points"), str(_l("Points"))),
                (url_for("customer.profile"), str(_l("Profile"))), account]
    if role == Role.MANAGER:
        return [(url_for("backoffice.dashboard_page"), str(_l("Dashboard"))),
                (url_for("backoffice.monthly_reports"), str(_l("Monthly reports"))), account]
    items = [(url_for("backoffice.queue"), str(_l("Tickets")))]
    if role in DESK:
        items.append((url_for("backoffice.intake"), str(_l("New request"))))
    items.append((url_for("backoffice.customer_list"), str(_l("Customers"))))
    items.append((url_for("backoffice.redemptions"), str(_l("Rewards to hand over"))))
    items.append((url_for("backoffice.money_lists"), str(_l("Bills and invoices"))))
    if role in DESK:
        items.append((url_for("backoffice.my_customers"), str(_l("My customers"))))
        items.append((url_for("backoffice.maintenance_list"), str(_l("Maintenance plans"))))
    if role in SUPERVISORS:
        items.append((url_for("backoffice.dashboard_page"), str(_l("Dashboard"))))
        items.append((url_for("backoffice.monthly_reports"), str(_l("Monthly reports"))))
        items.append((url_for("backoffice.dispatch_board"), str(_l("Dispatch"))))
        items.append((url_for("backoffice.tasks"), str(_l("Follow-up tasks"))))
        items.append((url_for("backoffice.catalogue_list", kind="models"), str(_l("Catalogue"))))
        items.append((url_for("backoffice.organisation_page"), str(_l("Organisation"))))
        items.append((url_for("backoffice.knowledge_list"), str(_l("Knowledge base"))))
        items.append((url_for("backoffice.tier_list"), str(_l("Customer tiers"))))
        items.append((url_for("backoffice.campaign_list"), str(_l("Campaigns and recalls"))))
    if role in ADMINS:
        items.append((url_for("backoffice.sla_policies"), str(_l("SLA policies"))))
        items.append((url_for("backoffice.price_list_index"), str(_l("Prices and contracts"))))
        items.append((url_for("backoffice.routing_rules"), str(_l("Routing rules"))))
        items.append((url_for("backoffice.rewards"), str(_l("Rewards and member days"))))
        if not mail_server:
            items.append((url_for("backoffice.unsent_mail"), str(_l("E-mail not sent"))))
        if "log" in (current_app.config.get("SMS_PROVIDER"), current_app.config.get("WECHAT_PROVIDER")):
            items.append((url_for("backoffice.outbox"), str(_l("Messages sent (log provider)"))))
        items.append((url_for("backoffice.message_texts"), str(_l("Message texts"))))
        items.append((url_for("backoffice.failed_tasks"), str(_l("Failed tasks"))))
        items.append((url_for("backoffice.security_log_page"), str(_l("Security log"))))
    items.append(account)
    return items


def _translations():
    return babel.domain_instance.get_translations()


def register_template_helpers(app) -> None:
    # Flask-Babel's callables without its per-string domain lookup (the same catalogue: CatalogueDomain).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s), ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n), newstyle=True)
    app.jinja_env.filters["dt"] = format_moment
    app.jinja_env.filters["iso_dt"] = format_iso_moment
    app.jinja_env.filters["day_label"] = lambda day: format_date(day, "full")
    app.jinja_env.filters["yuan"] = fen_to_yuan
    app.jinja_env.filters["percent"] = lambda bp: f"{bp_to_percent(bp or 0)}%"
    app.jinja_env.filters["markdown"] = markdown.render
    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.globals["options"] = options
    app.jinja_env.globals["sync_bar"] = sync_bar
    app.jinja_env.globals["form_field"] = widgets.field
    app.jinja_env.globals["hidden_fields"] = widgets.hidden
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["masked_recipient"] = masked_recipient
    # A message's link that acts without signing in (confirming a resolution) is the customer's, not the desk's.
    app.jinja_env.filters["hide_link_tokens"] = hide_link_tokens
    app.jinja_env.filters["notice_channel"] = lambda code: str(NOTICE_CHANNELS.get(code, code))
    app.jinja_env.filters["notice_status"] = lambda code: str(NOTICE_STATES.get(code, code))

    @app.context_processor
    def inject():
        return {"labels": labels, "current_locale": current_language(), "languages": app.config["LANGUAGES"],
                "menu": lambda: menu_for(current_user), "is_engineer": lambda: _is(Role.ENGINEER)}


def _is(role: str) -> bool:
    return current_user.is_authenticated and current_user.role == role
