"""Large master-data imports on the task queue: the valid rows of the previewed file imported all or nothing in
one transaction, in slices whose progress is written beside the uploads (a small JSON file, replaced at each
slice), because the run's own row cannot be committed before the rows are. The page polls a cheap endpoint:
the run's row by its key, and that file."""
import json
import os
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.domain import tabular
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import ImportRun, User
from portal.services import ServiceError, imports, jobs
from portal.services.storage import read_bytes

# kind: (check the file's rows, import the valid ones)
IMPORTERS = {
    "parts": (tabular.check_parts, imports.import_parts),
    "customers": (tabular.check_customers, imports.import_customers),
    "units": (imports.check_units, imports.import_units),
    "knowledge": (tabular.check_articles, imports.import_articles),
}
SLICE = 500
FINISHED = frozenset({"done", "failed"})


def in_background(valid_rows: int) -> bool:
    """Whether a file with this many valid rows is imported on the task queue rather than in the request."""
    return valid_rows > current_app.config["IMPORT_BACKGROUND_ROWS"]


def start(kind: str, filename: str, storage_key: str, total: int, by: User | None) -> ImportRun:
    run = ImportRun(kind=kind, filename=filename[:200], storage_key=storage_key, total=total,
                    requested_by_id=by.id if by else None, state="queued")
    db.session.add(run)
    db.session.flush()
    jobs.add("master_import", run.id)
    return run


def _progress_file(run_id: int) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "import-progress" / f"{run_id}.json"


def _write_progress(run_id: int, done: int, total: int) -> None:
    target = _progress_file(run_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".progress-")
    with os.fdopen(fd, "w") as handle:
        json.dump({"done": done, "total": total}, handle)
    os.replace(tmp, target)


def progress(run: ImportRun) -> tuple[int, int]:
    """(rows done, rows to do): the file while the run works, the row once it is finished."""
    if run.state == "done":
        return run.total, run.total
    if run.state == "running":
        try:
            data = json.loads(_progress_file(run.id).read_text())
            return min(int(data["done"]), run.total), run.total
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return 0, run.total


def execute(run: ImportRun, by: User | None) -> tuple[int, int]:
    """Check the file again (the database may have changed since the preview) and import its valid rows in
    slices, flushing each: the caller commits them all at once, or nothing on an error."""
    check, load = IMPORTERS[run.kind]
    try:
        checked = check(imports.read_rows(run.filename, read_bytes(run.storage_key)))
    except tabular.FileProblem as problem:
        raise ServiceError(_l("The file cannot be read any more (%(why)s).", why=str(problem))) from None
    valid = checked.valid
    run.total = len(valid)
    created = updated = 0
    _write_progress(run.id, 0, len(valid))
    for start in range(0, len(valid), SLICE):
        c, u = load(valid[start:start + SLICE], by)
        created, updated = created + c, updated + u
        _write_progress(run.id, min(start + SLICE, len(valid)), len(valid))
    return created, updated


def finish(run: ImportRun, created: int, updated: int) -> None:
    run.state, run.created, run.updated, run.finished_at = "done", created, updated, utcnow()
    _progress_file(run.id).unlink(missing_ok=True)


def fail(run: ImportRun, error: str) -> None:
    run.state, run.error, run.finished_at = "failed", error[:300], utcnow()
    _progress_file(run.id).unlink(missing_ok=True)
