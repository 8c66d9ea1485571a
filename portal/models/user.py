"""Staff and customer accounts, their roles and departments."""
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug import security

from portal.extensions import db
from portal.models._base import TimestampMixin


class Department(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class User(UserMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), index=True)
    is_senior: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    # Engineers: the product categories they are trained on and the region they cover (dispatch ranks on them).
    skills: Mapped[list | None] = mapped_column(JSON)
    region: Mapped[str | None] = mapped_column(String(60))
    # Engineers: where they start from, and when they work (weekdays as digits 1-7, times as HH:MM).
    home_service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"))
    work_days: Mapped[str | None] = mapped_column(String(7))
    work_start: Mapped[str | None] = mapped_column(String(5))
    work_end: Mapped[str | None] = mapped_column(String(5))
    # Set for customer logins: the customer whose tickets this account may see.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    # A customer login is one of the customer's contacts: their own phone and e-mail are shown unmasked.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", use_alter=True))
    # Two-factor sign-in: the TOTP secret (base32) is set when enrolment starts and counts once
    # totp_enabled_at is set; totp_last_step is the last time step accepted, so that a code works once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column()

    department: Mapped[Department | None] = relationship()
    customer = relationship("Customer", foreign_keys=[customer_id])
    home_service_point = relationship("ServicePoint")

    # The key of the sign-in session this object was loaded for or signed in with (not a column): Flask-Login
    # keeps get_id() in the session and remember cookies, so both carry a session the server can end.
    session_key = None

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def get_id(self) -> str:
        if not self.session_key:
            raise RuntimeError("sign in through portal.services.sessions.start(), which gives the session key")
        return self.session_key

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = security.generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return security.check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

