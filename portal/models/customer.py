"""Customers (companies and individuals) and their contact people."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin

# The tier that raises priority (and shows a VIP mark).
VIP = "vip"

class Customer(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="company")  # company | individual
    tier: Mapped[str] = mapped_column(String(20), default="standard")  # standard | vip
    address: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(60))
    # use_alter: user and customer refer to each other, so this key is added after both tables exist.
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))

    contacts: Mapped[list["Contact"]] = relationship(back_populates="customer", order_by="Contact.id")
    account_manager = relationship("User", foreign_keys=[account_manager_id])

    @property
    def is_vip(self) -> bool:
        return self.tier == VIP


class Contact(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class CustomerAddress(db.Model):
    """A site of the customer where engineers go (a company may have several)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))  # e.g. 总部, 二号工厂, home
    address: Mapped[str] = mapped_column(String(300))
    is_default: Mapped[bool] = mapped_column(default=False)
