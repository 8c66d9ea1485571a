"""Registered units: invoice date and purchase channel, kept with the purchase date and extended warranty.

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-11-30 16:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('asset', sa.Column('invoice_date', sa.Date(), nullable=True))
    op.add_column('asset', sa.Column('purchase_channel', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_column('purchase_channel')
        batch_op.drop_column('invoice_date')
