"""The desk's queue: filters in the URL, sorted by SLA time left, counts per SLA state, htmx swaps the rows."""
from urllib.parse import urlencode

from flask import Response, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import labels
from portal.backoffice.blueprint import bp
from portal.backoffice.bulk import bulk_form
from portal.domain import workflow
from portal.domain.roles import STAFF, SUPERVISORS
from portal.domain.time import utcnow
from portal.models.customer import VIP
from portal.services import exports
from portal.services import queue as tickets_queue
from portal.services.localtime import local
from portal.web.access import roles_required
from portal.web.render import is_htmx, render
from portal.web.templating import translated

PAGE_SIZE = 25


def queue_url(f: dict, **changes) -> str:
    """The queue under the filters `f` with `changes`: the query string built by hand (url_for for each of a
    dozen links was a tenth of the page's time); empty filters are left out."""
    args = {k: v for k, v in {**f, **changes}.items() if v not in ("", None)}
    return request.path + ("?" + urlencode(args) if args else "")


def _narrowed_words(f: dict) -> list[tuple[str, str]]:
    """The dashboard's narrower filters in words (the model by its code: from the names already loaded)."""
    words = {"model": _l("Product model"), "mode": _l("Service mode"), "tier": _l("Customer tier"),
             "region": _l("Region"), "since": _l("First day"), "until": _l("Last day")}
    values = {"mode": labels.MODE, "tier": {"standard": _l("Standard"), "vip": _l("VIP")}}
    return [(str(words[k]), str(values.get(k, {}).get(f[k], f[k]))) for k in tickets_queue.EXTRA_FILTERS if f.get(k)]


@bp.get("/tickets")
@roles_required(*STAFF)
def queue():
    """A fixed number of queries whatever the filters."""
    f = tickets_queue.clean_filters(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, has_next, version = tickets_queue.page(f, page, PAGE_SIZE)
    counts, capped = tickets_queue.state_counts(f, version)
    context = {"status_names": translated(labels.STATUS), "sla_names": translated(labels.SLA_STATE),
               "tickets": rows, "has_next": has_next, "page": page, "f": f,
               "counts": counts, "counts_capped": capped, "cap": tickets_queue.SEARCH_COUNT_CAP,
               "sla_states": tickets_queue.SLA_STATES, "status_filter": f["status"],
               "q": f["q"], "now": utcnow(), "vip": VIP,
               # Links made once per page: a ticket's is this prefix and its id.
               "ticket_url": url_for("backoffice.queue") + "/",
               "sla_links": {state: queue_url(f, sla=state, page=1) for state in tickets_queue.SLA_STATES},
               "all_sla_link": queue_url(f, sla="", page=1),
               "prev_link": queue_url(f, page=page - 1) if page > 1 else None,
               "next_link": queue_url(f, page=page + 1) if has_next else None}
    if not is_htmx():
        context["engineers"], context["departments"] = tickets_queue.filter_choices()
        context["status_choices"] = [("open", _l("All open")), ("all", _l("All")), *(
            (s, context["status_names"][s]) for s in workflow.STATUSES)]
        context["names"] = {"priority": translated(labels.PRIORITY), "category": translated(labels.CATEGORY),
                            "mode": translated(labels.MODE),
                            "channel": translated(labels.CHANNEL)}
        if current_user.role in SUPERVISORS:
            context["bulk_form"] = bulk_form()
        context["extra_filters"] = tickets_queue.EXTRA_FILTERS
        filters = {k: v for k, v in f.items() if v}
        context["export_links"] = {fmt: url_for("backoffice.queue_export", fmt=fmt) + "?" + urlencode(filters)
                                   for fmt in ("xlsx", "csv")}
        context["narrowed"] = _narrowed_words(f)
    return render("backoffice/queue.html", "backoffice/_rows.html", **context)


@bp.get("/tickets/export.<any(csv, xlsx):fmt>")
@roles_required(*STAFF)
def queue_export(fmt: str):
    """The queue under its filters as a file, the filters written on the first rows."""
    f = tickets_queue.clean_filters(request.args)
    rows, cut = tickets_queue.export_rows(f)
    head = [(str(_l("Exported")), local(utcnow()).strftime("%Y-%m-%d %H:%M"))]
    head += [(name, value) for name, value in ((k, f[k]) for k in tickets_queue.FILTERS + tickets_queue.EXTRA_FILTERS)
             if value and name != "sort"]
    if cut:
        head.append((str(_l("Only the newest")), str(tickets_queue.EXPORT_LIMIT)))
    header = [str(w) for w in (_l("Number"), _l("Registered"), _l("Status"), _l("Priority"), _l("Category"),
                               _l("Channel"), _l("SLA"), _l("Customer"), _l("Region"), _l("Serial number"),
                               _l("Engineer"), _l("Problem"))]
    body = [[r.number, local(r.created_at).strftime("%Y-%m-%d %H:%M"), str(labels.STATUS.get(r.status, r.status)),
             r.priority or "", str(labels.CATEGORY.get(r.category, r.category or "")),
             str(labels.CHANNEL.get(r.channel, r.channel)), str(labels.SLA_STATE.get(r.sla_state, r.sla_state)),
             r.customer_name or "", r.region or "", r.serial or "", r.assignee_name or "", r.description]
            for r in rows]
    if fmt == "xlsx":
        data, mimetype = exports.xlsx(head, [(str(_l("Tickets")), header, body)]), exports.XLSX
    else:
        data, mimetype = exports.csv_bytes(head, header, body), "text/csv; charset=utf-8"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename=tickets.{fmt}"})
