"""The money of a repair: price lists, service contracts, the bill with its lines, payments, invoice requests.
Amounts are integer fen, VAT rates basis points (1300 = 13 %)."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class PriceList(TimestampMixin, db.Model):
    """Prices including VAT, valid from/to a day. Bills copy the prices they use, so a change here never alters
    a bill already computed and signed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[date] = mapped_column(Date, index=True)
    valid_to: Mapped[date | None] = mapped_column(Date)
    labour_rates: Mapped[dict] = mapped_column(JSON, default=dict)  # {category: [standard_fen, senior_fen]}
    callout_zones: Mapped[dict] = mapped_column(JSON, default=dict)  # {district: fen}
    callout_per_km_fen: Mapped[int] = mapped_column(default=0)
    callout_minimum_fen: Mapped[int] = mapped_column(default=0)
    depot_fee_fen: Mapped[int] = mapped_column(default=0)
    # Travel (the phone's "On my way" to arrival) per started quarter hour; 0: not billed, the call-out covers it.
    travel_quarter_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    vat_labour_bp: Mapped[int] = mapped_column(default=0)
    vat_part_bp: Mapped[int] = mapped_column(default=0)
    vat_callout_bp: Mapped[int] = mapped_column(default=0)
    vat_depot_bp: Mapped[int] = mapped_column(default=0)
    # How far a bill may exceed the approved quote before the customer approves again.
    quote_tolerance_bp: Mapped[int] = mapped_column(default=1000)
    quote_tolerance_fen: Mapped[int] = mapped_column(default=0)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class ServiceContract(TimestampMixin, db.Model):
    """A company customer's service contract: which units, what it covers, when, and its SLA override."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    scope: Mapped[str] = mapped_column(String(10), default="all")  # all | list | models
    serials: Mapped[list] = mapped_column(JSON, default=list)
    product_model_ids: Mapped[list] = mapped_column(JSON, default=list)
    covers: Mapped[list] = mapped_column(JSON, default=list)  # line kinds: labour, part, callout, depot
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    response_hours: Mapped[int | None]  # overrides the SLA policy's response target when set
    visits_per_year: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    customer = relationship("Customer")


class Bill(TimestampMixin, db.Model):
    """What a repair costs and who pays, computed from the recorded work; frozen when the customer signs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    price_list_id: Mapped[int | None] = mapped_column(ForeignKey("price_list.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("service_contract.id"))
    quote_id: Mapped[int | None] = mapped_column(ForeignKey("quote.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | signed
    gross_fen: Mapped[int] = mapped_column(default=0)
    covered_fen: Mapped[int] = mapped_column(default=0)
    due_fen: Mapped[int] = mapped_column(default=0)
    vat_fen: Mapped[int] = mapped_column(default=0)
    paid_fen: Mapped[int] = mapped_column(default=0)
    # Given back by a return under 三包 (the ticket's RMA refund, which names this bill); paid_fen stays what was
    # paid, so the bill is not owed again.
    refunded_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    # The engineer's correction of the labour proposed from the on-site time, with the reason.
    labour_minutes: Mapped[int | None]
    labour_reason: Mapped[str | None] = mapped_column(String(300))
    senior_rate: Mapped[bool] = mapped_column(default=False)
    callout_km: Mapped[int | None]
    depot: Mapped[bool] = mapped_column(default=False)
    # Lines a supervisor waived: {"<kind>:<ref>": {"reason": ..., "by": user id}}.
    goodwill: Mapped[dict | None] = mapped_column(JSON)
    # The end of the 三包 period its free repair lines were decided on (shown with those lines).
    sanbao_until: Mapped[date | None] = mapped_column(Date)
    travel_minutes: Mapped[int | None]  # "On my way" to arrival, shown whether billed or not
    # Loyalty points spent as a discount (a 'points' line): held on the ledger by points_entry (a spending) from
    # the moment they are chosen; given back when the bill drops them or the ticket is cancelled or refunded.
    points_held: Mapped[int] = mapped_column(default=0, server_default="0")
    points_entry_id: Mapped[int | None] = mapped_column(ForeignKey("points_entry.id"))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    lines: Mapped[list["BillLine"]] = relationship(back_populates="bill", order_by="BillLine.position",
                                                   cascade="all, delete-orphan")
    ticket = relationship("Ticket")
    customer = relationship("Customer")
    contract = relationship("ServiceContract")
    payments: Mapped[list["Payment"]] = relationship(back_populates="bill", order_by="Payment.id")

    __table_args__ = (Index("ix_bill_status_due", "status", "due_fen", "paid_fen"),)

    @property
    def is_frozen(self) -> bool:
        return self.status == "signed"

    @property
    def outstanding_fen(self) -> int:
        return max(0, self.due_fen - self.paid_fen)


class BillLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))  # labour | travel | part | callout | depot | points
    description: Mapped[str] = mapped_column(String(200))
    ref: Mapped[str | None] = mapped_column(String(80))
    quantity: Mapped[int]  # minutes for labour, pieces for parts, 1 for a fee
    unit_price_fen: Mapped[int]  # VAT included; per hour for labour
    vat_bp: Mapped[int] = mapped_column(default=0)
    amount_fen: Mapped[int]
    payer: Mapped[str] = mapped_column(String(10))  # sanbao | warranty | contract | goodwill | customer
    reason: Mapped[str] = mapped_column(String(20))
    goodwill_reason: Mapped[str | None] = mapped_column(String(300))

    bill: Mapped[Bill] = relationship(back_populates="lines")


class Payment(TimestampMixin, db.Model):
    """A payment recorded (not processed): cash, transfer, a WeChat Pay / Alipay reference, or on account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    method: Mapped[str] = mapped_column(String(10))  # cash | transfer | wechat | alipay | account
    amount_fen: Mapped[int]
    reference: Mapped[str | None] = mapped_column(String(64))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    client_recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    bill: Mapped[Bill] = relationship(back_populates="payments")
    recorded_by = relationship("User")


class InvoiceRequest(TimestampMixin, db.Model):
    """The customer's request for a 发票, and the e-invoice file the back office attaches when issued."""

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bill.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(10))  # ordinary | special
    title_kind: Mapped[str] = mapped_column(String(10))  # person | company
    title: Mapped[str] = mapped_column(String(200))
    tax_number: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    bank: Mapped[str | None] = mapped_column(String(120))
    bank_account: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending | issued
    invoice_number: Mapped[str | None] = mapped_column(String(40))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(60))
    file_key: Mapped[str | None] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(String(64))

    bill: Mapped[Bill] = relationship()
