"""Customer master data: customers and contacts can be deactivated (never deleted: tickets refer to them).

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-11-30 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e5f6a7b8c9d0'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE ... ADD COLUMN: batch mode would rebuild `customer` on SQLite for a NOT NULL column and
    # drop the customer search triggers with it.
    for table in ('customer', 'contact'):
        op.add_column(table, sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+) keeps the table and its triggers.
    for table in ('contact', 'customer'):
        op.execute(f'ALTER TABLE {table} DROP COLUMN active')
