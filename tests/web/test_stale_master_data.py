"""Stale edits on every master-data edit page (contacts, sites, service points, departments, engineers,
checklists, knowledge articles, price lists, contracts): a save after someone else's is refused with 409, lists
what changed beside what was typed, changes nothing; sending the form again applies it."""
import re
from html.parser import HTMLParser

import pytest

from portal.extensions import db
from portal.models import (
    ChecklistTemplate,
    Contact,
    CustomerAddress,
    Department,
    KnowledgeArticle,
    PriceList,
    ServiceContract,
    ServicePoint,
    User,
)
from portal.seed import prices

EN = {"Accept-Language": "en"}


class FormValues(HTMLParser):
    """What a browser would send for the page's main form: inputs, checked boxes, selected options, textareas."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self.values: list[tuple[str, str]] = []
        self._select = self._textarea = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._in_form, self.values = True, []
            self.forms.append(self.values)
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value") or "y"))
            else:
                self.values.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False

    def handle_data(self, data):
        if self._textarea and self.values and self.values[-1][0] == self._textarea:
            name, text = self.values.pop()
            self.values.append((name, text + data))


def form_of(html: str) -> dict:
    parser = FormValues()
    parser.feed(html)
    data: dict = {}
    for name, value in next(f for f in parser.forms if any(n == "seen" for n, _v in f)):
        if name in data:
            data[name] = data[name] if isinstance(data[name], list) else [data[name]]
            data[name].append(value)
        else:
            data[name] = value.lstrip("\n") if name not in ("seen", "csrf_token") else value
    return data


def _first(cls, *where):
    return db.session.scalar(db.select(cls.id).where(*where).order_by(cls.id).limit(1))


def _contact():
    contact = db.session.get(Contact, _first(Contact, Contact.active.is_(True)))
    return f"/desk/customers/{contact.customer_id}/contacts/{contact.id}/edit", contact


def _site():
    site = db.session.get(CustomerAddress, _first(CustomerAddress))
    return f"/desk/customers/{site.customer_id}/sites/{site.id}/edit", site


def _point():
    point = db.session.get(ServicePoint, _first(ServicePoint))
    return f"/desk/admin/service-points/{point.id}/edit", point


def _department():
    department = db.session.get(Department, _first(Department))
    return f"/desk/admin/departments/{department.id}/edit", department


def _engineer():
    engineer = db.session.get(User, _first(User, User.email == "engineer@example.com"))
    return f"/desk/admin/engineers/{engineer.id}/edit", engineer


def _article():
    article = db.session.get(KnowledgeArticle, _first(KnowledgeArticle))
    return f"/desk/admin/knowledge/{article.id}/edit", article


def _checklist():
    template = db.session.get(ChecklistTemplate, _first(ChecklistTemplate))
    return f"/desk/admin/checklists/{template.id}/edit", template


def _price_list():
    record = db.session.get(PriceList, _first(PriceList))
    return f"/desk/admin/price-lists/{record.id}/edit", record


def _contract():
    if prices.ensure_demo_contract():  # not part of the test's seed
        db.session.commit()
    record = db.session.get(ServiceContract, _first(ServiceContract))
    return f"/desk/admin/contracts/{record.id}/edit", record


# (who edits, the record, the field a colleague changes meanwhile and to what, the field typed and its text)
CASES = {
    "contact": ("agent", _contact, "name", "同事改的名字", "email", "typed@example.com"),
    "site": ("agent", _site, "label", "同事改的地点", "address", "我输入的地址 9 号"),
    "service point": ("supervisor", _point, "opening_hours", "同事改的营业时间", "address", "我输入的地址 9 号"),
    "department": ("supervisor", _department, "name", "同事改的部门", "code", "typedcode"),
    "engineer": ("supervisor", _engineer, "region", "同事改的区域", "work_start", "07:45"),
    "knowledge article": ("supervisor", _article, "title", "同事改的标题", "keywords", "我输入的关键词"),
    "checklist": ("supervisor", _checklist, "name", "同事改的清单", "items-0-label_zh", "我输入的检查项"),
    "price list": ("admin", _price_list, "name", "同事改的价格表", "callout_per_km_fen", "3.50"),
    "contract": ("admin", _contract, "note", "同事改的备注", "response_hours", "7"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_stale_edit_is_refused_lists_the_change_and_keeps_what_was_typed(app, login_as, case):
    who, find, theirs, their_value, mine, my_value = CASES[case]
    with app.app_context():
        url, _record = find()
    web = login_as(who)
    page = web.get(url)
    assert page.status_code == 200
    typed = form_of(page.get_data(as_text=True))
    assert re.fullmatch(r"[0-9a-f]{32}", typed.get("seen", "")), "the form carries the record's fingerprint"
    typed[mine] = my_value
    with app.app_context():  # meanwhile a colleague saves the record
        _url, record = find()
        setattr(record, theirs, their_value)
        db.session.commit()
    typed.pop("csrf_token", None)
    response = web.post_form(url, typed, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 409, html[:2000]
    assert "Changed since you opened this page" in html and their_value in html and my_value in html
    with app.app_context():
        _url, record = find()
        assert getattr(record, theirs) == their_value  # nothing of the refused save was applied
    again = form_of(html)
    again.pop("csrf_token", None)
    assert again["seen"] != typed["seen"]
    assert web.post_form(url, again).status_code == 302  # seen what changed, the same form goes through
