"""On the customer's phone: answer the desk's question, approve a quote, then rate the closed ticket."""
from decimal import Decimal

from portal.extensions import db
from portal.models import Quote, Survey
from tests.browser.conftest import sign_in
from tests.web.factories import make_ticket


def test_customer_answers_approves_a_quote_and_rates_on_a_phone(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="in_progress")
    desk = login_as("agent")
    desk.post_form(f"/desk/tickets/{ticket_id}/ask-customer", {"question": "请问设备放在几楼?"})
    desk.post_form(f"/desk/tickets/{ticket_id}/quotes", {
        "item-0-description": "主控板", "item-0-quantity": "1", "item-0-unit_price": "850",
        "item-1-description": "人工费", "item-1-quantity": "1.5", "item-1-unit_price": "120", "note": "保修期外"})

    page = sign_in(phone(), "customer@example.com", "customer-demo")
    page.goto(f"/my/tickets/{ticket_id}")
    page.locator("#questions textarea[name=answer]").fill("三楼机房")
    page.locator("#questions button[type=submit]").click()
    page.wait_for_selector("#questions .answer")
    assert page.locator(".quote-amount").inner_text().startswith("1030.00")
    page.locator("#quote [name=name]").fill("张伟")
    page.screenshot(path=artifacts / "act-quote.png", full_page=True)
    page.locator("#quote button[value=approve]").click()
    page.wait_for_selector(".quote-decided")
    with app.app_context():
        quote = db.session.scalar(db.select(Quote).where(Quote.ticket_id == ticket_id))
        assert quote.status == "approved" and quote.amount == Decimal("1030.00") and quote.client_decided_at

    closed_id = make_ticket(app, status="closed")
    page.goto(f"/my/tickets/{closed_id}")
    for name, score in (("speed", "4"), ("engineer", "5"), ("result", "2")):
        page.locator(f"#survey input[name={name}][value='{score}']").check()
    page.locator("#survey textarea[name=comment]").fill("第一次没修好")
    page.screenshot(path=artifacts / "act-survey.png", full_page=True)
    page.locator("#survey button[type=submit]").click()
    page.wait_for_selector("#survey p")
    page.screenshot(path=artifacts / "act-survey-done.png", full_page=True)
    with app.app_context():
        survey = db.session.scalar(db.select(Survey).where(Survey.ticket_id == closed_id))
        assert (survey.speed, survey.engineer, survey.result) == (4, 5, 2)

    supervisor = sign_in(phone(), "supervisor@example.com", "supervisor-demo")
    supervisor.goto("/desk/tasks")
    assert supervisor.locator("article.task-low_rating").count() == 1
    supervisor.screenshot(path=artifacts / "act-tasks.png", full_page=True)
    supervisor.goto(f"/desk/tickets/{ticket_id}")
    supervisor.locator("#customer-dialogue").screenshot(path=artifacts / "act-desk-dialogue.png")
