"""The daily batch-defect check on real tickets: a burst on one model is flagged once, supervisors are told in
their inbox, the drill-down lists the tickets by cause."""
from datetime import timedelta

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import DefectFlag, InboxItem, Ticket, TicketFact, User
from portal.services import defects
from portal.tasks.stats import defect_check
from tests.web.factories import make_ticket


def test_a_burst_is_flagged_once_and_told_to_supervisors(app):
    ids = [make_ticket(app, status="triaged", serial=f"BURST-{i}") for i in range(6)]
    with app.test_request_context():
        # Spread over the last ten days, nothing in the baseline before: far above the model's usual rate.
        for i, ticket_id in enumerate(ids):
            db.session.get(TicketFact, ticket_id).created_at = utcnow() - timedelta(days=i)
        db.session.commit()
        model_id = db.session.get(Ticket, ids[0]).product_model_id
        before = db.session.scalar(db.select(db.func.count()).select_from(InboxItem)
                                   .where(InboxItem.kind == defects.MESSAGE_KIND))
        assert defect_check() >= 1
        flag = db.session.scalar(db.select(DefectFlag).where(DefectFlag.product_model_id == model_id,
                                                             DefectFlag.lot == ""))
        assert flag.recent >= 6 and flag.p_value < 0.01
        supervisors = db.session.scalar(db.select(db.func.count()).select_from(User)
                                        .where(User.role.in_(("supervisor", "admin")), User.active.is_(True)))
        told = db.session.scalars(db.select(InboxItem).where(InboxItem.kind == defects.MESSAGE_KIND)).all()
        assert len(told) - before >= supervisors > 0
        assert any("批次" in item.text or "batch defect" in item.text for item in told)
        # Running the check again the same day changes nothing.
        assert defect_check() == 0
        groups = defects.drill_down(flag)
        serials = {row.serial for rows in groups.values() for row in rows}
        assert {f"BURST-{i}" for i in range(6)} <= serials


def test_few_faults_are_not_flagged(app):
    make_ticket(app, status="triaged")
    with app.test_request_context():
        assert defect_check() == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(DefectFlag)) == 0
