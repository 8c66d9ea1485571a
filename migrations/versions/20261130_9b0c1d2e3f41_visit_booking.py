"""visits moved, cancelled and booked by customers; customers' wishes for another visit time

Revision ID: 9b0c1d2e3f41
Revises: 8d2e4f6a0b31
Create Date: 2026-11-30 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b0c1d2e3f41'
down_revision = '8d2e4f6a0b31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('booked_by_customer', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'visit_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('wish', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_visit_request_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_visit_request_requested_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_request')),
    )
    with op.batch_alter_table('visit_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_request_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_request_handled_at'), ['handled_at'], unique=False)


def downgrade():
    with op.batch_alter_table('visit_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_request_handled_at'))
        batch_op.drop_index(batch_op.f('ix_visit_request_ticket_id'))
    op.drop_table('visit_request')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_column('booked_by_customer')
        batch_op.drop_column('sequence')
