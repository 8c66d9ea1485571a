"""the base level's rows of one model with what the table per engineer sums: an index PostgreSQL reads alone
(a model filter with two low dimensions leaves that table the base level; it read a heap page per row)

Revision ID: 9a3c5e7b1d24
Revises: 4f2a8c6e1d93
Create Date: 2026-12-01 14:15:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9a3c5e7b1d24'
down_revision = '4f2a8c6e1d93'
branch_labels = None
depends_on = None

KEYS = ["product_model_id", "day", "excluded", "priority", "mode", "tier", "channel", "category", "department_id",
        "region", "engineer_id"]
INCLUDE = ["created", "closed_now", "labour_minutes", "done", "fixed", "decided", "met", "answers", "satisfied"]


def upgrade():
    with op.batch_alter_table('stats_day', schema=None) as batch_op:
        batch_op.create_index('ix_stats_day_base_model', KEYS, unique=False, postgresql_include=INCLUDE,
                              postgresql_where=sa.text("level = 'all'"), sqlite_where=sa.text("level = 'all'"))


def downgrade():
    with op.batch_alter_table('stats_day', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_day_base_model')
