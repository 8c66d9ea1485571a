"""Customers (companies and individuals) and their contact people."""
from sqlalchemy import ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._base import TimestampMixin

# The tier that shows a VIP mark (its benefits, raising priority among them, are configured per tier).
VIP = "vip"

class Customer(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="company")  # company | individual
    # The code of a CustomerTier (standard, silver, gold, vip by default); its benefits come with the customer.
    # (No foreign key in the database: adding one rebuilds the table on SQLite and drops its search triggers;
    # the services accept only the codes of existing tiers.)
    tier: Mapped[str] = mapped_column(String(20), default="standard")
    address: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(60))
    # use_alter: user and customer refer to each other, so this key is added after both tables exist.
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True))
    # Deactivated customers are kept (tickets refer to them) but no longer found at intake.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # What the intake search reads (portal.domain.search.customer_document), kept by services.customers.reindex:
    # fed to FTS5 tables on SQLite by triggers, indexed with pg_trgm and GIN on PostgreSQL.
    search_text: Mapped[str | None] = mapped_column(Text)
    search_bigrams: Mapped[str | None] = mapped_column(Text)

    contacts: Mapped[list["Contact"]] = relationship(back_populates="customer", order_by="Contact.id")
    account_manager = relationship("User", foreign_keys=[account_manager_id])
    # Joined with the customer: pages that show a customer know its benefits without another statement.
    tier_info = relationship("CustomerTier", lazy="joined", viewonly=True,
                             primaryjoin="foreign(Customer.tier) == CustomerTier.code")

    @property
    def is_vip(self) -> bool:
        """The VIP mark: the VIP tier (its benefits are in tier_info, configured by an admin)."""
        return self.tier == VIP

    @property
    def priority_boost(self) -> int:
        return self.tier_info.priority_boost if self.tier_info is not None else int(self.is_vip)

    @property
    def has_account_manager(self) -> bool:
        return self.tier_info.account_manager if self.tier_info is not None else self.is_vip


class Contact(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Marketing messages only with consent (ConsentEvent keeps each change); None: never asked.
    marketing_consent: Mapped[bool | None]

    customer: Mapped[Customer] = relationship(back_populates="contacts")


class CustomerAddress(db.Model):
    """A site of the customer where engineers go (a company may have several)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))  # e.g. 总部, 二号工厂, home
    address: Mapped[str] = mapped_column(String(300))
    is_default: Mapped[bool] = mapped_column(default=False)
