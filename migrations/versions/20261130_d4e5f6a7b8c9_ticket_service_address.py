"""Ticket service address: where the engineer goes, one of the customer's sites or typed at intake.

Revision ID: d4e5f6a7b8c9
Revises: c3f1a2b4d5e6
Create Date: 2026-11-30 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd4e5f6a7b8c9'
down_revision = 'c3f1a2b4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    # add_column needs no table rebuild on SQLite, so the ticket search triggers stay.
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_address', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('service_address')
