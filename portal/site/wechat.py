"""The WeChat authorisation's callback: opened in WeChat's own browser, not signed in; the state in the QR code
names the account (portal.services.wechat)."""
from flask import request
from flask_babel import gettext as _

from portal.services import ServiceError, wechat
from portal.site.blueprint import bp
from portal.web.access import public
from portal.web.forms import commit
from portal.web.render import render


@bp.get("/wechat/callback")
@public
def wechat_callback():
    try:
        wechat.complete(request.args.get("state"), request.args.get("code"))
    except ServiceError as error:
        return render("site/wechat_linked.html", ok=False, message=str(error.message), http_status=error.status)
    commit()
    return render("site/wechat_linked.html", ok=True,
                  message=_("Your WeChat is linked: messages about your service requests now come here."))
