"""points spent as a discount on a bill: the points held for the bill and the ledger entry that holds them

Revision ID: 7c1d4e2f9a30
Revises: 9b0c1d2e3f41
Create Date: 2026-11-30 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d4e2f9a30'
down_revision = '9b0c1d2e3f41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points_held', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('points_entry_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_bill_points_entry_id_points_entry'), 'points_entry',
                                    ['points_entry_id'], ['id'])


def downgrade():
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bill_points_entry_id_points_entry'), type_='foreignkey')
        batch_op.drop_column('points_entry_id')
        batch_op.drop_column('points_held')
