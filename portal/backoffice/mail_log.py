"""Admin: the e-mail that would have been sent, where no mail server is configured (development)."""
from flask import current_app

from portal.backoffice.blueprint import bp
from portal.domain.roles import ADMINS
from portal.extensions import db
from portal.models import OutgoingMail
from portal.web.access import roles_required
from portal.web.render import render

SHOWN = 100


@bp.get("/admin/mail")
@roles_required(*ADMINS)
def unsent_mail():
    mails = db.session.scalars(db.select(OutgoingMail).order_by(OutgoingMail.id.desc()).limit(SHOWN)).all()
    return render("backoffice/unsent_mail.html", mails=mails,
                  mail_server=bool(current_app.config.get("MAIL_SERVER")), shown=SHOWN)
