"""Linking a customer's WeChat once: a QR code (segno) opens the official account's web authorisation with a
state of ours; its callback brings a code that the official account's API exchanges for the customer's openid.
WeChat messages then go to that openid (portal.tasks.mail); until then they go as text messages."""
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request

import segno
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Ticket, User, WechatLink
from portal.services import ServiceError


def configured() -> bool:
    return bool(current_app.config.get("WECHAT_APP_ID") and current_app.config.get("WECHAT_APP_SECRET"))


def link_of(user: User) -> WechatLink | None:
    return db.session.scalar(db.select(WechatLink).where(WechatLink.user_id == user.id))


def start(user: User) -> WechatLink:
    """The account's link row, with a state for the QR code (kept until it is used)."""
    link = link_of(user)
    if link is None:
        link = WechatLink(user_id=user.id, state=secrets.token_urlsafe(24))
        db.session.add(link)
        db.session.flush()
    return link


def authorize_url(link: WechatLink) -> str:
    config = current_app.config
    callback = config["PUBLIC_BASE_URL"] + url_for("site.wechat_callback")
    query = urllib.parse.urlencode({"appid": config["WECHAT_APP_ID"], "redirect_uri": callback,
                                    "response_type": "code", "scope": "snsapi_base", "state": link.state})
    return f"{config['WECHAT_AUTHORIZE_URL']}?{query}#wechat_redirect"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def _openid(code: str) -> str:
    config = current_app.config
    query = urllib.parse.urlencode({"appid": config["WECHAT_APP_ID"], "secret": config["WECHAT_APP_SECRET"],
                                    "code": code, "grant_type": "authorization_code"})
    url = f"{config['WECHAT_OPENID_URL']}?{query}"
    if not url.startswith(("https://", "http://")):
        raise ServiceError(_l("WeChat is not set up correctly."), status=503)
    try:
        with urllib.request.urlopen(url, timeout=float(config.get("CHANNEL_TIMEOUT") or 10)) as response:  # noqa: S310
            answer = json.loads(response.read(65536) or b"{}")
    except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError):
        raise ServiceError(_l("WeChat did not answer. Scan the code again in a moment."), status=502) from None
    openid = answer.get("openid") if isinstance(answer, dict) else None
    if not isinstance(openid, str) or not 6 <= len(openid) <= 64:
        raise ServiceError(_l("WeChat refused the link. Scan the code again."), status=400)
    return openid


def complete(state: str | None, code: str | None) -> WechatLink:
    """The callback: the state must be one we issued and not used yet; the code gives the openid."""
    link = db.session.scalar(db.select(WechatLink).where(WechatLink.state == state)) if state else None
    if link is None or not code or not configured():
        raise ServiceError(_l("This WeChat link is not valid. Open it again from your profile."), status=400)
    if link.openid is not None:
        return link
    openid = _openid(code)
    other = db.session.scalar(db.select(WechatLink).where(WechatLink.openid == openid))
    if other is not None:
        other.openid, other.linked_at = None, None  # one WeChat, one account: the newest link wins
        db.session.flush()
    link.openid, link.linked_at = openid, utcnow()
    link.state = secrets.token_urlsafe(24)  # used once
    return link


def unlink(user: User) -> None:
    link = link_of(user)
    if link is not None:
        db.session.delete(link)


def openid_for(ticket: Ticket) -> str | None:
    """The openid of a linked account of the ticket's customer, if any."""
    return db.session.scalar(db.select(WechatLink.openid).join(User, User.id == WechatLink.user_id).where(
        User.customer_id == ticket.customer_id, User.active.is_(True), WechatLink.openid.is_not(None))
        .order_by(WechatLink.linked_at.desc()).limit(1))
