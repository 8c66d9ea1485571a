"""The desk works a ticket to the end (issue 13): internal notes with photos, resolving without a visit,
transfer, links and merging a duplicate, each through the workflow table and on the timeline."""
import io

import pytest

from portal.extensions import db
from portal.models import Attachment, Department, InboxItem, Ticket, TicketEvent, TicketLink
from tests.conftest import jpeg_bytes
from tests.web.factories import make_other_customer_login, make_ticket

EN = {"Accept-Language": "en"}


def _ticket(app, ticket_id) -> Ticket:
    return db.session.get(Ticket, ticket_id)


def _events(ticket_id, kind):
    return db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                           TicketEvent.kind == kind)).all()


def test_the_panel_is_deferred_and_offers_what_the_status_allows(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    agent = login_as("agent")
    html = agent.get(f"/desk/tickets/{ticket_id}/part/desk", headers={**EN, "HX-Request": "true"}).get_data(True)
    assert html.lstrip().startswith('<div id="part-desk">')
    for section in ("desk-note", "desk-resolve", "desk-transfer", "desk-link", "desk-merge"):
        assert f'id="{section}"' in html
    closed = make_ticket(app, status="closed")
    html = agent.get(f"/desk/tickets/{closed}/part/desk", headers=EN).get_data(True)
    assert 'id="desk-note"' in html and 'id="desk-link"' in html
    assert 'id="desk-resolve"' not in html and 'id="desk-merge"' not in html and 'id="desk-transfer"' not in html
    assert login_as("backoffice").get(f"/desk/tickets/{ticket_id}/part/desk").status_code == 404


def test_an_internal_note_with_a_photo_at_any_time(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{ticket_id}/notes", {
        "body": "客户来电补充:设备曾被雷击", "photos": (io.BytesIO(jpeg_bytes()), "label.jpg")}, headers=EN)
    assert response.status_code == 302
    with app.app_context():
        (note,) = _events(ticket_id, "note")
        assert note.body == "客户来电补充:设备曾被雷击" and not note.customer_visible
        photo = db.session.get(Attachment, note.data["attachments"][0])
        assert photo.purpose == "note" and photo.ticket_id == ticket_id and photo.content_type == "image/jpeg"
    # The customer never sees it.
    page = login_as("customer").get(f"/my/tickets/{ticket_id}").get_data(True)
    assert "雷击" not in page


def test_a_note_that_is_not_a_photo_is_refused_and_kept_as_typed(app, login_as):
    ticket_id = make_ticket(app, status="triaged")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/notes", {
        "body": "附上铭牌照片", "photos": (io.BytesIO(b"%PDF-1.4 not an image"), "label.jpg")}, htmx=True, headers=EN)
    html = response.get_data(True)
    assert response.status_code == 422 and "附上铭牌照片" in html and 'id="desk-note" open' in html
    with app.app_context():
        assert _events(ticket_id, "note") == []


def test_an_empty_note_is_refused_next_to_the_field(app, login_as):
    ticket_id = make_ticket(app, status="new")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/notes", {"body": " "}, htmx=True, headers=EN)
    assert response.status_code == 422 and "body-error" in response.get_data(True)


def test_resolve_a_consultation_without_a_visit_tells_the_customer(app, login_as):
    ticket_id = make_ticket(app, status="triaged")
    with app.app_context():
        version = _ticket(app, ticket_id).version
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/resolve-without-visit", {
        "summary": "电话指导客户恢复出厂设置,设备已正常开机", "version": version}, headers=EN)
    assert response.status_code == 302
    with app.app_context():
        ticket = _ticket(app, ticket_id)
        assert ticket.status == "resolved" and ticket.resolved_at is not None
        (event,) = _events(ticket_id, "resolved_remotely")
        assert event.customer_visible
        assert db.session.scalar(db.select(InboxItem).where(InboxItem.ticket_id == ticket_id,
                                                            InboxItem.kind == "resolved_remotely")) is not None
    assert "恢复出厂设置" in login_as("customer").get(f"/my/tickets/{ticket_id}").get_data(True)


@pytest.mark.parametrize("status", ["in_progress", "resolved", "closed"])
def test_resolve_without_a_visit_is_refused_once_someone_works_on_site_or_it_is_done(app, login_as, status):
    ticket_id = make_ticket(app, status=status)
    with app.app_context():
        version = _ticket(app, ticket_id).version
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/resolve-without-visit", {
        "summary": "电话指导客户恢复出厂设置", "version": version}, htmx=True, headers=EN)
    assert response.status_code == 409
    with app.app_context():
        assert _ticket(app, ticket_id).status == status


def test_resolve_on_an_older_page_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="triaged")
    response = login_as("agent").post_form(f"/desk/tickets/{ticket_id}/resolve-without-visit", {
        "summary": "电话指导客户恢复出厂设置", "version": 1}, htmx=True, headers=EN)
    assert response.status_code == 409 and "电话指导客户恢复出厂设置" in response.get_data(True)


def test_transfer_to_another_department_keeps_the_reason(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    with app.app_context():
        ticket = _ticket(app, ticket_id)
        target = db.session.scalar(db.select(Department).where(Department.id != ticket.department_id)
                                   .order_by(Department.id))
        version, target_id = ticket.version, target.id
    agent = login_as("agent")
    missing = agent.post_form(f"/desk/tickets/{ticket_id}/transfer", {"department_id": target_id, "reason": "",
                                                                      "version": version}, htmx=True, headers=EN)
    assert missing.status_code == 422
    response = agent.post_form(f"/desk/tickets/{ticket_id}/transfer", {
        "department_id": target_id, "reason": "属于大客户合同范围", "version": version}, headers=EN)
    assert response.status_code == 302
    with app.app_context():
        assert _ticket(app, ticket_id).department_id == target_id
        (event,) = _events(ticket_id, "transferred")
        assert event.body == "属于大客户合同范围" and event.data["to"] == target_id and not event.customer_visible
    again = agent.post_form(f"/desk/tickets/{ticket_id}/transfer", {
        "department_id": target_id, "reason": "再转一次", "version": version + 1}, htmx=True, headers=EN)
    assert again.status_code == 422


def test_link_related_tickets_shows_on_both(app, login_as):
    first, second = make_ticket(app, status="closed"), make_ticket(app, status="new")
    with app.app_context():
        number = _ticket(app, first).number
    agent = login_as("agent")
    assert agent.post_form(f"/desk/tickets/{second}/links", {"number": number.lower()}).status_code == 302
    again = agent.post_form(f"/desk/tickets/{second}/links", {"number": number}, htmx=True, headers=EN)
    assert again.status_code == 422 and "already linked" in again.get_data(True)
    assert agent.post_form(f"/desk/tickets/{second}/links", {"number": "SR000"}, htmx=True).status_code == 422
    for ticket_id in (first, second):
        html = agent.get(f"/desk/tickets/{ticket_id}/part/desk", headers=EN).get_data(True)
        assert 'data-link="related"' in html
    with app.app_context():
        assert len(_events(first, "linked")) == len(_events(second, "linked")) == 1


def test_merge_a_duplicate_into_its_original(app, login_as):
    original, duplicate = make_ticket(app, status="assigned"), make_ticket(app, status="new")
    with app.app_context():
        number, version = _ticket(app, original).number, _ticket(app, duplicate).version
        photos_before = db.session.scalar(db.select(db.func.count()).select_from(Attachment)
                                          .where(Attachment.ticket_id == original))
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{duplicate}/merge", {"number": number, "version": version}, headers=EN)
    assert response.status_code == 302
    with app.app_context():
        dup = _ticket(app, duplicate)
        assert dup.status == "cancelled" and number in dup.cancel_reason
        assert _events(duplicate, "created"), "the duplicate keeps its events"
        (told,) = _events(duplicate, "merged")
        assert told.customer_visible and told.data["number"] == number
        (received,) = _events(original, "merge_received")
        assert received.data["photos"] == 1 and received.data["contact_name"] == "张经理"
        photos_after = db.session.scalar(db.select(db.func.count()).select_from(Attachment)
                                         .where(Attachment.ticket_id == original))
        assert photos_after == photos_before + 1
        link = db.session.scalar(db.select(TicketLink).where(TicketLink.ticket_id == duplicate))
        assert link.kind == "duplicate_of" and link.other_id == original
        assert db.session.scalar(db.select(InboxItem).where(InboxItem.ticket_id == duplicate,
                                                            InboxItem.kind == "ticket_merged")) is not None
    html = agent.get(f"/desk/tickets/{original}/part/desk", headers=EN).get_data(True)
    assert 'data-link="duplicate"' in html
    # Once merged, it cannot be merged again.
    assert agent.post_form(f"/desk/tickets/{duplicate}/merge", {"number": number, "version": version + 1},
                           htmx=True).status_code == 409


def test_merge_refuses_a_closed_original_or_itself(app, login_as):
    closed, duplicate = make_ticket(app, status="closed"), make_ticket(app, status="new")
    with app.app_context():
        closed_number, own, version = _ticket(app, closed).number, _ticket(app, duplicate).number, \
            _ticket(app, duplicate).version
    agent = login_as("agent")
    for number in (closed_number, own):
        response = agent.post_form(f"/desk/tickets/{duplicate}/merge", {"number": number, "version": version},
                                   htmx=True, headers=EN)
        assert response.status_code == 422
    with app.app_context():
        assert _ticket(app, duplicate).status == "new"


@pytest.mark.parametrize("path", ["notes", "resolve-without-visit", "transfer", "links", "merge", "visits"])
@pytest.mark.parametrize("role", ["engineer", "backoffice", "customer"])
def test_only_the_desk_works_a_ticket(app, login_as, path, role):
    ticket_id = make_ticket(app, status="triaged")
    response = login_as(role).post_form(f"/desk/tickets/{ticket_id}/{path}", {"body": "x", "summary": "xxxxx"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"] or "/my" in response.headers["Location"]
    with app.app_context():
        assert _ticket(app, ticket_id).status == "triaged" and _events(ticket_id, "note") == []


def _resolve_without_visit(app, login_as, status="triaged") -> int:
    ticket_id = make_ticket(app, status=status)
    with app.app_context():
        version = _ticket(app, ticket_id).version
    login_as("agent").post_form(f"/desk/tickets/{ticket_id}/resolve-without-visit", {
        "summary": "电话指导客户恢复出厂设置,设备已正常开机", "version": version})
    return ticket_id


def test_the_customer_confirms_a_resolution_without_a_visit(app, login_as):
    ticket_id = _resolve_without_visit(app, login_as)
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(True)
    assert 'id="confirm-resolution"' in page and 'id="sign-remotely"' not in page
    assert customer.post_form(f"/my/tickets/{ticket_id}/confirm-resolution").status_code == 302
    with app.app_context():
        ticket = _ticket(app, ticket_id)
        assert ticket.status == "closed" and ticket.closed_at is not None
        assert _events(ticket_id, "resolution_confirmed")[0].customer_visible
    # Closed: the customer may rate it now.
    assert 'id="survey"' in customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(True)


def test_the_customer_says_it_is_not_solved_and_it_reopens(app, login_as):
    ticket_id = _resolve_without_visit(app, login_as)
    customer = login_as("customer")
    empty = customer.post_form(f"/my/tickets/{ticket_id}/not-resolved", {"reason": ""}, headers=EN)
    assert empty.status_code == 422
    response = customer.post_form(f"/my/tickets/{ticket_id}/not-resolved", {"reason": "恢复出厂后还是黑屏"})
    assert response.status_code == 302
    with app.app_context():
        ticket = _ticket(app, ticket_id)
        assert ticket.status == "reopened" and ticket.reopen_count == 1 and ticket.resolved_at is None
    # Reopened, the desk may resolve it again or send an engineer.
    html = login_as("agent").get(f"/desk/tickets/{ticket_id}/part/desk", headers=EN).get_data(True)
    assert 'id="desk-resolve"' in html


def test_after_a_visit_the_customer_signs_instead_of_clicking(app, login_as):
    ticket_id = make_ticket(app, status="resolved")
    customer = login_as("customer")
    assert 'id="confirm-resolution"' not in customer.get(f"/my/tickets/{ticket_id}").get_data(True)
    assert customer.post_form(f"/my/tickets/{ticket_id}/confirm-resolution").status_code == 409
    with app.app_context():
        assert _ticket(app, ticket_id).status == "resolved"


def test_another_customer_cannot_confirm(app, login_as, client):
    ticket_id = _resolve_without_visit(app, login_as)
    client.login(*make_other_customer_login(app))
    other = client
    assert other.post_form(f"/my/tickets/{ticket_id}/confirm-resolution").status_code in (403, 404)
    with app.app_context():
        assert _ticket(app, ticket_id).status == "resolved"


def _tomorrow():
    from datetime import date, timedelta
    return (date.today() + timedelta(days=1)).isoformat()


def test_an_on_site_job_gets_a_follow_up_visit(app, login_as):
    from portal.models import Visit
    ticket_id = make_ticket(app, status="in_progress")
    with app.app_context():
        version = _ticket(app, ticket_id).version
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{ticket_id}/visits", {"day": _tomorrow(), "slot": "14:00",
                                                                     "version": version}, headers=EN)
    assert response.status_code == 302
    with app.app_context():
        visits = db.session.scalars(db.select(Visit).where(Visit.ticket_id == ticket_id).order_by(Visit.id)).all()
        assert len(visits) == 2 and visits[0].departed_at is not None and visits[1].arrived_at is None
        (event,) = _events(ticket_id, "visit_scheduled")
        assert event.customer_visible and event.data["follow_up"] is True
        assert db.session.scalar(db.select(InboxItem).where(InboxItem.ticket_id == ticket_id,
                                                            InboxItem.kind == "visit_booked")) is not None
    # The engineer arrives for the second visit.
    from portal.models import User
    from portal.services import fieldwork
    with app.test_request_context():
        ticket = _ticket(app, ticket_id)
        engineer = db.session.get(User, ticket.assignee_id)
        fieldwork.record_arrival(ticket, engineer)
        db.session.commit()
        assert _ticket(app, ticket_id).visit_count == 2


def test_a_follow_up_visit_is_refused_in_the_past_a_taken_slot_or_a_closed_ticket(app, login_as):
    ticket_id, closed = make_ticket(app, status="in_progress"), make_ticket(app, status="closed")
    with app.app_context():
        version = _ticket(app, ticket_id).version
    agent = login_as("agent")
    from datetime import date, timedelta
    past = agent.post_form(f"/desk/tickets/{ticket_id}/visits", {
        "day": (date.today() - timedelta(days=1)).isoformat(), "slot": "09:00", "version": version}, htmx=True)
    assert past.status_code == 422
    assert agent.post_form(f"/desk/tickets/{ticket_id}/visits", {"day": _tomorrow(), "slot": "16:00",
                                                                 "version": version}).status_code == 302
    other = make_ticket(app, status="in_progress")
    with app.app_context():
        other_version = _ticket(app, other).version
    taken = agent.post_form(f"/desk/tickets/{other}/visits", {"day": _tomorrow(), "slot": "16:00",
                                                              "version": other_version}, htmx=True, headers=EN)
    assert taken.status_code == 409 and "already has a visit" in taken.get_data(True)
    with app.app_context():
        closed_version = _ticket(app, closed).version
    assert agent.post_form(f"/desk/tickets/{closed}/visits", {"day": _tomorrow(), "slot": "09:00",
                                                              "version": closed_version}, htmx=True).status_code == 409
