"""the RMA refund linked to the ticket's bill: rma.bill_id, bill.refunded_fen

Revision ID: 8e3f4a5b6c72
Revises: 7d2e3f4a5b61
Create Date: 2026-11-30 23:58:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8e3f4a5b6c72'
down_revision = '7d2e3f4a5b61'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refunded_fen', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('rma', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bill_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rma_bill_id_bill'), 'bill', ['bill_id'], ['id'])


def downgrade():
    with op.batch_alter_table('rma', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rma_bill_id_bill'), type_='foreignkey')
        batch_op.drop_column('bill_id')
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.drop_column('refunded_fen')
