"""dashboard levels: stats_day keeps every dimension alone, every pair and every triple besides the base levels
(low, lowm, lowe, all), with indexes led by the engineer, the model and the region, and one on the rows with open tickets;
the rows of the former levels go (`flask stats rebuild`, or the nightly task, writes the new ones)

Revision ID: 3b7e9d1c5a42
Revises: b8e2f41c7a55
Create Date: 2026-12-01 04:45:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b7e9d1c5a42'
down_revision = 'b8e2f41c7a55'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM stats_day")
    with op.batch_alter_table('stats_day', schema=None) as batch_op:
        batch_op.create_index('ix_stats_day_engineer', ['level', 'engineer_id', 'day'], unique=False)
        batch_op.create_index('ix_stats_day_model', ['level', 'product_model_id', 'day'], unique=False)
        batch_op.create_index('ix_stats_day_region', ['level', 'region', 'day'], unique=False)
        batch_op.create_index('ix_stats_day_open', ['level', 'day'], unique=False,
                              postgresql_where=sa.text('open_now > 0'), sqlite_where=sa.text('open_now > 0'))
        batch_op.create_index('ix_stats_day_open_engineer', ['level', 'engineer_id'], unique=False,
                              postgresql_where=sa.text('open_now > 0'), sqlite_where=sa.text('open_now > 0'))


def downgrade():
    op.execute("DELETE FROM stats_day")
    with op.batch_alter_table('stats_day', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_day_open_engineer')
        batch_op.drop_index('ix_stats_day_open')
        batch_op.drop_index('ix_stats_day_region')
        batch_op.drop_index('ix_stats_day_model')
        batch_op.drop_index('ix_stats_day_engineer')
