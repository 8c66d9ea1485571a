"""The satisfaction call-back within 24 h of the fix (seeds 001/004): survey invitation with the portal link,
one reminder, a call-back task on the desk for a customer who did not answer; the agent records 满意 / 基本满意 /
不满意; a customer's own answer stops it all."""
import pytest

from portal.domain.callback import CALLBACK_AFTER, REMIND_AFTER
from portal.domain.time import as_utc
from portal.extensions import db
from portal.models import FollowUpTask, InboxItem, Notification, Survey, Ticket, TicketEvent, User
from portal.tasks import callbacks
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def closed_at(app, ticket_id):
    with app.app_context():
        return as_utc(db.session.get(Ticket, ticket_id).closed_at)


def run(app, at):
    with app.app_context():
        return callbacks.run(at)


def kinds(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return [i.kind for i in db.session.scalars(db.select(InboxItem).where(InboxItem.user_id == user.id))]


def test_invitation_reminder_and_call_back_each_once(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    at = closed_at(app, ticket_id)
    assert run(app, at) == {"invite": 1, "remind": 0, "callback": 0}
    assert run(app, at) == {"invite": 0, "remind": 0, "callback": 0}
    with app.app_context():
        [notice] = db.session.scalars(db.select(Notification).where(Notification.kind == "survey_invitation")).all()
        assert f"/my/tickets/{ticket_id}#survey" in notice.body and notice.status == "logged"
        assert notice.data["link"].endswith(f"/my/tickets/{ticket_id}#survey")
    assert "survey_invitation" in kinds(app, "customer@example.com")
    assert run(app, at + REMIND_AFTER) == {"invite": 0, "remind": 1, "callback": 0}
    assert run(app, at + REMIND_AFTER) == {"invite": 0, "remind": 0, "callback": 0}
    assert run(app, at + CALLBACK_AFTER) == {"invite": 0, "remind": 0, "callback": 1}
    assert run(app, at + CALLBACK_AFTER) == {"invite": 0, "remind": 0, "callback": 0}
    assert "callback_due" in kinds(app, "supervisor@example.com")
    with app.app_context():
        [task] = db.session.scalars(db.select(FollowUpTask).where(FollowUpTask.kind == "callback")).all()
        task_id = task.id
    supervisor = login_as("supervisor")
    page = supervisor.get("/desk/tasks", headers=EN).get_data(as_text=True)
    assert f'action="/desk/tasks/{task_id}/callback"' in page and "Basically satisfied" in page
    # No answer chosen: a clear message next to the field, the comment kept.
    refused = supervisor.post_form(f"/desk/tasks/{task_id}/callback", {"note": "客户说还行"}, headers=EN)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose how satisfied the customer is." in html and "客户说还行" in html
    done = supervisor.post_form(f"/desk/tasks/{task_id}/callback",
                                {"satisfaction": "basically_satisfied", "note": "响应可以更快"})
    assert done.status_code == 302
    with app.app_context():
        survey = db.session.scalar(db.select(Survey).where(Survey.ticket_id == ticket_id))
        assert (survey.satisfaction, survey.comment, survey.submitted_at) == ("basically_satisfied", "响应可以更快",
                                                                               None)
        assert db.session.get(FollowUpTask, task_id).status == "done"
        assert db.session.scalar(db.select(db.func.count()).select_from(FollowUpTask).where(
            FollowUpTask.kind == "low_rating")) == 0
    assert supervisor.post_form(f"/desk/tasks/{task_id}/callback",
                                {"satisfaction": "satisfied"}).status_code == 409
    dialogue = supervisor.get(f"/desk/tickets/{ticket_id}/part/dialogue", headers={**EN, "HX-Request": "true"})
    assert dialogue.status_code == 200 and "Basically satisfied" in dialogue.get_data(as_text=True)


def test_an_unsatisfied_answer_raises_a_follow_up_for_the_supervisor(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    at = closed_at(app, ticket_id)
    run(app, at)
    run(app, at + CALLBACK_AFTER)
    with app.app_context():
        task_id = db.session.scalar(db.select(FollowUpTask.id).where(FollowUpTask.kind == "callback"))
    assert login_as("supervisor").post_form(f"/desk/tasks/{task_id}/callback", {
        "satisfaction": "unsatisfied", "note": "问题又出现了"}).status_code == 302
    with app.app_context():
        low = db.session.scalar(db.select(FollowUpTask).where(FollowUpTask.kind == "low_rating"))
        assert low is not None and low.data == {"satisfaction": "unsatisfied"} and low.note == "问题又出现了"
        assert db.session.scalar(db.select(TicketEvent.data).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "callback_done")) == {
                "satisfaction": "unsatisfied"}


def test_a_customer_who_answers_gets_no_reminder_and_no_call(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    at = closed_at(app, ticket_id)
    run(app, at)
    customer = login_as("customer")
    page = customer.get(f"/my/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    assert 'id="satisfaction"' in page and "Basically satisfied" in page
    answer = customer.post_form(f"/my/tickets/{ticket_id}/survey", {
        "speed": "5", "engineer": "5", "result": "4", "satisfaction": "satisfied"})
    assert answer.status_code in (200, 302)
    assert run(app, at + CALLBACK_AFTER) == {"invite": 0, "remind": 0, "callback": 0}
    with app.app_context():
        survey = db.session.scalar(db.select(Survey).where(Survey.ticket_id == ticket_id))
        assert survey.satisfaction == "satisfied" and survey.invited_at is not None and survey.submitted_at


@pytest.mark.parametrize("role", ["agent", "engineer", "customer"])
def test_the_call_back_is_recorded_by_supervisors_only(app, login_as, role):
    ticket_id = make_ticket(app, status="closed")
    at = closed_at(app, ticket_id)
    run(app, at)
    run(app, at + CALLBACK_AFTER)
    with app.app_context():
        task_id = db.session.scalar(db.select(FollowUpTask.id).where(FollowUpTask.kind == "callback"))
    assert login_as(role).post_form(f"/desk/tasks/{task_id}/callback", {"satisfaction": "satisfied"}
                                    ).status_code == 403


def test_an_other_task_is_not_a_call_back(app, login_as):
    make_ticket(app, status="closed")
    with app.app_context():
        ticket_id = db.session.scalar(db.select(Ticket.id))
        task = FollowUpTask(ticket_id=ticket_id, kind="escalation", note="x")
        db.session.add(task)
        db.session.commit()
        task_id = task.id
    assert login_as("supervisor").post_form(f"/desk/tasks/{task_id}/callback",
                                            {"satisfaction": "satisfied"}).status_code == 404
