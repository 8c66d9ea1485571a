"""The catalogues are found once per language and context (portal.extensions.CatalogueDomain, the WTForms
catalogue kept per process): each request still gets its own language, and force_locale still switches."""
from flask_babel import force_locale, gettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired


class NameForm(FlaskForm):
    name = StringField(validators=[DataRequired()])


def required_message(app, language: str) -> str:
    with app.test_request_context(headers={"Accept-Language": language}):
        form = NameForm(formdata=MultiDict(), meta={"csrf": False})
        assert not form.validate()
        return form.name.errors[0]


def test_wtforms_messages_follow_each_requests_language(app):
    chinese, english = required_message(app, "zh-CN"), required_message(app, "en")
    assert english == "This field is required."
    assert chinese != english and "必" in chinese
    assert required_message(app, "zh-CN") == chinese  # from the kept catalogue, the same


def test_force_locale_switches_the_catalogue_and_back(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        chinese = gettext("Sign in")
        with force_locale("en"):
            assert gettext("Sign in") == "Sign in"
        assert gettext("Sign in") == chinese != "Sign in"


def test_templates_translate_in_the_requests_language(app):
    template = app.jinja_env.from_string('{{ _("Sign in") }}')
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert template.render() == "Sign in"
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        chinese = template.render()
        assert chinese != "Sign in"
        with force_locale("en"):
            assert template.render() == "Sign in"


def test_template_texts_kept_once_translated_follow_the_language(app):
    from flask import render_template_string
    page = '{{ _("Sign in") }}|{{ _("Repair history of this unit (%(n)s)", n="<2>") }}|{{ _("Sign in") }}'
    seen = {}
    for language in ("zh-CN", "en", "zh-CN"):
        with app.test_request_context(headers={"Accept-Language": language}):
            seen.setdefault(language, set()).add(render_template_string(page))
    english, = seen["en"]
    chinese, = seen["zh-CN"]  # the same both times: from what was kept, in its own language
    assert english == "Sign in|Repair history of this unit (&lt;2&gt;)|Sign in"
    assert chinese.split("|")[0] != "Sign in" and chinese.split("|")[0] == chinese.split("|")[2]
    assert "&lt;2&gt;" in chinese  # variables still escaped
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        with force_locale("en"):
            assert render_template_string('{{ _("Sign in") }}') == "Sign in"


def test_blank_forms_draw_their_labels_in_each_pages_language(app, login_as):
    # The job page's empty forms are one instance a process whose fields keep what they drew: per language.
    from tests.web.factories import make_ticket
    ticket_id = make_ticket(app, status="in_progress")
    engineer = login_as("engineer")
    english = engineer.get(f"/m/jobs/{ticket_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = engineer.get(f"/m/jobs/{ticket_id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    again = engineer.get(f"/m/jobs/{ticket_id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        findings = gettext("Findings")
    label = '<label for="findings">'
    assert f"{label}Findings" in english and f"{label}Findings" in again
    assert findings != "Findings" and f"{label}{findings}" in chinese and f"{label}Findings" not in chinese
