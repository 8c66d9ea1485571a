"""Queue search by any fragment: number, customer, phone by its last digits, serial and description, in
Chinese or English. Two-character Chinese words (漏电, 黑屏) go through the bigram index, since a trigram
index finds nothing for them; every path is checked on SQLite and on PostgreSQL."""
import re

import pytest
import sqlalchemy as sa

from portal.domain import search
from portal.extensions import db
from portal.models import Ticket
from portal.services.queue import search_condition
from tests.web.factories import make_ticket


def found(agent, query: str) -> set[str]:
    page = agent.get("/desk/tickets", query_string={"q": query, "status": "all"}).get_data(as_text=True)
    return set(re.findall(r">(SR\d{12})</a>", page))


@pytest.fixture
def three(app):
    ids = {
        "leak": make_ticket(app, description="洗衣机底部漏电,触碰外壳有麻感", serial="WM-7788-A1",
                            contact_phone="13900001111"),
        "screen": make_ticket(app, description="显示器黑屏,指示灯闪烁", serial="LCD-2040-Z9",
                              contact_phone="13712345678", customer_kind="individual"),
        "noise": make_ticket(app, description="Fan makes a loud NOISE after warm-up", serial="FAN-0001",
                             contact_phone="021-5550-4321"),
    }
    with app.app_context():
        return {k: db.session.get(Ticket, v).number for k, v in ids.items()}


def test_two_character_chinese_words_are_found(app, login_as, three):
    agent = login_as("agent")
    assert found(agent, "漏电") == {three["leak"]}
    assert found(agent, "黑屏") == {three["screen"]}
    assert found(agent, "外壳") == {three["leak"]}
    assert found(agent, "冒烟") == set()


def test_longer_fragments_phone_serial_customer_and_number(app, login_as, three):
    agent = login_as("agent")
    assert found(agent, "触碰外壳") == {three["leak"]}
    assert found(agent, "noise") == {three["noise"]}        # case does not matter
    assert found(agent, "Warm-Up") == {three["noise"]}
    assert found(agent, "4321") == {three["noise"]}         # phone by its last digits
    assert found(agent, "1111") == {three["leak"]}
    assert found(agent, "2040-z") == {three["screen"]}      # a piece of the serial
    assert found(agent, three["screen"][-6:]) == {three["screen"]}  # a piece of the number
    assert found(agent, three["leak"]) == {three["leak"]}
    assert found(agent, "华东精密") == {three["leak"], three["noise"]}  # the company customer's name
    assert found(agent, "no such thing") == set()


def test_short_and_odd_queries_are_answered_not_failed(app, login_as, three):
    agent = login_as("agent")
    assert found(agent, "漏") == {three["leak"]}             # one character: the newest tickets are read
    assert found(agent, "Z9") == {three["screen"]}
    assert found(agent, "-a") == {three["leak"]}             # punctuation: the bounded scan, not FTS
    for odd in ['"', '""', "a\"b", "*", "NEAR(", "% _", "OR", "'; drop table ticket; --", "漏电 OR"]:
        assert agent.get("/desk/tickets", query_string={"q": odd}).status_code == 200, odd


def test_search_text_is_normalized_and_bigrams_skip_punctuation():
    text = search.document("SR1", "Acme  Ltd", "漏电,冒烟")
    assert text == "sr1 acme ltd 漏电,冒烟"
    assert search.bigrams("漏电,冒烟 ab") == ["漏电", "冒烟", "ab"]
    assert [search.query_kind(q) for q in ("漏", "漏电", "-a", "漏电啊")] == ["scan", "bigram", "scan", "trigram"]


def test_search_uses_an_index(app, three):
    """The query plan reads the FTS table (SQLite) or the GIN index (PostgreSQL), not the whole table."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        for q in ("黑屏", "外壳有麻", "4321"):
            stmt = sa.select(Ticket.id).where(search_condition(q))
            sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
            with db.engine.connect() as conn:
                if postgres:
                    conn.execute(sa.text("SET enable_seqscan = off"))  # three rows: force what 100k would choose
                    plan = "\n".join(r[0] for r in conn.execute(sa.text("EXPLAIN " + sql)))
                    assert "ix_ticket_search" in plan, plan
                else:
                    plan = "\n".join(str(r[-1]) for r in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
                    assert "VIRTUAL TABLE INDEX" in plan and "SCAN ticket" not in plan.replace(
                        "SCAN ticket_search", ""), plan


def test_search_counts_stop_at_the_cap(app, login_as, three, monkeypatch):
    from portal.services import queue
    monkeypatch.setattr(queue, "SEARCH_COUNT_CAP", 1)
    page = login_as("agent").get("/desk/tickets", query_string={"q": "华东精密"},
                                 headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "counts-capped" in page and "Counted up to 1 matches" in page
    assert re.search(r"on track 2\+<", page)
    assert len(re.findall(r">(SR\d{12})</a>", page)) == 2  # the rows themselves are not capped
