"""The fast html_params writes exactly what WTForms' own writes."""
import pytest
from markupsafe import Markup

from portal.web.widgets import WTFORMS_HTML_PARAMS, html_params

CASES = [
    {}, {"name": "text1", "id": "f", "class_": "text"}, {"checked": True, "readonly": False, "name": "t"},
    {"data_attr": "user.name", "aria_labeledby": "name"}, {"value": 'a "quoted" <b>&amp;</b> \'x\''},
    {"value": Markup("<i>kept</i>")}, {"value": 42}, {"value": None}, {"value": "中文 黑屏"},
    {"for_": "x", "aria_describedby": "f-error", "aria_invalid": "true"}, {"min": 0, "step": 0.5},
    {"multiple": True, "accept": "image/*", "capture": "environment"},
]


@pytest.mark.parametrize("params", CASES, ids=lambda p: ",".join(p) or "none")
def test_same_output_as_wtforms(params):
    assert WTFORMS_HTML_PARAMS is not html_params
    ours = html_params(**params)
    assert ours == WTFORMS_HTML_PARAMS(**params) and isinstance(ours, Markup)


def test_an_empty_field_is_drawn_once_and_the_same():
    from flask import Flask
    from wtforms import Form, IntegerField, SelectField, StringField, TextAreaField
    from wtforms.validators import DataRequired, Length

    from portal.web import widgets
    from portal.web.fields import to_choices

    class Sample(Form):
        name = StringField("Name", validators=[DataRequired(), Length(max=80)])
        note = TextAreaField("Note")
        part = SelectField("Part", choices=to_choices([("", "—"), ("1", "Fan <big>"), ("2", "Board")]))
        count = IntegerField("Count", default=1)

    with Flask(__name__).test_request_context():
        widgets._RENDERED.clear()
        empty = Sample()
        for field in empty:
            assert widgets.render(field, placeholder="x") == field(placeholder="x")
        kept = len(widgets._RENDERED)
        assert kept == 4
        again = Sample()
        assert [widgets.render(f, placeholder="x") for f in again] == [f(placeholder="x") for f in empty]
        assert len(widgets._RENDERED) == kept  # drawn from what was kept
        # Another choice list, other attributes: drawn anew, and right.
        again.part.choices = to_choices([("", "—"), ("3", "Lamp")])
        assert "Lamp" in widgets.render(again.part) and "Fan" not in widgets.render(again.part)
        # A field with data or errors is drawn each time and not kept (what a user typed is never held).
        typed = Sample(data={"name": "王先生", "part": "2"})
        typed.note.errors = ["required"]
        for field in (typed.name, typed.part, typed.note):
            before = len(widgets._RENDERED)
            assert widgets.render(field) == field()
            assert len(widgets._RENDERED) == before
        assert 'value="王先生"' in widgets.render(typed.name)
        assert '<option selected value="2">' in widgets.render(typed.part)


def test_options_mark_the_chosen_one_and_escape():
    from portal.web.templating import options
    html = options([(1, "Wang <x>"), ("none", "Not assigned")], "1")
    assert html == '<option value="1" selected>Wang &lt;x&gt;</option><option value="none">Not assigned</option>'
    assert "selected" not in options([(1, "a")], "")
