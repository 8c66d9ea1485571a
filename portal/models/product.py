"""Product models, the customer assets (serials) built from them, and spare parts."""
from datetime import date

from sqlalchemy import Date, ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin


class ProductModel(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60))
    warranty_months: Mapped[int] = mapped_column(default=12)
    # Deactivated models are no longer offered at intake; tickets and units keep them.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    # The inspection checklist of the model's category (one per category), for pages that read it with the model.
    checklist = relationship("ChecklistTemplate", primaryjoin="foreign(ProductModel.category) == "
                             "ChecklistTemplate.category", viewonly=True, uselist=False)


class Asset(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    product_model_id: Mapped[int] = mapped_column(ForeignKey("product_model.id"))
    serial: Mapped[str] = mapped_column(String(80), unique=True)
    purchase_date: Mapped[date | None] = mapped_column(Date)
    warranty_end: Mapped[date | None] = mapped_column(Date)
    extended_warranty_end: Mapped[date | None] = mapped_column(Date)
    invoice_date: Mapped[date | None] = mapped_column(Date)
    purchase_channel: Mapped[str | None] = mapped_column(String(100))  # e.g. 京东旗舰店, 经销商 name
    batch: Mapped[str | None] = mapped_column(String(60))
    # Taken out of service (scrapped, returned or exchanged under an RMA), the day in PORTAL_TIMEZONE: its label
    # says so, it takes no requests and no proactive messages. The one retirement column (the RMA's moment was
    # folded into it).
    retired_on: Mapped[date | None] = mapped_column(Date)
    # What the customer paid for the unit, in integer fen: the ceiling of a 三包 refund.
    price_paid_fen: Mapped[int | None]
    # An exchanged unit is retired, pointing at the unit that replaced it (which starts a new 三包 period).
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("asset.id"))

    customer = relationship("Customer")
    product_model: Mapped[ProductModel] = relationship()


class Part(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    warranty_months: Mapped[int] = mapped_column(default=3)
    category: Mapped[str | None] = mapped_column(String(60))
    unit_price_fen: Mapped[int] = mapped_column(default=0, server_default="0")  # money in integer fen, never float
    serial_tracked: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
