"""Which of a page's optional records exist, asked in one statement: most tickets have no quote, loaner or
document, and a page then reads only the tables that hold something."""
from portal.extensions import db


def checks_statement(checks: dict):
    """`checks`: name → an EXISTS condition (sqlalchemy.exists().where(...)); one statement asking them all. A page
    builds it once with bound values (sqlalchemy.bindparam) and runs it with which_hold."""
    return db.select(*(check.label(name) for name, check in checks.items()))


def which_hold(statement, params: dict | None = None) -> frozenset[str]:
    """The names whose condition holds, from a checks_statement."""
    row = db.session.execute(statement, params).one()
    return frozenset(name for name, held in row._mapping.items() if held)


def which_exist(checks: dict) -> frozenset[str]:
    """The names of `checks` whose condition holds."""
    return which_hold(checks_statement(checks))
