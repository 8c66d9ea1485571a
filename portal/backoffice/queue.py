"""The desk's queue: filters in the URL, sorted by SLA time left, counts per SLA state, htmx swaps the rows."""
from flask import request
from flask_login import current_user

from portal import labels
from portal.backoffice.blueprint import bp
from portal.backoffice.bulk import bulk_form
from portal.domain import workflow
from portal.domain.roles import STAFF, SUPERVISORS
from portal.domain.time import utcnow
from portal.services import queue as tickets_queue
from portal.web.access import roles_required
from portal.web.render import is_htmx, render

PAGE_SIZE = 25


@bp.get("/tickets")
@roles_required(*STAFF)
def queue():
    """A fixed number of queries whatever the filters."""
    f = tickets_queue.clean_filters(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, has_next = tickets_queue.page(f, page, PAGE_SIZE)
    counts, capped = tickets_queue.state_counts(f)
    # Labels translated once per page rather than once per row.
    context = {"status_names": {k: str(v) for k, v in labels.STATUS.items()},
               "sla_names": {k: str(v) for k, v in labels.SLA_STATE.items()},
               "tickets": rows, "has_next": has_next, "page": page, "f": f,
               "counts": counts, "counts_capped": capped, "cap": tickets_queue.SEARCH_COUNT_CAP,
               "sla_states": tickets_queue.SLA_STATES, "statuses": workflow.STATUSES, "status_filter": f["status"],
               "q": f["q"], "now": utcnow()}
    if not is_htmx():
        context["engineers"], context["departments"] = tickets_queue.filter_choices()
        if current_user.role in SUPERVISORS:
            context["bulk_form"] = bulk_form()
    return render("backoffice/queue.html", "backoffice/_rows.html", **context)
