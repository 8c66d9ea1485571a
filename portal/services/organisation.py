"""The service organisation kept by supervisors: service points, departments, and engineers' profiles
(skills per product category, region, seniority, department, home service point, working hours).
Deactivated, never deleted; every change in the security log with before -> after."""
import re

from flask_babel import lazy_gettext as _l

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import Department, ServicePoint, User
from portal.services import ServiceError, check_fresh, security_log

POINT_FIELDS = ("name", "address", "phone", "opening_hours")
DEPARTMENT_FIELDS = ("code", "name")
PROFILE_FIELDS = ("skills", "region", "is_senior", "department_id", "home_service_point_id", "work_days",
                  "work_start", "work_end")
DAYS = re.compile(r"^[1-7]{1,7}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _audit(by, what, before, after):
    if diff := security_log.changes(before, after):
        security_log.record(security_log.MASTER_DATA_CHANGED, user=by, detail={what: diff})


def service_points(inactive: bool = False) -> list[ServicePoint]:
    select = db.select(ServicePoint).order_by(ServicePoint.name)
    if not inactive:
        select = select.where(ServicePoint.active.is_(True))
    return list(db.session.scalars(select))


def save_point(point: ServicePoint | None, data: dict, by: User | None, seen: str | None = None) -> ServicePoint:
    check_fresh(point, POINT_FIELDS, seen)
    taken = db.session.scalar(db.select(ServicePoint.id).where(
        ServicePoint.name == data["name"], ServicePoint.id != (point.id if point else 0)))
    if taken:
        raise ServiceError(_l("Another service point has this name."), field="name")
    before = {f: getattr(point, f) for f in POINT_FIELDS} if point else {}
    if point is None:
        point = ServicePoint()
        db.session.add(point)
    for field in POINT_FIELDS:
        setattr(point, field, data.get(field) or None if field in ("phone", "opening_hours") else data[field])
    db.session.flush()
    _audit(by, f"service point #{point.id}", before, {f: getattr(point, f) for f in POINT_FIELDS})
    return point


def set_point_active(point: ServicePoint, active: bool, by: User | None) -> None:
    _audit(by, f"service point #{point.id} {point.name}", {"active": point.active}, {"active": active})
    point.active = active


def departments() -> list[Department]:
    return list(db.session.scalars(db.select(Department).order_by(Department.code)))


def save_department(department: Department | None, data: dict, by: User | None,
                    seen: str | None = None) -> Department:
    check_fresh(department, DEPARTMENT_FIELDS, seen)
    code = data["code"].strip().lower()
    taken = db.session.scalar(db.select(Department.id).where(
        Department.code == code, Department.id != (department.id if department else 0)))
    if taken:
        raise ServiceError(_l("This code is already used."), field="code")
    before = {f: getattr(department, f) for f in DEPARTMENT_FIELDS} if department else {}
    if department is None:
        department = Department()
        db.session.add(department)
    department.code, department.name = code, data["name"]
    db.session.flush()
    _audit(by, f"department #{department.id}", before, {f: getattr(department, f) for f in DEPARTMENT_FIELDS})
    return department


def engineers() -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.role == Role.ENGINEER).order_by(User.name)))


def save_profile(engineer: User, data: dict, by: User | None, seen: str | None = None) -> User:
    """An engineer's dispatch profile; working hours are weekdays 1-7 and a start before the end."""
    check_fresh(engineer, PROFILE_FIELDS, seen)
    days, start, end = (data.get(k) or None for k in ("work_days", "work_start", "work_end"))
    if days and not DAYS.match(days):
        raise ServiceError(_l("Digits 1 to 7, for example 12345 for Monday to Friday."), field="work_days")
    for field, value in (("work_start", start), ("work_end", end)):
        if value and not TIME.match(value):
            raise ServiceError(_l("Times as HH:MM."), field=field)
    if start and end and start >= end:
        raise ServiceError(_l("Closing must come after opening."), field="work_end")
    for field, model in (("department_id", Department), ("home_service_point_id", ServicePoint)):
        if data.get(field) and db.session.get(model, data[field]) is None:
            raise ServiceError(_l("Choose one of the offered values."), field=field)
    before = {f: getattr(engineer, f) for f in PROFILE_FIELDS}
    engineer.skills = sorted(set(data.get("skills") or [])) or None
    engineer.region = data.get("region") or None
    engineer.is_senior = bool(data.get("is_senior"))
    engineer.department_id = data.get("department_id") or None
    engineer.home_service_point_id = data.get("home_service_point_id") or None
    engineer.work_days, engineer.work_start, engineer.work_end = days, start, end
    _audit(by, f"engineer #{engineer.id} {engineer.name}", before, {f: getattr(engineer, f) for f in PROFILE_FIELDS})
    return engineer
