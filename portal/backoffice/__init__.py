"""The desk: intake, the queue, triage and assignment, dispatch, the customer dialogue, printing, admin."""
from portal.backoffice import (  # noqa: F401  - importing a route module registers its routes
    bulk,
    catalogue,
    checklists,
    customer_records,
    customers,
    dashboard,
    device_labels,
    dialogue,
    dispatch,
    intake,
    knowledge_admin,
    mail_log,
    master_import,
    message_texts,
    money_admin,
    money_desk,
    monthly_reports,
    organisation,
    outbox,
    points,
    printing,
    proactive,
    queue,
    security_log,
    sla_admin,
    task_admin,
    tiers,
    views,
)
from portal.backoffice.blueprint import bp

__all__ = ["bp"]
