"""Proactive service use cases: marketing consent and its withdrawal, campaigns and recalls (one ticket per
selected unit, a message to each customer), the warranty-ending notice once per unit, and preventive
maintenance plans that generate their visits ahead as tickets and report a skipped one."""
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from portal.domain import proactive as rules
from portal.domain import tabular, workflow
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import (
    Asset,
    Campaign,
    CampaignUnit,
    ConsentEvent,
    Contact,
    Customer,
    FollowUpTask,
    MaintenancePlan,
    MeterReading,
    Notification,
    PlannedVisit,
    ProductModel,
    Ticket,
    User,
    Visit,
    WarrantyNotice,
)
from portal.services import ServiceError, imports, jobs, mailer, security_log
from portal.services import tickets as ticket_service
from portal.services.events import add_event
from portal.services.intake import customer_locale
from portal.services.localtime import local_today

CHANNEL = "proactive"
KINDS = ("recall", "campaign")
REACHED = ("sent", "logged")
STAFF_LOCALE = "zh_CN"  # texts written by the morning task for the desk


# ---- Consent -------------------------------------------------------------------------------------------------

def set_consent(contact: Contact, given: bool, *, source: str, by: User | None) -> ConsentEvent:
    contact.marketing_consent = given
    event = ConsentEvent(contact_id=contact.id, given=given, source=source, recorded_by_id=by.id if by else None)
    db.session.add(event)
    return event


def _contacts(customer_id: int) -> list[Contact]:
    return list(db.session.scalars(db.select(Contact).where(
        Contact.customer_id == customer_id, Contact.active.is_(True), Contact.phone.is_not(None))
        .order_by(Contact.id)))


def recipient(customer_id: int, *, marketing: bool) -> Contact | None:
    """Who is told: for a marketing message only a contact who agreed; for a safety recall anyone on file."""
    contacts = _contacts(customer_id)
    if marketing:
        contacts = [c for c in contacts if c.marketing_consent]
    return contacts[0] if contacts else None


def _text(customer_id: int, marketing: bool, make) -> str:
    with force_locale(customer_locale(customer_id)):
        body = make()
    return rules.with_opt_out(body) if marketing else body


# ---- Campaigns and recalls -----------------------------------------------------------------------------------

def candidates(criteria: rules.Criteria) -> list[Asset]:
    """The units the criteria select: narrowed in SQL by what an index finds, then the rule decides."""
    if criteria.is_empty():
        return []
    query = db.select(Asset).join(ProductModel).options(joinedload(Asset.product_model))
    if criteria.models:
        query = query.where(db.func.upper(ProductModel.code).in_(criteria.models))
    if criteria.serials:
        query = query.where(Asset.serial.in_(criteria.serials))
    if criteria.batches:
        query = query.where(db.func.upper(Asset.batch).in_(criteria.batches))
    if criteria.bought_from:
        query = query.where(Asset.purchase_date >= criteria.bought_from)
    if criteria.bought_to:
        query = query.where(Asset.purchase_date <= criteria.bought_to)
    today = local_today()
    return [a for a in db.session.scalars(query.order_by(Asset.serial)) if rules.selects(_unit(a, today), criteria)]


def _unit(asset: Asset, today: date) -> rules.Unit:
    return rules.Unit(asset.id, asset.serial, asset.product_model.code, asset.batch, asset.purchase_date,
                      retired=asset.retired_on is not None and asset.retired_on <= today)


def preview(criteria: rules.Criteria) -> rules.Preview:
    chosen = candidates(criteria)
    known = set(db.session.scalars(db.select(Asset.serial).where(Asset.serial.in_(criteria.serials)))) \
        if criteria.serials else set()
    return rules.Preview(len(chosen), len({a.customer_id for a in chosen}),
                         [s for s in criteria.serials if s not in known])


def create_campaign(*, name: str, kind: str, description: str, priority: str, criteria: rules.Criteria,
                    by: User) -> Campaign:
    """The campaign row and its task: the queue creates the tickets and messages (portal.tasks.proactive)."""
    if kind not in KINDS:
        raise ServiceError(_l("Choose recall or campaign."), field="kind")
    if criteria.is_empty():
        raise ServiceError(_l("Choose the units: by model, lot, serial numbers or purchase dates."), field="models")
    if not candidates(criteria):
        raise ServiceError(_l("No registered unit matches: check the preview."), field="models")
    campaign = Campaign(name=name, kind=kind, description=description, priority=priority,
                        criteria=criteria.as_json(), state="queued", created_by_id=by.id)
    db.session.add(campaign)
    db.session.flush()
    jobs.add("launch_campaign", campaign.id)
    return campaign


def launch(campaign: Campaign) -> int:
    """One ticket per selected unit not yet in the campaign, and its message; idempotent. How many were added."""
    creator = db.session.get(User, campaign.created_by_id) if campaign.created_by_id else None
    done = set(db.session.scalars(db.select(CampaignUnit.asset_id).where(CampaignUnit.campaign_id == campaign.id)))
    added = 0
    for asset in candidates(rules.Criteria.from_json(campaign.criteria)):
        if asset.id in done:
            continue
        db.session.add(_campaign_unit(campaign, asset, creator))
        added += 1
    campaign.state, campaign.launched_at = "done", campaign.launched_at or utcnow()
    return added


def _campaign_unit(campaign: Campaign, asset: Asset, creator: User | None) -> CampaignUnit:
    marketing = campaign.kind != "recall"
    customer = db.session.get(Customer, asset.customer_id)
    told = recipient(customer.id, marketing=marketing)
    ticket = _ticket(customer, told, asset, creator, description=f"{campaign.name}\n\n{campaign.description}",
                     priority=campaign.priority, reason=campaign.name)
    unit = CampaignUnit(campaign_id=campaign.id, asset_id=asset.id, ticket_id=ticket.id)
    if told is None:
        unit.not_told = "no_consent" if marketing and _contacts(customer.id) else "no_phone"
        return unit

    def body():
        if campaign.kind == "recall":
            return _("Safety notice for your %(model)s (serial %(serial)s): %(text)s Service request %(number)s "
                     "is open for it; we will call you to arrange the free service.", model=asset.product_model.code,
                     serial=asset.serial, text=campaign.description, number=ticket.number)
        return _("%(name)s for your %(model)s (serial %(serial)s): %(text)s Request %(number)s.", name=campaign.name,
                 model=asset.product_model.code, serial=asset.serial, text=campaign.description,
                 number=ticket.number)

    notice = mailer.queue_notice(Notification(
        ticket_id=ticket.id, kind="recall" if campaign.kind == "recall" else "campaign", channel="sms",
        recipient=told.phone, body=_text(customer.id, marketing, body), data={"number": ticket.number},
        status="queued", created_at=utcnow()))
    unit.notification_id = notice.id
    return unit


def _ticket(customer: Customer, contact: Contact | None, asset: Asset, creator: User | None, *, description: str,
            priority: str, reason: str) -> Ticket:
    """A proactive-service ticket on the unit, triaged at once so that the dispatch board shows it."""
    contact = contact or next(iter(_contacts(customer.id)), None)
    ticket = ticket_service.register_request(
        user=creator, customer=customer, contact=contact, contact_name=contact.name if contact else customer.name,
        contact_phone=contact.phone if contact else "", product_model=asset.product_model, serial=asset.serial,
        purchase_date=asset.purchase_date, description=description, channel=CHANNEL)
    db.session.flush()
    suggested = ticket_service.suggest_priority(ticket)
    priority = "P1" if suggested.safety else priority
    ticket_service.triage(ticket, creator, category="proactive", priority=priority,
                          reason=reason if priority != suggested.priority else None, version=None)
    return ticket


def progress(campaign: Campaign) -> dict:
    """Units, reached (message delivered), booked (a visit planned), done (closed): a few grouped counts."""
    base = db.select(db.func.count()).select_from(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id)
    units = db.session.scalar(base) or 0
    reached = db.session.scalar(base.join(Notification, Notification.id == CampaignUnit.notification_id)
                                .where(Notification.status.in_(REACHED))) or 0
    booked = db.session.scalar(base.where(db.exists().where(Visit.ticket_id == CampaignUnit.ticket_id))) or 0
    done = db.session.scalar(base.join(Ticket, Ticket.id == CampaignUnit.ticket_id)
                             .where(Ticket.status == workflow.CLOSED)) or 0
    return {"units": units, "reached": reached, "booked": booked, "done": done,
            "not_told": db.session.scalar(base.where(CampaignUnit.not_told.is_not(None))) or 0}


def campaign_rows(campaign: Campaign, limit: int = 500) -> list[CampaignUnit]:
    return list(db.session.scalars(db.select(CampaignUnit).where(CampaignUnit.campaign_id == campaign.id)
                                   .options(joinedload(CampaignUnit.asset), joinedload(CampaignUnit.ticket),
                                            joinedload(CampaignUnit.notification))
                                   .order_by(CampaignUnit.id).limit(limit)))


# ---- Warranty ending -----------------------------------------------------------------------------------------

def send_warranty_notices(today: date | None = None) -> int:
    """The warranty-ending message (extended warranty or a check-up offered), once per unit and warranty end,
    to customers who agreed to marketing; a unit whose customer did not is recorded as not told."""
    today = today or local_today()
    end = db.func.coalesce(Asset.extended_warranty_end, Asset.warranty_end)
    window_end = today.toordinal() + rules.WARRANTY_NOTICE_DAYS
    assets = db.session.scalars(db.select(Asset).options(joinedload(Asset.product_model)).where(
        end >= today, end <= date.fromordinal(window_end), or_(Asset.retired_on.is_(None), Asset.retired_on > today),
        ~db.exists().where(WarrantyNotice.asset_id == Asset.id, WarrantyNotice.warranty_end == end))).all()
    sent = 0
    for asset in assets:
        ends = asset.extended_warranty_end or asset.warranty_end
        told = recipient(asset.customer_id, marketing=True)
        notice = WarrantyNotice(asset_id=asset.id, warranty_end=ends, not_told=None if told else "no_consent")
        if told is not None:
            body = _text(asset.customer_id, True, lambda a=asset, e=ends: _(
                "The warranty of your %(model)s (serial %(serial)s) ends on %(day)s. Extend it, or book a check-up "
                "before it ends: call %(phone)s.", model=a.product_model.code, serial=a.serial, day=e.isoformat(),
                phone=_service_phone()))
            notice.notification_id = mailer.queue_notice(Notification(
                kind="warranty_ending", channel="sms", recipient=told.phone, body=body,
                data={"serial": asset.serial, "day": ends.isoformat()}, status="queued", created_at=utcnow())).id
            sent += 1
        db.session.add(notice)
    return sent


def _service_phone() -> str:
    return current_app.config["COMPANY_PHONE"]


# ---- Preventive maintenance ----------------------------------------------------------------------------------

def create_plan(asset: Asset, *, every_months: int | None, every_hours: int | None, lead_days: int,
                first_due: date | None, by: User) -> MaintenancePlan:
    """The visits use the inspection checklist of the unit's product category, as every job does."""
    if bool(every_months) == bool(every_hours):
        raise ServiceError(_l("Give either a number of months or a number of operating hours."),
                           field="every_months")
    today = local_today()
    next_hours = None
    if every_hours:
        last = latest_hours(asset.id)
        next_hours = (last or 0) + every_hours
        first_due = first_due or rules.hours_due_on(readings(asset.id), next_hours, today) or today
    plan = MaintenancePlan(asset_id=asset.id, every_months=every_months or None, every_hours=every_hours or None,
                           lead_days=lead_days, next_due=first_due or rules.add_months(today, every_months),
                           next_hours=next_hours, created_by_id=by.id)
    db.session.add(plan)
    return plan


def readings(asset_id: int) -> list[tuple[date, int]]:
    return [(r.read_on, r.hours) for r in db.session.scalars(db.select(MeterReading).where(
        MeterReading.asset_id == asset_id).order_by(MeterReading.read_on, MeterReading.id))]


def latest_hours(asset_id: int) -> int | None:
    rows = readings(asset_id)
    return rows[-1][1] if rows else None


def record_reading(asset: Asset, hours: int, read_on: date, by: User | None) -> MeterReading:
    last = latest_hours(asset.id)
    if last is not None and hours < last:
        raise ServiceError(_l("The meter read %(last)s hours before: a reading cannot go back.", last=last),
                           field="hours")
    reading = MeterReading(asset_id=asset.id, hours=hours, read_on=read_on, recorded_by_id=by.id if by else None)
    db.session.add(reading)
    db.session.flush()
    for plan in db.session.scalars(db.select(MaintenancePlan).where(MaintenancePlan.asset_id == asset.id,
                                                                   MaintenancePlan.every_hours.is_not(None))):
        plan.next_due = rules.hours_due_on(readings(asset.id), plan.next_hours, local_today()) or plan.next_due
    return reading


def read_at_visit(ticket, hours: int, by: User) -> MeterReading:
    """The engineer reads the unit's meter at the visit (the job page, through the outbox); on the timeline."""
    if ticket.asset is None:
        raise ServiceError(_l("The job has no registered unit to read a meter on."), status=409)
    reading = record_reading(ticket.asset, hours, local_today(), by)
    add_event(ticket, by, "meter_read", data={"hours": reading.hours})
    return reading


def check_readings(rows: list[list[str]]) -> tabular.Checked:
    """An imported file of meter readings checked (domain), then against the units: the serial must be
    registered, and the meter never goes back (from the last reading on file, then row after row)."""
    checked = tabular.check_readings(rows)
    serials = {r["serial"] for r in checked.valid}
    units = {a.serial: a for a in db.session.scalars(db.select(Asset).where(Asset.serial.in_(serials)))} \
        if serials else {}
    last = {unit.id: latest_hours(unit.id) for unit in units.values()}
    valid = []
    for row in checked.valid:
        unit = units.get(row["serial"])
        if unit is None:
            checked.errors.append(tabular.RowError(row["row"], "serial", "unknown_serial"))
        elif last[unit.id] is not None and row["hours"] < last[unit.id]:
            checked.errors.append(tabular.RowError(row["row"], "hours", "goes_back"))
        else:
            last[unit.id] = row["hours"]
            valid.append({**row, "asset": unit})
    checked.errors.sort(key=lambda e: e.row)
    checked.valid = valid
    return checked


def import_readings(valid: list[dict], by: User | None) -> tuple[int, int]:
    """The checked readings recorded, each as if read at a visit: the plans by hours follow."""
    for row in valid:
        record_reading(row["asset"], row["hours"], row["read_on"], by)
    security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={"meter readings import": len(valid)})
    return len(valid), 0


def export_readings(fmt: str) -> bytes:
    rows = [[serial, read_on.isoformat(), hours] for serial, read_on, hours in db.session.execute(
        db.select(Asset.serial, MeterReading.read_on, MeterReading.hours).join(Asset, Asset.id == MeterReading.asset_id)
        .order_by(Asset.serial, MeterReading.read_on, MeterReading.id))]
    return imports.table("meter readings", [names[0] for names in tabular.READING_COLUMNS.values()], rows, fmt)


def generate_visits(today: date | None = None) -> int:
    """Every active plan whose next visit is within its lead time gets its ticket (once per due date), and the
    plan moves on to the following one. Idempotent."""
    today = today or local_today()
    made = 0
    plans = db.session.scalars(db.select(MaintenancePlan).where(MaintenancePlan.active.is_(True))
                               .options(joinedload(MaintenancePlan.asset))).all()
    for plan in plans:
        while rules.generate_now(plan.next_due, plan.lead_days, today):
            if not _planned(plan, plan.next_due):
                _generate(plan)
                made += 1
            _advance(plan, today)
            if plan.every_hours:
                break  # the next one waits for the meter
    return made


def _planned(plan: MaintenancePlan, due: date) -> bool:
    return db.session.scalar(db.select(PlannedVisit.id).where(PlannedVisit.plan_id == plan.id,
                                                              PlannedVisit.due_on == due)) is not None


def _generate(plan: MaintenancePlan) -> PlannedVisit:
    asset = plan.asset
    customer = db.session.get(Customer, asset.customer_id)
    creator = db.session.get(User, plan.created_by_id) if plan.created_by_id else None
    # Outside any request (the morning task): each text in a language chosen here, never the request's.
    with force_locale(customer_locale(customer.id)):
        description = _("Preventive maintenance due %(day)s (plan #%(plan)s).", day=plan.next_due.isoformat(),
                        plan=plan.id)
        reason = _("Preventive maintenance")
    ticket = _ticket(customer, None, asset, creator, description=description, priority="P4", reason=reason)
    visit = PlannedVisit(plan_id=plan.id, due_on=plan.next_due, ticket_id=ticket.id)
    db.session.add(visit)
    db.session.flush()
    return visit


def _advance(plan: MaintenancePlan, today: date) -> None:
    if plan.every_months:
        plan.next_due = rules.add_months(plan.next_due, plan.every_months)
    else:
        plan.next_hours = (plan.next_hours or 0) + plan.every_hours
        plan.next_due = rules.hours_due_on(readings(plan.asset_id), plan.next_hours, today) or \
            rules.add_months(plan.next_due, 1)


def report_skipped(today: date | None = None) -> int:
    """A generated visit whose due date passed with nobody on site: marked skipped and put on the supervisors'
    follow-up list, once."""
    today = today or local_today()
    late = db.session.scalars(db.select(PlannedVisit).join(Ticket, Ticket.id == PlannedVisit.ticket_id).where(
        PlannedVisit.due_on < today, PlannedVisit.skipped_at.is_(None), Ticket.status != workflow.CLOSED,
        ~db.exists().where(Visit.ticket_id == PlannedVisit.ticket_id, Visit.arrived_at.is_not(None)))).all()
    for visit in late:
        visit.skipped_at = utcnow()
        with force_locale(STAFF_LOCALE):
            note = _("Maintenance visit due %(day)s not done.", day=visit.due_on.isoformat())
        db.session.add(FollowUpTask(ticket_id=visit.ticket_id, kind="maintenance_skipped", note=note,
                                    data={"plan": visit.plan_id, "due": visit.due_on.isoformat()}))
    return len(late)


def plans(limit: int = 300) -> list[MaintenancePlan]:
    return list(db.session.scalars(db.select(MaintenancePlan).options(
        joinedload(MaintenancePlan.asset).joinedload(Asset.product_model))
        .order_by(MaintenancePlan.next_due).limit(limit)))
