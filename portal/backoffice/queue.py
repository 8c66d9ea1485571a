"""The desk's queue: filters in the URL, sorted by SLA time left, counts per SLA state, htmx swaps the rows."""
from urllib.parse import urlencode

from flask import request, url_for
from flask_login import current_user

from portal import labels
from portal.backoffice.blueprint import bp
from portal.backoffice.bulk import bulk_form
from portal.domain import workflow
from portal.domain.roles import STAFF, SUPERVISORS
from portal.domain.time import utcnow
from portal.models.customer import VIP
from portal.services import queue as tickets_queue
from portal.web.access import roles_required
from portal.web.render import is_htmx, render
from portal.web.templating import translated

PAGE_SIZE = 25


def queue_url(f: dict, **changes) -> str:
    """The queue under the filters `f` with `changes`: the query string built by hand (url_for for each of a
    dozen links was a tenth of the page's time); empty filters are left out."""
    args = {k: v for k, v in {**f, **changes}.items() if v not in ("", None)}
    return request.path + ("?" + urlencode(args) if args else "")


@bp.get("/tickets")
@roles_required(*STAFF)
def queue():
    """A fixed number of queries whatever the filters."""
    f = tickets_queue.clean_filters(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, has_next = tickets_queue.page(f, page, PAGE_SIZE)
    counts, capped = tickets_queue.state_counts(f)
    context = {"status_names": translated(labels.STATUS), "sla_names": translated(labels.SLA_STATE),
               "tickets": rows, "has_next": has_next, "page": page, "f": f,
               "counts": counts, "counts_capped": capped, "cap": tickets_queue.SEARCH_COUNT_CAP,
               "sla_states": tickets_queue.SLA_STATES, "statuses": workflow.STATUSES, "status_filter": f["status"],
               "q": f["q"], "now": utcnow(), "vip": VIP,
               # Links made once per page: a ticket's is this prefix and its id.
               "ticket_url": url_for("backoffice.queue") + "/",
               "sla_links": {state: queue_url(f, sla=state, page=1) for state in tickets_queue.SLA_STATES},
               "all_sla_link": queue_url(f, sla="", page=1),
               "prev_link": queue_url(f, page=page - 1) if page > 1 else None,
               "next_link": queue_url(f, page=page + 1) if has_next else None}
    if not is_htmx():
        context["engineers"], context["departments"] = tickets_queue.filter_choices()
        context["names"] = {"priority": translated(labels.PRIORITY), "category": translated(labels.CATEGORY),
                            "mode": translated(labels.MODE),
                            "channel": translated(labels.CHANNEL)}
        if current_user.role in SUPERVISORS:
            context["bulk_form"] = bulk_form()
    return render("backoffice/queue.html", "backoffice/_rows.html", **context)
