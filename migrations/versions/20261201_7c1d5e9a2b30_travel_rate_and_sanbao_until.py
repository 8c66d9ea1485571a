"""Travel time on the bill and the 三包 period on it: the price list's travel rate per started quarter hour
(0: travel is not billed, the call-out fee covers the trip), the travel time a bill was made with, and the end
of the 三包 period its free repair lines were decided on.

Revision ID: 7c1d5e9a2b30
Revises: c4d5e6f7a8b9
Create Date: 2026-12-01 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d5e9a2b30'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.add_column(sa.Column('travel_quarter_fen', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sanbao_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('travel_minutes', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.drop_column('travel_minutes')
        batch_op.drop_column('sanbao_until')
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.drop_column('travel_quarter_fen')
