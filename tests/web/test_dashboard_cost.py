"""Parts and cost on the dashboard, from hand-made signed bills: parts per model, and what warranty, 三包,
contracts and goodwill cost against what customers were charged."""
from datetime import timedelta

from portal.extensions import db
from portal.models import Bill, BillLine, Ticket
from portal.services import dashboard, stats
from portal.services.localtime import local_today
from tests.web.factories import make_ticket


def bill(ticket_id: int, status: str, lines: list[tuple]) -> None:
    ticket = db.session.get(Ticket, ticket_id)
    db.session.add(Bill(number=f"B-{ticket_id}", ticket_id=ticket_id, customer_id=ticket.customer_id, status=status,
                        lines=[BillLine(position=i, kind=kind, description=kind, quantity=quantity,
                                        unit_price_fen=price, amount_fen=quantity * price if kind == "part" else price,
                                        payer=payer, reason=payer)
                               for i, (kind, quantity, price, payer) in enumerate(lines)]))


def test_parts_by_model_and_cost_against_revenue(app, login_as):
    first, second, draft = (make_ticket(app, status="assigned") for _ in range(3))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        model = db.session.get(Ticket, first).product_model_id
        bill(first, "signed", [("part", 2, 15000, "warranty"), ("labour", 60, 12000, "warranty"),
                               ("callout", 1, 5000, "customer")])
        bill(second, "signed", [("part", 1, 8050, "customer"), ("labour", 30, 6000, "customer"),
                                ("part", 3, 1000, "contract")])
        bill(draft, "draft", [("part", 9, 99900, "customer")])  # not signed: may still change, not counted
        db.session.commit()
        today = local_today()
        board = dashboard.build(stats.Filters(today - timedelta(days=1), today))
        parts = next(t for t in board.tables if t.key == "parts")
        cost = next(t for t in board.tables if t.key == "cost")
        # Six pieces on the model: 2 × 150.00 under warranty, 1 × 80.50 charged, 3 × 10.00 on the contract.
        assert parts.rows == [[parts.rows[0][0], 6, "410.50", "80.50"]]
        assert parts.links[0]["model"] == model
        # One column per line kind (labour, travel, parts, call-out, depot, points discount), then the total.
        rows = {r[0]: dict(zip(cost.columns[1:], r[1:], strict=True)) for r in cost.rows}
        labour, parts_, callout, total = "Labour", "Parts", "Call-out", "Total"
        assert rows["Warranty"] == {**dict.fromkeys(cost.columns[1:], "0.00"),
                                    labour: "120.00", parts_: "300.00", total: "420.00"}
        assert rows["Service contract"] == {**dict.fromkeys(cost.columns[1:], "0.00"), parts_: "30.00", total: "30.00"}
        assert rows["Customer"] == {**dict.fromkeys(cost.columns[1:], "0.00"),
                                    labour: "60.00", parts_: "80.50", callout: "50.00", total: "190.50"}
        assert rows["Goodwill"][total] == "0.00"
        # Another model: nothing.
        other = dashboard.build(stats.Filters(today - timedelta(days=1), today, model=model + 999))
        assert next(t for t in other.tables if t.key == "parts").rows == []
    page = login_as("supervisor").get("/desk/dashboard", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-table="parts"' in page and 'data-table="cost"' in page and "410.50" in page
