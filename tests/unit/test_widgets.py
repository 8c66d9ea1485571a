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
