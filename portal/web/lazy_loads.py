"""Tests can make a lazy load while a template renders raise (RAISE_ON_TEMPLATE_LAZY_LOAD): a page reads what
it shows in its view's statements, so a list drawn in a template does not cost one more statement per row."""
from flask import before_render_template, current_app, g, has_app_context, template_rendered
from sqlalchemy import event
from sqlalchemy.orm import Session


class LazyLoadInTemplate(RuntimeError):
    pass


def install(app) -> None:
    """Watch rendering in a testing app; the check itself is off until a test sets the setting."""
    if not app.testing:
        return
    before_render_template.connect(_rendering, app)
    template_rendered.connect(_rendered, app)
    if not event.contains(Session, "do_orm_execute", _check):
        event.listen(Session, "do_orm_execute", _check)


def _rendering(sender, template, context, **extra):
    g.portal_rendering = g.get("portal_rendering", 0) + 1


def _rendered(sender, template, context, **extra):
    g.portal_rendering -= 1


def _check(state) -> None:
    if ((state.is_relationship_load or state.is_column_load) and has_app_context() and g.get("portal_rendering")
            and current_app.config.get("RAISE_ON_TEMPLATE_LAZY_LOAD")):
        raise LazyLoadInTemplate(f"lazy load while rendering a template: {state.statement}")
