"""Who uses the portal: the roles of accounts, the groups the views and the workflow name, and the actors
that are not accounts (a customer signing through a link)."""
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"
    ENGINEER = "engineer"
    BACKOFFICE = "backoffice"
    CUSTOMER = "customer"
    # Reads the figures (dashboard, exports, monthly reports); changes nothing.
    MANAGER = "manager"


# A customer who signs on their own phone through a remote link: no account, an actor of the workflow.
SIGNER = "signer"
# A customer who answers a resolution without a visit through the link of its message (confirmed, or not solved):
# no account, an actor of the workflow for exactly those two answers.
CONFIRMER = "confirmer"

EVERY_ROLE = frozenset(Role)
# Work tickets at the desk: intake, triage, assignment, the customer dialogue.
DESK = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
# Everyone in the office; back office reads and prints.
STAFF = DESK | {Role.BACKOFFICE}
# Dispatch, bulk actions, follow-up tasks, conflicts.
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
# The dashboard, its exports, the monthly reports and the defect flags.
ANALYSTS = frozenset({Role.MANAGER, Role.SUPERVISOR, Role.ADMIN})
ENGINEERS = frozenset({Role.ENGINEER})
CUSTOMERS = frozenset({Role.CUSTOMER})
