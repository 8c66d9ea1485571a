"""The WeChat authorisation's callback: opened in WeChat's own browser, not signed in; the state in the QR code
names the account (portal.services.wechat)."""
from flask import abort, current_app, request
from flask_babel import gettext as _

from portal.extensions import csrf
from portal.services import ServiceError, replies, wechat
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


def _signed() -> None:
    args = request.args
    if not replies.signature_ok(current_app.config.get("WECHAT_CALLBACK_TOKEN"), args.get("signature"),
                                args.get("timestamp"), args.get("nonce")):
        abort(403)


@bp.route("/wechat/inbound", methods=["GET", "POST"])
@public
@csrf.exempt
def wechat_inbound():
    """The official account's server: GET is WeChat checking the address (echostr back), POST a customer's
    message. Signed with WECHAT_CALLBACK_TOKEN; anything unsigned is refused, anything else answered "success"
    (WeChat resends otherwise)."""
    _signed()
    if request.method == "GET":
        return current_app.response_class(request.args.get("echostr", "")[:128], mimetype="text/plain")
    fields = replies.parse(request.get_data(cache=False)[:replies.MAX_BODY + 1])
    if fields is not None and replies.record_wechat_reply(fields) is not None:
        commit()
    return current_app.response_class("success", mimetype="text/plain")
