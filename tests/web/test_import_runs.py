"""A large master-data file is imported on the task queue with a progress bar (htmx polls a cheap endpoint):
all its valid rows in one transaction, or none of them."""
import re

from portal.extensions import db
from portal.models import ImportRun, Part
from portal.services import ServiceError, import_runs
from tests.conftest import count_queries
from tests.web.test_master_import import HEADER, upload

EN = {"Accept-Language": "en"}


def parts_file(count: int, bad: int = 1) -> bytes:
    rows = [f"BG-{n:05d},后台导入备件 {n},电源,{10 + n}.50,12,否" for n in range(count)]
    rows += [f"BG-BAD-{n},坏行,,abc,6,否" for n in range(bad)]
    return (HEADER + "\n".join(rows) + "\n").encode("utf-8-sig")


def imported(app, prefix="BG-0") -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Part).where(Part.code.startswith(prefix)))


def test_a_large_file_runs_in_the_background_and_shows_its_progress(app, login_as, monkeypatch):
    app.config["IMPORT_BACKGROUND_ROWS"] = 5
    monkeypatch.setattr(import_runs, "SLICE", 4)
    supervisor = login_as("supervisor")
    assert 'data-valid="10"' in upload(supervisor, parts_file(10)).get_data(as_text=True)
    response = supervisor.post_form("/desk/admin/import/parts/confirm", {})
    assert response.status_code == 302 and re.search(r"/desk/admin/import/runs/\d+$", response.location)
    with app.app_context():
        run = db.session.scalars(db.select(ImportRun)).one()
        assert (run.state, run.total, run.created, run.updated) == ("done", 10, 10, 0)
    assert imported(app) == 10
    page = supervisor.get(response.location, headers=EN).get_data(as_text=True)
    run_html = page.split('id="import-run"', 1)[1].split("</article>", 1)[0]
    assert 'data-state="done"' in run_html and "Parts imported: 10 new, 0 updated." in run_html
    assert "hx-get" not in run_html  # finished: no more polling


def test_a_small_file_is_still_imported_in_the_request(app, login_as):
    app.config["IMPORT_BACKGROUND_ROWS"] = 500
    supervisor = login_as("supervisor")
    upload(supervisor, parts_file(3))
    response = supervisor.post_form("/desk/admin/import/parts/confirm", {})
    assert response.status_code == 302 and "/import/runs/" not in response.location and imported(app) == 3


def test_a_failure_in_a_later_slice_saves_nothing(app, login_as, monkeypatch):
    app.config["IMPORT_BACKGROUND_ROWS"] = 5
    monkeypatch.setattr(import_runs, "SLICE", 4)
    check, load = import_runs.IMPORTERS["parts"]
    calls = []

    def load_then_fail(valid, by):
        calls.append(len(valid))
        if len(calls) == 2:
            raise ServiceError("disk full while importing")
        return load(valid, by)

    monkeypatch.setitem(import_runs.IMPORTERS, "parts", (check, load_then_fail))
    supervisor = login_as("supervisor")
    upload(supervisor, parts_file(10))
    location = supervisor.post_form("/desk/admin/import/parts/confirm", {}).location
    assert calls == [4, 4]  # the first slice was flushed, then rolled back with the rest
    assert imported(app) == 0
    page = supervisor.get(location, headers=EN).get_data(as_text=True)
    assert 'data-state="failed"' in page and "nothing was saved" in page and "disk full while importing" in page


def test_the_progress_is_polled_from_a_cheap_fragment(app, login_as):
    with app.app_context():
        run = ImportRun(kind="customers", filename="客户.xlsx", storage_key="x/none.import", total=8000,
                        state="running")
        db.session.add(run)
        db.session.commit()
        import_runs._write_progress(run.id, 3000, 8000)
        run_id = run.id
    supervisor = login_as("supervisor")
    url = f"/desk/admin/import/runs/{run_id}"
    fragment = supervisor.get(url, headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith("{#") or fragment.lstrip().startswith("<article")
    assert '<progress value="3000" max="8000"' in fragment and f'hx-get="{url}"' in fragment
    assert "3000 of 8000 rows" in fragment
    assert count_queries(app, supervisor, url) <= 4
    for role in ("agent", "engineer", "customer"):
        assert login_as(role).get(url).status_code == 403
    assert supervisor.get("/desk/admin/import/runs/999999").status_code == 404
