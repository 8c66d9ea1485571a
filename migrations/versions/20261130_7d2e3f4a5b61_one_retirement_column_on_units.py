"""one retirement column on units: the RMA's retired_at moment folded into the labels' retired_on day

The QR-label work added asset.retired_on (a day) and the RMA work asset.retired_at (a moment). A unit retired by
an RMA got both; one retired only by a moment gets its day in PORTAL_TIMEZONE, then retired_at goes.

Revision ID: 7d2e3f4a5b61
Revises: 6c1d2e3f4a50
Create Date: 2026-11-30 23:50:00.000000

"""
import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e3f4a5b61'
down_revision = '6c1d2e3f4a50'
branch_labels = None
depends_on = None

asset = sa.table('asset', sa.column('id', sa.Integer), sa.column('retired_on', sa.Date),
                 sa.column('retired_at', sa.DateTime(timezone=True)))


def _day(moment):
    if isinstance(moment, str):  # SQLite hands back text
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(os.environ.get("PORTAL_TIMEZONE", "Asia/Shanghai"))).date()


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(sa.select(asset.c.id, asset.c.retired_at).where(
        asset.c.retired_on.is_(None), asset.c.retired_at.is_not(None))).all()
    for row in rows:
        op.execute(asset.update().where(asset.c.id == row.id).values(retired_on=_day(row.retired_at)))
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_column('retired_at')


def downgrade():
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    # The moment is gone: the start of the retirement day (UTC midnight) stands for it.
    op.execute(asset.update().where(asset.c.retired_on.is_not(None))
               .values(retired_at=sa.cast(asset.c.retired_on, sa.DateTime(timezone=True))))
