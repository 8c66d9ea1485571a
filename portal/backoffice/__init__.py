"""The desk: intake, the queue, triage and assignment, dispatch, the customer dialogue, printing, admin."""
from portal.backoffice import (  # noqa: F401  - importing a route module registers its routes
    bulk,
    catalogue,
    checklists,
    customer_records,
    customers,
    dashboard,
    dialogue,
    dispatch,
    intake,
    knowledge_admin,
    mail_log,
    master_import,
    monthly_reports,
    organisation,
    outbox,
    printing,
    queue,
    security_log,
    sla_admin,
    task_admin,
    views,
)
from portal.backoffice.blueprint import bp

__all__ = ["bp"]
