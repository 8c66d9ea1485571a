"""Price lists and service contracts kept by administrators: saved with their checks, every change in the
security log with before -> after (like the other master data). Bills copy the prices they use, so editing a
list never alters a bill already computed."""
from datetime import date

from flask_babel import lazy_gettext as _l

from portal.domain import pricing
from portal.extensions import db
from portal.models import Customer, PriceList, ServiceContract, User
from portal.services import ServiceError, check_fresh, security_log, signals

PRICE_FIELDS = ("name", "valid_from", "valid_to", "labour_rates", "callout_zones", "callout_per_km_fen",
                "callout_minimum_fen", "depot_fee_fen", "travel_quarter_fen", "vat_labour_bp", "vat_part_bp",
                "vat_callout_bp", "vat_depot_bp", "quote_tolerance_bp", "quote_tolerance_fen")
CONTRACT_FIELDS = ("number", "customer_id", "scope", "serials", "product_model_ids", "covers", "valid_from",
                   "valid_to", "response_hours", "visits_per_year", "note", "active")


def price_lists() -> list[PriceList]:
    return list(db.session.scalars(db.select(PriceList).order_by(PriceList.valid_from.desc(), PriceList.id)))


def contracts() -> list[ServiceContract]:
    return list(db.session.scalars(db.select(ServiceContract).order_by(ServiceContract.valid_to.desc(),
                                                                        ServiceContract.number)))


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _audit(record, before: dict, fields, by: User | None, what: str) -> None:
    before = {f: _plain(v) for f, v in before.items()}
    after = {f: _plain(getattr(record, f)) for f in fields}
    if diff := security_log.changes(before, after):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={f"{what} #{record.id}": diff})


def save_price_list(record: PriceList | None, data: dict, by: User | None, seen: str | None = None) -> PriceList:
    check_fresh(record, PRICE_FIELDS, seen)
    if data["valid_to"] is not None and data["valid_to"] < data["valid_from"]:
        raise ServiceError(_l("The end date is before the start date."), field="valid_to")
    same_start = db.session.scalar(db.select(PriceList.id).where(
        PriceList.valid_from == data["valid_from"], PriceList.id != (record.id if record else 0)))
    if same_start:
        raise ServiceError(_l("Another price list starts on this day; choose another start date."),
                           field="valid_from")
    before = {f: getattr(record, f) for f in PRICE_FIELDS} if record is not None else {}
    if record is None:
        record = PriceList()
        db.session.add(record)
    for field in PRICE_FIELDS:
        setattr(record, field, data[field])
    record.updated_by_id = by.id if by else None
    db.session.flush()
    _audit(record, before, PRICE_FIELDS, by, "price list")
    return record


def save_contract(record: ServiceContract | None, data: dict, by: User | None,
                  seen: str | None = None) -> ServiceContract:
    check_fresh(record, CONTRACT_FIELDS, seen)
    number = data["number"].strip().upper()
    taken = db.session.scalar(db.select(ServiceContract.id).where(
        ServiceContract.number == number, ServiceContract.id != (record.id if record else 0)))
    if taken:
        raise ServiceError(_l("This contract number is already used."), field="number")
    customer = db.session.get(Customer, data["customer_id"]) if data["customer_id"] else None
    if customer is None:
        raise ServiceError(_l("Choose the customer."), field="customer_id")
    if data["valid_to"] < data["valid_from"]:
        raise ServiceError(_l("The end date is before the start date."), field="valid_to")
    if data["scope"] == "list" and not data["serials"]:
        raise ServiceError(_l("List the serial numbers the contract covers."), field="serials")
    if data["scope"] == "models" and not data["product_model_ids"]:
        raise ServiceError(_l("Choose the models the contract covers."), field="product_model_ids")
    if not data["covers"]:
        raise ServiceError(_l("Choose what the contract covers."), field="covers")
    before = {f: getattr(record, f) for f in CONTRACT_FIELDS} if record is not None else {}
    if record is None:
        record = ServiceContract()
        db.session.add(record)
    for field in CONTRACT_FIELDS:
        setattr(record, field, data[field])
    record.number = number
    record.updated_by_id = by.id if by else None
    db.session.flush()
    _audit(record, before, CONTRACT_FIELDS, by, "service contract")
    # Its response override shortens the SLA targets of the customer's open tickets (sla.targets).
    signals.sla_targets_changed.send(customer_ids={before.get("customer_id"), record.customer_id})
    return record


# --- reading them for a bill ----------------------------------------------------------------------------


def as_rule(record: PriceList) -> pricing.PriceList:
    return pricing.PriceList(
        valid_from=record.valid_from, valid_to=record.valid_to,
        labour_per_hour={k: tuple(v) for k, v in (record.labour_rates or {}).items()},
        callout_by_zone={k: v[0] if isinstance(v, list) else v for k, v in (record.callout_zones or {}).items()},
        callout_per_km=record.callout_per_km_fen, callout_minimum=record.callout_minimum_fen,
        depot_fee=record.depot_fee_fen, travel_per_quarter=record.travel_quarter_fen or 0,
        vat_bp={"labour": record.vat_labour_bp, "part": record.vat_part_bp, "callout": record.vat_callout_bp,
                "depot": record.vat_depot_bp})


def price_list_on(day: date) -> PriceList | None:
    candidates = db.session.scalars(db.select(PriceList).where(PriceList.valid_from <= day)).all()
    chosen = pricing.price_list_on([as_rule(c) for c in candidates], day)
    if chosen is None:
        return None
    return next(c for c in candidates if c.valid_from == chosen.valid_from)


def contract_for(customer_id: int | None, serial: str | None, product_model_id: int | None,
                 day: date) -> ServiceContract | None:
    """The customer's active contract covering this unit on `day` (the one ending last when several do)."""
    if customer_id is None:
        return None
    found = db.session.scalars(db.select(ServiceContract).where(
        ServiceContract.customer_id == customer_id, ServiceContract.active.is_(True),
        ServiceContract.valid_from <= day, ServiceContract.valid_to >= day)
        .order_by(ServiceContract.valid_to.desc())).all()
    for contract in found:
        if contract.scope == "all" or (contract.scope == "list" and serial in (contract.serials or [])) or (
                contract.scope == "models" and product_model_id in (contract.product_model_ids or [])):
            return contract
    return None
