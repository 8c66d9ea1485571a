"""Idempotency keys and conflicts: what the phone's outbox relies on when it replays submissions."""
import io
import threading
import uuid
from datetime import timedelta

import pytest

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import IdempotencyRecord, Inspection, SyncConflict, Ticket, User, Visit
from portal.services import tickets
from portal.web.idempotency import request_fingerprint
from tests.conftest import display_checklist, jpeg_bytes
from tests.web.factories import make_ticket
from tests.web.pages import whole_page

OUTBOX = {"Accept": "application/json", "X-Requested-With": "outbox"}


def send(web, url, data, key, **headers):
    return web.post_form(url, data, headers={**OUTBOX, "Idempotency-Key": key, **headers})


def count(app, model, **where):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).filter_by(**where))


def test_same_key_and_body_returns_the_stored_response(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    first = send(engineer, f"/m/jobs/{ticket_id}/arrive", {"version": 3}, key)
    again = send(engineer, f"/m/jobs/{ticket_id}/arrive", {"version": 3}, key)
    assert first.status_code == again.status_code == 200
    assert first.json["ok"] and first.json["status"] == "in_progress"
    assert again.get_data() == first.get_data() and again.headers["Idempotent-Replayed"] == "true"
    assert count(app, Visit, ticket_id=ticket_id) == 1


def test_a_replay_days_later_still_gets_the_first_answer(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    data = {"findings": "风扇异响", **display_checklist()}
    assert send(engineer, f"/m/jobs/{ticket_id}/inspection", dict(data), key).status_code == 200
    with app.app_context():
        record = db.session.scalar(db.select(IdempotencyRecord).where(IdempotencyRecord.key == key))
        from datetime import timedelta
        record.created_at -= timedelta(days=3)
        record.completed_at -= timedelta(days=3)
        db.session.commit()
    data = {"findings": "风扇异响", **display_checklist()}
    replay = send(engineer, f"/m/jobs/{ticket_id}/inspection", data, key)
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert count(app, Inspection, ticket_id=ticket_id) == 2  # the factory's one and ours, once


def test_same_key_with_another_body_is_refused(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    assert send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "配件已到"}, key).status_code == 200
    other = send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "配件未到"}, key)
    assert other.status_code == 422 and other.json["ok"] is False


def test_a_request_still_in_flight_gets_409_and_is_retried(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        with app.test_request_context(f"/m/jobs/{ticket_id}/progress", method="POST",
                                      data={"message": "处理中", "csrf_token": "x"}):
            fingerprint = request_fingerprint()
        db.session.add(IdempotencyRecord(user_id=user.id, key=key, request_hash=fingerprint,
                                         path=f"/m/jobs/{ticket_id}/progress"))
        db.session.commit()
    busy = send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "处理中"}, key)
    assert busy.status_code == 409 and busy.json["retry"] is True and busy.headers["Retry-After"] == "1"


@pytest.mark.parametrize(("minutes_ago", "status"), [(0, 409), (10, 200)])
def test_a_replay_between_the_commit_and_the_stored_answer_waits_for_the_answer(app, login_as, minutes_ago, status):
    """Applied but not answered yet: every copy must get the one stored answer, so a replay is asked to come back
    for it; only when the worker died after its commit (long ago) does it get a plain "done"."""
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        with app.test_request_context(f"/m/jobs/{ticket_id}/progress", method="POST",
                                      data={"message": "已提交", "csrf_token": "x"}):
            fingerprint = request_fingerprint()
        db.session.add(IdempotencyRecord(user_id=user.id, key=key, request_hash=fingerprint, state="applied",
                                         path=f"/m/jobs/{ticket_id}/progress",
                                         created_at=utcnow() - timedelta(minutes=minutes_ago)))
        db.session.commit()
    replay = send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "已提交"}, key)
    assert replay.status_code == status
    assert replay.json["retry"] is True if status == 409 else replay.json == {"ok": True, "replayed": True}


def test_the_same_key_sent_twice_concurrently_applies_once(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    key = str(uuid.uuid4())
    clients = [login_as("engineer"), login_as("engineer")]
    tokens = [c.token() for c in clients]
    barrier = threading.Barrier(2)
    results = []

    def go(web, token):
        barrier.wait(timeout=10)
        results.append(send(web, f"/m/jobs/{ticket_id}/arrive", {"csrf_token": token}, key).status_code)

    threads = [threading.Thread(target=go, args=pair) for pair in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) in ([200, 200], [200, 409])
    assert count(app, Visit, ticket_id=ticket_id) == 1


def test_a_server_error_is_not_stored_so_the_replay_runs(app, login_as, monkeypatch):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    from portal.services import fieldwork
    real = fieldwork.update_customer
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(fieldwork, "update_customer", flaky)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "明天上门"}, key).status_code == 500
    assert send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "明天上门"}, key).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(IdempotencyRecord)) == 1


def test_a_stale_version_that_still_fits_is_merged(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    stale = send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "旧版本提交", "version": 1}, "k" * 20)
    assert stale.status_code == 200


def test_reassigned_meanwhile_becomes_a_conflict_seen_by_the_supervisor(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        other = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        ticket.priority = "P3"
        tickets.assign(ticket, agent, engineer=db.session.scalar(
            db.select(User).where(User.email == "engineer2@example.com")), version=None,
            reason="engineer ill")
        db.session.commit()
        assert other.id != ticket.assignee_id
    engineer = login_as("engineer")
    response = send(engineer, f"/m/jobs/{ticket_id}/arrive", {"version": 3}, str(uuid.uuid4()))
    assert response.status_code == 409 and response.json["conflict"] is True
    assert count(app, SyncConflict, ticket_id=ticket_id) == 1
    assert count(app, Visit, ticket_id=ticket_id) == 0
    page = whole_page(login_as("supervisor"), f"/desk/tickets/{ticket_id}")
    assert 'id="conflicts"' in page and 'data-action="arrive"' in page


def test_cancelled_meanwhile_becomes_a_conflict(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    with app.app_context():
        db.session.get(Ticket, ticket_id).status = "cancelled"
        db.session.commit()
    engineer = login_as("engineer")
    response = send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "配件已到"}, str(uuid.uuid4()))
    assert response.status_code == 409 and response.json["conflict"] is True
    assert count(app, SyncConflict, ticket_id=ticket_id) == 1


def test_an_engineer_never_assigned_gets_403_not_a_conflict(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    response = send(login_as("engineer2"), f"/m/jobs/{ticket_id}/arrive", {}, str(uuid.uuid4()))
    assert response.status_code == 403
    assert count(app, SyncConflict) == 0


def test_replays_from_a_disabled_account_are_refused(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    engineer = login_as("engineer")
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "engineer@example.com")).active = False
        db.session.commit()
    response = send(engineer, f"/m/jobs/{ticket_id}/arrive", {}, str(uuid.uuid4()))
    # A 401 with a reason, not a redirect to the sign-in page that the outbox could take for success.
    assert response.status_code == 401 and response.json["ok"] is False
    assert response.json["login_url"].startswith("/login")
    assert count(app, Visit, ticket_id=ticket_id) == 0


def test_a_browser_without_a_session_is_still_sent_to_sign_in(client):
    response = client.get("/m/jobs")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_stale_csrf_token_is_flagged_for_the_outbox(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    response = send(login_as("engineer"), f"/m/jobs/{ticket_id}/progress",
                    {"message": "令牌已失效", "csrf_token": "not-a-token"}, str(uuid.uuid4()))
    assert response.status_code == 400 and response.json["csrf"] is True


def test_required_checklist_inputs_are_marked_required(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    page = login_as("engineer").get(f"/m/jobs/{ticket_id}").get_data(as_text=True)
    assert 'name="check_supply_voltage"' in page
    voltage = page[page.index('name="check_supply_voltage"'):]
    assert " required" in voltage[:voltage.index(">")]


def test_validation_errors_answer_json_with_fields(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    response = send(login_as("engineer"), f"/m/jobs/{ticket_id}/inspection", {"findings": ""}, "v" * 20)
    assert response.status_code == 422
    assert response.json["ok"] is False and "findings" in response.json["fields"]


def test_required_checklist_items_are_enforced(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    data = {"findings": "检查完成", **display_checklist()}
    del data["check_supply_voltage"], data["check_label_photo"]
    response = login_as("engineer").post_form(f"/m/jobs/{ticket_id}/inspection", data, htmx=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "检查完成" in page
    assert count(app, Inspection, ticket_id=ticket_id) == 1  # only the factory's


def test_checklist_answers_and_item_photos_are_stored(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    response = login_as("engineer").post_form(f"/m/jobs/{ticket_id}/inspection",
                                              {"findings": "检查完成", **display_checklist()})
    assert response.status_code == 302
    with app.app_context():
        inspection = db.session.scalars(db.select(Inspection).where(Inspection.ticket_id == ticket_id)
                                        .order_by(Inspection.id.desc())).first()
        assert inspection.checklist == {"power_on": "yes", "image": "no", "supply_voltage": "221", "label_photo": 1}
        assert [p.checklist_key for p in inspection.photos] == ["label_photo"]


def test_diagnosis_loaner_update_wait_and_resume(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    base = f"/m/jobs/{ticket_id}"
    assert engineer.post_form(f"{base}/diagnosis", {"cause_category": "hardware", "cause": "电源模块击穿",
                                                    "workaround": "外接备用电源", "estimated_minutes": "90",
                                                    "estimated_cost": "350.00"}).status_code == 302
    bad = engineer.post_form(f"{base}/diagnosis", {"cause_category": "hardware", "cause": "只有原因"}, htmx=True)
    assert bad.status_code == 422 and "只有原因" in bad.get_data(as_text=True)
    assert engineer.post_form(f"{base}/loaner", {"description": "备用显示终端", "serial": "LOAN-01"}).status_code == 302
    assert engineer.post_form(f"{base}/progress", {"message": "配件预计 3 个工作日内到货"}).status_code == 302
    assert engineer.post_form(f"{base}/wait", {"waiting_for": "parts", "reason": "等待主板"}).status_code == 302
    with app.app_context():
        assert db.session.get(Ticket, ticket_id).status == "waiting_parts"
        from portal.models import Loaner
        loaner_id = db.session.scalar(db.select(Loaner.id).where(Loaner.ticket_id == ticket_id))
    assert engineer.post_form(f"{base}/resume", {}).status_code == 302
    assert engineer.post_form(f"{base}/loaner/return", {"loaner_id": loaner_id, "note": "完好"}).status_code == 302
    again = engineer.post_form(f"{base}/loaner/return", {"loaner_id": loaner_id}, htmx=True)
    assert again.status_code == 409
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status == "in_progress"
        kinds = [e.kind for e in ticket.events]
        assert ["diagnosed", "loaner_issued", "customer_updated", "waiting_parts", "resumed",
                "loaner_returned"] == kinds[-6:]


def test_my_jobs_lists_job_pages_for_offline_use_and_finds_earlier_jobs(app, login_as):
    open_id = make_ticket(app, status="assigned")
    closed_id = make_ticket(app, status="closed", description="洗衣机不排水")
    engineer = login_as("engineer")
    page = engineer.get("/m/jobs").get_data(as_text=True)
    assert f'data-url="/m/jobs/{open_id}"' in page and f'data-url="/m/jobs/{closed_id}"' not in page
    with app.app_context():
        number = db.session.get(Ticket, closed_id).number
    found = engineer.get(f"/m/jobs?q={number[-6:]}").get_data(as_text=True)
    assert number in found


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    response.close()
    assert response.status_code == 200 and response.headers["Service-Worker-Allowed"] == "/"


def test_photo_bytes_count_in_the_fingerprint(app, login_as):
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    key = str(uuid.uuid4())
    first = {"findings": "见照片两张", **display_checklist(),
             "photos": (io.BytesIO(jpeg_bytes(color=(1, 2, 3))), "a.jpg")}
    ok = send(engineer, f"/m/jobs/{ticket_id}/inspection", first, key)
    assert ok.status_code == 200, ok.json
    other = {"findings": "见照片两张", **display_checklist(),
             "photos": (io.BytesIO(jpeg_bytes(color=(9, 9, 9))), "a.jpg")}
    assert send(engineer, f"/m/jobs/{ticket_id}/inspection", other, key).status_code == 422


def test_a_form_opened_yesterday_still_posts_the_next_morning(app, login_as, monkeypatch):
    """An engineer offline all day replays the next morning: the CSRF token and session must still hold."""
    import itsdangerous.timed
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    token = engineer.token()
    real_time = itsdangerous.timed.time.time

    class NextMorning:
        @staticmethod
        def time():
            return real_time() + 20 * 3600

    monkeypatch.setattr(itsdangerous.timed, "time", NextMorning)
    response = send(engineer, f"/m/jobs/{ticket_id}/progress", {"message": "昨晚离线提交", "csrf_token": token},
                    str(uuid.uuid4()))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_pages_are_compressed(login_as):
    response = login_as("engineer").get("/m/jobs", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"


def test_each_page_gives_every_empty_form_a_key_of_its_own_and_the_requests_csrf_token(app, login_as):
    """The job page's empty forms are one instance a process (portal.web.blank_forms): what must be new on every
    page still is. Two pages, and two forms on one page, never share an idempotency key (a plain post of each
    would otherwise be taken for a replay of the other), and each form carries a CSRF token that the post accepts."""
    import re

    from tests.conftest import CSRF_RE
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    pages = [engineer.get(f"/m/jobs/{ticket_id}").get_data(as_text=True) for _ in range(2)]
    keys = [re.findall(r'name="idempotency_key" value="([0-9a-f]+)"', page) for page in pages]
    assert len(keys[0]) >= 5 and len(set(keys[0] + keys[1])) == len(keys[0]) + len(keys[1])
    forms = re.findall(r'<form method="post".*?</form>', pages[1], re.S)
    assert forms and all(CSRF_RE.search(form) for form in forms)
    progress = next(form for form in forms if "/progress" in form)
    answer = engineer.client.post(f"/m/jobs/{ticket_id}/progress", data={
        "csrf_token": CSRF_RE.search(progress).group(1),
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', progress).group(1),
        "message": "Parts ordered, back on Monday."})
    assert answer.status_code in (200, 302, 303)
    assert "Parts ordered" in engineer.get(f"/m/jobs/{ticket_id}").get_data(as_text=True)
