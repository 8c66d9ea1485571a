"""Supervisors keep the service organisation: service points, departments and engineers' dispatch profiles
(skills, region, seniority, department, home service point, working hours); changes in the security log."""
import pytest

from portal.extensions import db
from portal.models import Department, SecurityEvent, ServicePoint, User

EN = {"Accept-Language": "en"}


def engineer_id(app, email="engineer@example.com") -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.email == email))


def test_the_page_shows_the_demo_points_engineers_and_departments(app, login_as):
    html = login_as("supervisor").get("/desk/admin/organisation").get_data(as_text=True)
    assert "苏州服务中心" in html and "周一至周六 9:00-18:00" in html and "123456 · 08:30–17:30" in html


def test_a_service_point_is_created_edited_and_deactivated(app, login_as):
    supervisor = login_as("supervisor")
    response = supervisor.post_form("/desk/admin/service-points/new", {
        "name": "杭州服务中心", "address": "杭州市滨江区长河路 1 号", "phone": "0571-8888 0000",
        "opening_hours": "周一至周五 9:00-18:00"})
    assert response.status_code == 302
    with app.app_context():
        point_id = db.session.scalar(db.select(ServicePoint.id).where(ServicePoint.name == "杭州服务中心"))
    taken = supervisor.post_form("/desk/admin/service-points/new", {"name": "杭州服务中心", "address": "别处"},
                                 headers=EN)
    assert taken.status_code == 422 and "Another service point has this name" in taken.get_data(as_text=True)
    assert supervisor.post_form(f"/desk/admin/service-points/{point_id}/active", {"active": "0"}).status_code == 302
    assert "杭州服务中心" not in supervisor.get("/desk/admin/organisation").get_data(as_text=True)
    assert "杭州服务中心" in supervisor.get("/desk/admin/organisation?inactive=1").get_data(as_text=True)


def test_an_engineer_profile_with_skills_home_point_and_hours(app, login_as):
    eid = engineer_id(app)
    with app.app_context():
        beijing = db.session.scalar(db.select(ServicePoint.id).where(ServicePoint.name == "北京服务中心"))
        department = db.session.scalar(db.select(Department.id).order_by(Department.id))
    supervisor = login_as("supervisor")
    page = supervisor.get(f"/desk/admin/engineers/{eid}/edit").get_data(as_text=True)
    assert 'type="checkbox"' in page and 'value="display"' in page
    response = supervisor.post_form(f"/desk/admin/engineers/{eid}/edit", {
        "skills": ["appliance", "display"], "region": "华北", "is_senior": "y", "department_id": str(department),
        "home_service_point_id": str(beijing), "work_days": "12345", "work_start": "09:00", "work_end": "18:00"})
    assert response.status_code == 302
    with app.app_context():
        engineer = db.session.get(User, eid)
        assert (engineer.skills, engineer.region, engineer.home_service_point_id, engineer.work_days) == (
            ["appliance", "display"], "华北", beijing, "12345")
        detail = db.session.scalars(db.select(SecurityEvent.detail).where(
            SecurityEvent.kind == "master_data_changed")).all()[-1]
    changes = next(iter(detail.values()))
    assert changes["skills"] == [["display", "equipment"], ["appliance", "display"]]


@pytest.mark.parametrize("overrides, field", [
    ({"work_days": "1238"}, "work_days"), ({"work_start": "25:00"}, "work_start"),
    ({"work_start": "18:00", "work_end": "09:00"}, "work_end"), ({"home_service_point_id": "999"},
                                                               "home_service_point_id"),
])
def test_bad_working_hours_are_refused_next_to_the_field(app, login_as, overrides, field):
    eid = engineer_id(app)
    data = {"region": "华东", "work_days": "12345", "work_start": "09:00", "work_end": "18:00", **overrides}
    response = login_as("supervisor").post_form(f"/desk/admin/engineers/{eid}/edit", data, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f'id="{field}-error"' in html and 'value="华东"' in html


def test_departments_and_who_may(app, login_as):
    supervisor = login_as("supervisor")
    assert supervisor.post_form("/desk/admin/departments/new", {"code": "field-north", "name": "华北服务部"}
                                ).status_code == 302
    assert "华北服务部" in supervisor.get("/desk/admin/organisation").get_data(as_text=True)
    assert supervisor.get(f"/desk/admin/engineers/{engineer_id(app, 'agent@example.com')}/edit").status_code == 404
    for role in ("agent", "engineer", "customer", "backoffice"):
        assert login_as(role).get("/desk/admin/organisation").status_code == 403
