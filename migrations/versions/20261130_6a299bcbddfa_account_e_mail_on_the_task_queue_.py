"""account e-mail on the task queue: notifications on no ticket

Revision ID: 6a299bcbddfa
Revises: c0c0ebd29b7c
Create Date: 2026-11-30 14:12:05.073459

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6a299bcbddfa'
down_revision = 'c0c0ebd29b7c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM notification WHERE ticket_id IS NULL")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.alter_column('ticket_id', existing_type=sa.Integer(), nullable=False)
