"""The in-app inbox of every account: the bell's unread count (its own cheap request, polled by htmx), the list,
mark read."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.domain.roles import EVERY_ROLE, Role
from portal.services import inbox
from portal.site.blueprint import bp
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, saved, submit
from portal.web.render import render


@bp.get("/inbox/count")
@roles_required(*EVERY_ROLE)
def inbox_count():
    """The bell: one indexed count, polled every 30 s; not counted as activity (portal.web.session)."""
    response = render("site/_bell.html", unread=inbox.unread_count(current_user))
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Where a message about a ticket leads, for the reader's role.
TICKET_PAGE = {Role.CUSTOMER: "customer.ticket_detail", Role.ENGINEER: "engineer.job_detail"}


def _page(status: int = 200):
    return render("site/inbox.html", items=inbox.items(current_user), button=ButtonForm(), http_status=status,
                  ticket_page=TICKET_PAGE.get(current_user.role, "backoffice.ticket_detail"))


@bp.get("/inbox")
@roles_required(*EVERY_ROLE)
def inbox_page():
    return _page()


def _mark(item_id: int | None):
    return submit(ButtonForm(), lambda _f: inbox.mark_read(current_user, item_id),
                  done=lambda _n: saved(_("Marked as read."), url_for("site.inbox_page"), fragment=_page),
                  again=lambda status, error: _page(status))


@bp.post("/inbox/read")
@roles_required(*EVERY_ROLE)
def inbox_read_all():
    return _mark(None)


@bp.post("/inbox/<int:item_id>/read")
@roles_required(*EVERY_ROLE)
def inbox_read(item_id: int):
    return _mark(item_id)
