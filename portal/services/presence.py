"""Which of a page's optional records exist, asked in one statement: most tickets have no quote, loaner or
document, and a page then reads only the tables that hold something."""
from portal.extensions import db


def which_exist(checks: dict) -> frozenset[str]:
    """`checks`: name → an EXISTS condition (sqlalchemy.exists().where(...)); the names whose condition holds."""
    row = db.session.execute(db.select(*(check.label(name) for name, check in checks.items()))).one()
    return frozenset(name for name, held in row._mapping.items() if held)
