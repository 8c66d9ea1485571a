"""Admin: the task queue's failed tasks, with their error, to retry or drop (both in the security log)."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.domain.roles import ADMINS
from portal.services import jobs
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, saved, submit
from portal.web.render import render


def _page(status: int = 200, form: ButtonForm | None = None):
    return render("backoffice/failed_tasks.html", tasks=jobs.failed(), counts=jobs.counts(),
                  button=form or ButtonForm(), http_status=status)


@bp.get("/admin/tasks")
@roles_required(*ADMINS)
def failed_tasks():
    return _page()


def _act(task_id: int, use_case, message):
    form = ButtonForm()
    return submit(form, lambda _f: use_case(task_id, current_user),
                  done=lambda _task: saved(message, url_for("backoffice.failed_tasks")),
                  again=lambda status, error: _page(status, form))


@bp.post("/admin/tasks/<int:task_id>/retry")
@roles_required(*ADMINS)
def retry_task(task_id: int):
    return _act(task_id, jobs.retry, _("The task is queued again."))


@bp.post("/admin/tasks/<int:task_id>/drop")
@roles_required(*ADMINS)
def drop_task(task_id: int):
    return _act(task_id, jobs.drop, _("The task is dropped."))
