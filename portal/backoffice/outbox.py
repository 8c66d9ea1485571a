"""Admin: the text and WeChat messages the log provider took instead of sending (development), exactly as a real
provider would get them: template id, variables and text; the phone number masked."""
from flask import current_app

from portal.backoffice.blueprint import bp
from portal.domain.roles import ADMINS
from portal.extensions import db
from portal.models import OutboxMessage
from portal.web.access import roles_required
from portal.web.render import render

SHOWN = 100


@bp.get("/admin/outbox")
@roles_required(*ADMINS)
def outbox():
    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(SHOWN)).all()
    providers = {channel: current_app.config.get(f"{channel.upper()}_PROVIDER") or "" for channel in ("sms", "wechat")}
    return render("backoffice/outbox.html", messages=messages, providers=providers, shown=SHOWN)
