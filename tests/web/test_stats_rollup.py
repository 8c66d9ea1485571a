"""The dashboards' rollup follows every ticket change in the same commit, with the ticket page's SLA clock."""
from datetime import timedelta

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import Ticket, TicketFact
from portal.services import sla, stats
from portal.tasks.stats import rebuild
from tests.web.factories import make_ticket


def fact_of(app, ticket_id):
    with app.app_context():
        row = db.session.get(TicketFact, ticket_id)
        db.session.expunge(row)
        return row


def test_a_new_ticket_gets_its_row_and_a_closed_one_its_figures(app):
    new = fact_of(app, make_ticket(app, status="new"))
    assert new.status == "new" and new.priority is None and new.response_seconds is None
    closed_id = make_ticket(app, status="closed", priority="P2")
    closed = fact_of(app, closed_id)
    assert closed.status == "closed" and closed.priority == "P2" and closed.category == "fault_repair"
    assert closed.visits == 1 and closed.reopens == 0 and closed.rating == 5 and closed.labour_minutes == 40
    assert closed.response_seconds is not None and closed.resolution_seconds is not None
    assert closed.response_met is True and closed.resolution_met is True
    with app.test_request_context():
        ticket = db.session.get(Ticket, closed_id)
        reading = sla.reading(ticket)  # the same figures as the ticket page's clock
        assert closed.resolution_seconds == round(reading.resolution.elapsed)


def test_filters_narrow_the_facts_by_period_and_model(app):
    ticket_id = make_ticket(app, status="assigned", priority="P1")
    with app.test_request_context():
        model_id = db.session.get(Ticket, ticket_id).product_model_id
        today = utcnow().date()
        around = stats.Filters(start=today - timedelta(days=1), end=today + timedelta(days=1))
        assert ticket_id in [f.id for f in stats.facts_created(around)]
        assert ticket_id in [f.id for f in stats.facts_created(stats.Filters(around.start, around.end,
                                                                               model=model_id, priority="P1"))]
        assert stats.facts_created(stats.Filters(around.start, around.end, model=model_id + 999)) == []
        before = stats.Filters(start=today - timedelta(days=30), end=today - timedelta(days=2))
        assert ticket_id not in [f.id for f in stats.facts_created(before)]


def test_rebuild_rewrites_every_row(app):
    ticket_id = make_ticket(app, status="triaged")
    with app.app_context():
        db.session.execute(db.delete(TicketFact))
        db.session.commit()
        assert rebuild(batch=2) >= 1
        assert db.session.get(TicketFact, ticket_id).status == "triaged"
