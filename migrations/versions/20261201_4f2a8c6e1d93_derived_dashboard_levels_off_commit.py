"""dashboard levels derived off the commit path: stats_stale_day (the days whose derived stats_day levels lag
behind their "all" rows), indexes led by the engineer, the model and the region, and one on the open tickets'
rollup rows (the dashboard's backlog); the former levels' rows go
and every day is marked stale, so the dashboard reads the "all" rows until the every-minute task (or
`flask stats rebuild`) has derived the new levels

Revision ID: 4f2a8c6e1d93
Revises: b8e2f41c7a55
Create Date: 2026-12-01 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4f2a8c6e1d93'
down_revision = 'b8e2f41c7a55'
branch_labels = None
depends_on = None

OPEN_INCLUDE = ["status", "department_id", "category", "product_model_id", "channel", "priority", "tier",
                "engineer_id", "mode", "region"]


def upgrade():
    op.create_table('stats_stale_day',
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('day', name=op.f('pk_stats_stale_day')))
    op.execute("DELETE FROM stats_day WHERE level <> 'all'")
    op.execute("INSERT INTO stats_stale_day (day, version) SELECT DISTINCT day, 1 FROM stats_day")
    with op.batch_alter_table('stats_day', schema=None) as batch_op:
        batch_op.create_index('ix_stats_day_engineer', ['level', 'engineer_id', 'day'], unique=False)
        batch_op.create_index('ix_stats_day_model', ['level', 'product_model_id', 'day'], unique=False)
        batch_op.create_index('ix_stats_day_region', ['level', 'region', 'day'], unique=False)
    with op.batch_alter_table('ticket_fact', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_fact_open', ['created_at'], unique=False,
                              postgresql_include=OPEN_INCLUDE, postgresql_where=sa.text('closed_at IS NULL'),
                              sqlite_where=sa.text('closed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('ticket_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_fact_open')
    # The former levels are written again by `flask stats rebuild` (or the nightly task).
    with op.batch_alter_table('stats_day', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_day_region')
        batch_op.drop_index('ix_stats_day_model')
        batch_op.drop_index('ix_stats_day_engineer')
    op.execute("DELETE FROM stats_day WHERE level <> 'all'")
    op.drop_table('stats_stale_day')
