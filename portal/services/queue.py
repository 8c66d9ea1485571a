"""The desk's queue: tickets under filters, found through the search index, with counts per SLA state."""
from datetime import date

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from portal import labels
from portal.domain import search, workflow
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Customer, Department, Ticket, User
from portal.services.kept import kept
from portal.services.localtime import day_bounds

FILTERS = ("status", "priority", "category", "mode", "channel", "assignee", "department", "sla", "sort", "q")
# Narrower filters the dashboard's figures link with: the product model, customer tier and region, and the
# registration period (since / until, days in the portal's time zone, inclusive); the service mode is above.
EXTRA_FILTERS = ("model", "tier", "region", "since", "until")
TIERS = ("standard", "vip")
SLA_STATES = ("breached", "at_risk", "ok", "paused", "met")
SCAN_LIMIT = 5000
SEARCH_COUNT_CAP = 1000


def clean_filters(args) -> dict:
    """The filters from the query string, bounded and defaulted (open tickets, by SLA time left)."""
    f = {k: (args.get(k) or "").strip() for k in FILTERS + EXTRA_FILTERS}
    f["region"] = f["region"][:60]
    for name in ("since", "until"):
        f[name] = f[name] if _day(f[name]) is not None else ""
    f["status"] = f["status"] or "open"
    f["sort"] = f["sort"] if f["sort"] in ("sla", "new") else "sla"
    f["q"] = f["q"][:100]
    return f


def _broad(condition):
    """A condition most tickets meet. SQLite's planner would otherwise read every open ticket through the
    status index and sort them, where walking the SLA sort index reads one page: likely() says so."""
    return sa.func.likely(condition) if db.engine.dialect.name == "sqlite" else condition


def filtered(query, f: dict, skip: str | None = None):
    if f["status"] == "open":
        query = query.where(_broad(Ticket.status.in_(workflow.OPEN_STATUSES)))
    elif f["status"] in workflow.STATUSES:
        query = query.where(_broad(Ticket.status == f["status"]))
    if f["priority"] in labels.PRIORITY:
        query = query.where(Ticket.priority == f["priority"])
    if f["category"] in labels.CATEGORY:
        query = query.where(Ticket.category == f["category"])
    if f["mode"] in labels.MODE:
        query = query.where(Ticket.mode == f["mode"])
    if f["channel"] in labels.CHANNEL:
        query = query.where(Ticket.channel == f["channel"])
    if f["assignee"] == "none":
        query = query.where(Ticket.assignee_id.is_(None))
    elif f["assignee"].isdigit():
        query = query.where(Ticket.assignee_id == int(f["assignee"]))
    if f["department"].isdigit():
        query = query.where(Ticket.department_id == int(f["department"]))
    if skip != "sla" and f["sla"] in SLA_STATES:
        query = query.where(Ticket.sla_state == f["sla"])
    if f["q"]:
        query = query.where(search_condition(f["q"]))
    return _narrowed(query, f)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _narrowed(query, f: dict):
    """The dashboard's narrower filters, all conditions of the same one statement."""
    if f.get("model", "").isdigit():
        query = query.where(Ticket.product_model_id == int(f["model"]))
    customers = None
    if f.get("tier") in TIERS:
        customers = db.select(Customer.id).where(Customer.tier == f["tier"])
    if f.get("region"):
        customers = (customers if customers is not None else db.select(Customer.id)).where(
            Customer.region == f["region"])
    if customers is not None:
        query = query.where(Ticket.customer_id.in_(customers))
    if since := _day(f.get("since", "")):
        query = query.where(Ticket.created_at >= day_bounds(since)[0])
    if until := _day(f.get("until", "")):
        query = query.where(Ticket.created_at < day_bounds(until)[1])
    return query


def search_condition(raw: str):
    """An indexed condition for a text fragment (see portal.domain.search)."""
    q = search.normalize(raw)
    kind = search.query_kind(q)
    postgres = db.engine.dialect.name == "postgresql"
    if kind == "trigram":
        if postgres:  # LIKE '%q%' on the lowercased text is answered by the pg_trgm GIN index
            return Ticket.search_text.contains(q, autoescape=True)
        return Ticket.id.in_(sa.text("SELECT rowid FROM ticket_search_trigram WHERE ticket_search_trigram MATCH :p")
                             .bindparams(p=search.fts_phrase(q)))
    if kind == "bigram":
        if postgres:
            return sa.text("string_to_array(ticket.search_bigrams, ' ') @> ARRAY[:bigram]::text[]").bindparams(
                bigram=q)
        return Ticket.id.in_(sa.text("SELECT rowid FROM ticket_search_bigram WHERE ticket_search_bigram MATCH :p")
                             .bindparams(p=search.fts_phrase(q)))
    # A single character, or two with punctuation: only the newest SCAN_LIMIT tickets are read.
    floor = (sa.select(Ticket.id).order_by(Ticket.id.desc()).offset(SCAN_LIMIT - 1).limit(1)
             .scalar_subquery())
    recent = sa.select(Ticket.id).where(Ticket.id >= sa.func.coalesce(floor, 0),
                                        Ticket.search_text.contains(q, autoescape=True))
    return Ticket.id.in_(recent)


# What a queue row shows, as plain rows (no ORM objects to build): the customer's and the engineer's names
# come with the ticket in the same statement.
_ASSIGNEE = aliased(User)
ROW_COLUMNS = (Ticket.id, Ticket.number, Ticket.created_at, Ticket.priority, Ticket.status, Ticket.sla_state,
               Ticket.sla_due_at, Customer.name.label("customer_name"), Customer.tier.label("customer_tier"),
               _ASSIGNEE.name.label("assignee_name"))


def _version_columns():
    # Two scalar subqueries: SQLite answers a lone max() from the index, not two side by side.
    return (sa.select(sa.func.max(Ticket.updated_at)).scalar_subquery().label("v_updated"),
            sa.select(sa.func.max(Ticket.id)).scalar_subquery().label("v_id"))


def version() -> tuple:
    """What changes whenever any ticket does: the newest change and the newest ticket (two index lookups)."""
    return tuple(db.session.execute(sa.select(*_version_columns())).one())


def page(f: dict, number: int, size: int) -> tuple[list, bool, tuple]:
    """One page of queue rows (ROW_COLUMNS), whether there is a next page, and the tickets' version (for
    state_counts), read with the rows: the database computes it once for the statement."""
    rows = db.session.execute(_page_statement(f, number, size)).all()
    current = (rows[0].v_updated, rows[0].v_id) if rows else version()
    return rows[:size], len(rows) > size, current


PAGE_STATEMENTS = "portal_queue_statements"
KEEP_STATEMENTS = 200


def _page_statement(f: dict, number: int, size: int):
    """The statement of a queue page, built once per app for these filters and this page: the same few pages
    are asked for again and again, and building a statement and its cache key anew cost about as much as running
    it. A statement holds no data, only the filters' values; the app's time zone (the period filters) and its
    database's dialect are the app's."""
    store = current_app.extensions.setdefault(PAGE_STATEMENTS, {})
    key = (tuple(f.values()), number, size)
    statement = store.get(key)
    if statement is None:
        query = filtered(db.select(*ROW_COLUMNS, *_version_columns()).select_from(Ticket)
                         .outerjoin(Customer, Customer.id == Ticket.customer_id)
                         .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Ticket.assignee_id), f)
        if f["sort"] == "sla" and f["status"] not in workflow.FINAL:
            order = (Ticket.sla_sort_at, Ticket.id)  # the index order: ties oldest first
        else:
            order = (Ticket.id.desc(),)
        # LIMIT and OFFSET written into the statement: as parameters PostgreSQL cannot cost a generic plan for
        # them and plans the prepared statement anew at every execution (half a millisecond of its CPU a page).
        statement = (query.order_by(*order).limit(sa.literal_column(str(int(size + 1))))
                     .offset(sa.literal_column(str(int((number - 1) * size)))))
        if len(store) >= KEEP_STATEMENTS:
            store.clear()
        store[key] = statement
    return statement


_COUNTS: dict[tuple, tuple] = {}


def state_counts(f: dict, current: tuple | None = None) -> tuple[dict, bool]:
    """Tickets per SLA state under the filters, and whether a search hit the cap. Counting touches every
    matching ticket, so the result is kept per process until any ticket changes (`current`, the version page()
    read with the rows, else read here); a search counts at most SEARCH_COUNT_CAP matches, since a common word
    can match a tenth of all tickets."""
    key = (str(db.engine.url), tuple(sorted((k, v) for k, v in f.items() if k not in ("sort", "sla"))),
           current or version())
    cached = _COUNTS.get(key)
    if cached is None:
        if len(_COUNTS) > 500:
            _COUNTS.clear()
        if f["q"]:
            matches = filtered(db.select(Ticket.sla_state), f, skip="sla").limit(SEARCH_COUNT_CAP + 1).subquery()
            rows = db.session.execute(db.select(matches.c.sla_state, db.func.count()).group_by(matches.c.sla_state))
        else:
            rows = db.session.execute(
                filtered(db.select(Ticket.sla_state, db.func.count()), f, skip="sla").group_by(Ticket.sla_state))
        counts = dict(rows.all())
        cached = _COUNTS[key] = (counts, sum(counts.values()) > SEARCH_COUNT_CAP)
    return cached


def filter_choices() -> tuple[list, list]:
    """The engineers and the departments the queue filters by, (id, name) each: the same for every request, so
    kept by the app (portal.services.kept)."""
    return kept("queue_choices", (User, Department), _read_choices)


def _read_choices() -> tuple[list, list]:
    engineers = db.select(sa.literal("e").label("kind"), User.id, User.name).where(User.role == Role.ENGINEER)
    departments = db.select(sa.literal("d").label("kind"), Department.id, Department.name)
    rows = db.session.execute(sa.union_all(engineers, departments).order_by("kind", "name")).all()
    return ([(r.id, r.name) for r in rows if r.kind == "e"], [(r.id, r.name) for r in rows if r.kind == "d"])


EXPORT_LIMIT = 20000


def export_rows(f: dict) -> tuple[list, bool]:
    """Every ticket under the filters (up to EXPORT_LIMIT, newest first) with the columns of an export, and
    whether the limit cut the list."""
    columns = (Ticket.number, Ticket.created_at, Ticket.status, Ticket.priority, Ticket.category, Ticket.channel,
               Ticket.sla_state, Customer.name.label("customer_name"), Customer.region, Ticket.serial,
               _ASSIGNEE.name.label("assignee_name"), Ticket.description)
    query = filtered(db.select(*columns).select_from(Ticket)
                     .outerjoin(Customer, Customer.id == Ticket.customer_id)
                     .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Ticket.assignee_id), f)
    rows = db.session.execute(query.order_by(Ticket.id.desc()).limit(EXPORT_LIMIT + 1)).all()
    return rows[:EXPORT_LIMIT], len(rows) > EXPORT_LIMIT
