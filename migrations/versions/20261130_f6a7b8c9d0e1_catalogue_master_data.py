"""Catalogue master data: parts get a category, a unit price in integer fen and whether they are
serial-tracked; product models and parts can be deactivated (never deleted: tickets and repairs refer to them).

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-11-30 15:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f6a7b8c9d0e1'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: no table rebuild on SQLite.
    op.add_column('part', sa.Column('category', sa.String(length=60), nullable=True))
    op.add_column('part', sa.Column('unit_price_fen', sa.Integer(), server_default='0', nullable=False))
    op.add_column('part', sa.Column('serial_tracked', sa.Boolean(), server_default=sa.false(), nullable=False))
    for table in ('part', 'product_model'):
        op.add_column(table, sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    for table, column in (('product_model', 'active'), ('part', 'active'), ('part', 'serial_tracked'),
                          ('part', 'unit_price_fen'), ('part', 'category')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
