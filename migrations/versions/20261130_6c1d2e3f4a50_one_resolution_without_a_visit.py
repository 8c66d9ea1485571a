"""one resolution without a visit: the remote path's events renamed to the desk's

The remote path resolved with a "resolved" event marked remote and was confirmed with "fix_confirmed"; the one
path (portal.services.resolution) writes "resolved_remotely" and "resolution_confirmed". Old events are renamed so
that the customer's confirmation, the automatic closing and reopening find them.

Revision ID: 6c1d2e3f4a50
Revises: 7c1d5e9a2b30
Create Date: 2026-11-30 23:40:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c1d2e3f4a50'
down_revision = '7c1d5e9a2b30'
branch_labels = None
depends_on = None

event = sa.table('ticket_event', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                 sa.column('data', sa.JSON))


def _remote(data) -> bool:
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return False
    return isinstance(data, dict) and bool(data.get('remote'))


def upgrade():
    bind = op.get_bind()
    op.execute(event.update().where(event.c.kind == 'fix_confirmed').values(kind='resolution_confirmed'))
    remote = [row.id for row in bind.execute(sa.select(event.c.id, event.c.data).where(event.c.kind == 'resolved'))
              if _remote(row.data)]
    for start in range(0, len(remote), 500):
        op.execute(event.update().where(event.c.id.in_(remote[start:start + 500])).values(kind='resolved_remotely'))


def downgrade():
    # The renamed events cannot be told from the desk's own: they stay as they are (no schema changed).
    pass
