"""Provider templates for text messages and WeChat: per kind of message the approved template id and the mapping of
its variables to the portal's placeholders, set by an admin (unknown placeholders refused at saving, the change in
the security log) and used by the HTTP and log providers when the message is sent."""
import pytest

from portal.domain import provider_templates as rules
from portal.extensions import db
from portal.models import OutboxMessage, ProviderTemplate, SecurityEvent, Ticket
from tests.web.factories import make_ticket
from tests.web.test_channels import outcome, provider, queue  # noqa: F401 - the fake provider's fixture

EN = {"Accept-Language": "en"}
URL = "/desk/admin/provider-templates"


def test_the_admin_maps_a_template_and_the_change_is_logged(app, login_as):
    admin = login_as("admin")
    listing = admin.get(URL, headers=EN).get_data(as_text=True)
    assert f'href="{URL}/sms/engineer_assigned"' in listing and f'href="{URL}/wechat/visit_booked"' in listing
    assert "not set" in listing
    page = admin.get(f"{URL}/sms/engineer_assigned", headers=EN).get_data(as_text=True)
    assert "{engineer}" in page and "{number}" in page
    answer = admin.post_form(f"{URL}/sms/engineer_assigned", {
        "template_id": "SMS_2024_007", "variables": "name={engineer}\r\ncode = number\r\n"}, headers=EN)
    assert answer.status_code == 302
    with app.app_context():
        row = db.session.scalar(db.select(ProviderTemplate))
        assert (row.channel, row.kind, row.template_id, row.variables) == (
            "sms", "engineer_assigned", "SMS_2024_007", {"name": "engineer", "code": "number"})
        event = db.session.scalar(db.select(SecurityEvent).where(SecurityEvent.kind == "provider_template_changed"))
        assert event.detail["after"] == {"template": "SMS_2024_007", "variables": "name={engineer}\ncode={number}"}
        assert event.detail["before"] is None and event.detail["kind"] == "engineer_assigned"
    listing = admin.get(URL, headers=EN).get_data(as_text=True)
    assert "SMS_2024_007" in listing and "name={engineer}" in listing
    # An empty template id removes it (the setting applies again); logged too.
    assert admin.post_form(f"{URL}/sms/engineer_assigned", {"template_id": "", "variables": ""}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ProviderTemplate)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(SecurityEvent).where(
            SecurityEvent.kind == "provider_template_changed")) == 2


@pytest.mark.parametrize(("template_id", "variables", "field_text"), [
    ("SMS_1", "name={customer_phone}", "Not understood: name={customer_phone}"),  # not a placeholder of the kind
    ("SMS_1", "name={link}", "Not understood: name={link}"),  # a placeholder of another kind
    ("SMS_1", "name={number}\nname={engineer}", "Not understood: name={engineer}"),  # twice the same variable
    ("SMS_1", "{number}", "Not understood: {number}"),  # no variable name
    ("SMS_1", "name={number.__class__}", "Not understood"),
    ("SMS 1 <b>", "name={number}", "Letters, digits"),
])
def test_unknown_placeholders_and_bad_ids_are_refused_next_to_the_field(app, login_as, template_id, variables,
                                                                        field_text):
    refused = login_as("admin").post_form(f"{URL}/sms/engineer_assigned",
                                          {"template_id": template_id, "variables": variables}, headers=EN)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert field_text in html
    assert template_id.replace("<", "&lt;").replace(">", "&gt;") in html  # nothing typed is lost
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ProviderTemplate)) == 0


def test_unknown_channel_or_kind_is_404_and_the_page_is_for_admins(login_as):
    admin = login_as("admin")
    assert admin.get(f"{URL}/email/engineer_assigned").status_code == 404
    assert admin.get(f"{URL}/sms/new_assignment").status_code == 404  # a staff message: never an SMS
    assert admin.post_form(f"{URL}/fax/engineer_assigned", {"template_id": "X"}).status_code == 404
    for role in ("supervisor", "agent", "customer"):
        assert login_as(role).get(URL).status_code == 403


def save(app, channel, kind, template_id, mapping):
    from portal.models import User
    from portal.services import provider_templates
    with app.test_request_context():
        admin = db.session.scalar(db.select(User).where(User.email == "admin@example.com"))
        provider_templates.save(channel, kind, template_id, mapping, admin)
        db.session.commit()


def test_the_http_provider_is_sent_the_admins_template_and_mapped_variables(app, provider):  # noqa: F811
    save(app, "sms", "ticket_registered", "SMS_DB_9", "thing1={number}\ncharacter_string2={number}")
    notice_id = queue(app)
    assert outcome(app, notice_id) == ("sent", "done", 1)
    [call] = provider.received
    assert call["body"]["template_id"] == "SMS_DB_9"  # before the setting's SMS_100
    assert call["body"]["variables"] == {"thing1": "SR-TEST", "character_string2": "SR-TEST"}


def test_a_kind_the_setting_lacks_is_sent_with_the_admins_template(app, provider):  # noqa: F811
    save(app, "sms", "engineer_assigned", "SMS_ENG", "name={engineer}")
    assert outcome(app, queue(app, kind="engineer_assigned"))[0] == "sent"
    assert provider.received[0]["body"]["template_id"] == "SMS_ENG"


def test_the_log_provider_shows_the_mapped_template_on_the_outbox(app, login_as):
    app.config.update(SMS_PROVIDER="log", SMS_TEMPLATES="")
    save(app, "sms", "engineer_assigned", "SMS_ASSIGN_3", "eng={engineer}\nno={number}")
    ticket_id = make_ticket(app, status="assigned")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
        logged = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "engineer_assigned"))
        assert logged.template_id == "SMS_ASSIGN_3"
        assert logged.variables == {"eng": logged.variables["eng"], "no": number} and logged.variables["eng"]
    page = login_as("admin").get("/desk/admin/outbox", headers=EN).get_data(as_text=True)
    assert "SMS_ASSIGN_3" in page


def test_the_mapping_rules():
    assert rules.parse_mapping("visit_booked", "time={at}\n\n who = {engineer} ") == (
        {"time": "at", "who": "engineer"}, [])
    assert rules.parse_mapping("visit_booked", "x={eta}")[1] == ["x={eta}"]
    assert rules.apply({"time": "at", "no": "number"}, {"at": "2026-12-01 14:00"}) == {
        "time": "2026-12-01 14:00", "no": ""}
    assert rules.mapping_text({"a": "number"}) == "a={number}"
