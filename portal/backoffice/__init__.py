"""The desk: intake, the queue, triage and assignment, dispatch, the customer dialogue, printing, admin."""
from portal.backoffice import (  # noqa: F401  - importing a route module registers its routes
    bulk,
    catalogue,
    checklists,
    customer_records,
    customers,
    desk_work,
    dialogue,
    dispatch,
    intake,
    knowledge_admin,
    mail_log,
    master_import,
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
