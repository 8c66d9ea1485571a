"""The desk works a ticket to the end: links between related tickets, and from a merged duplicate to its original.

Revision ID: 5b7e2d9c4a13
Revises: fa44faab7bb8
Create Date: 2026-11-30 19:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5b7e2d9c4a13'
down_revision = 'fa44faab7bb8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ticket_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('other_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_ticket_link_created_by_id_user')),
        sa.ForeignKeyConstraint(['other_id'], ['ticket.id'], name=op.f('fk_ticket_link_other_id_ticket')),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_link_ticket_id_ticket')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_link')),
        sa.UniqueConstraint('ticket_id', 'other_id', name=op.f('uq_ticket_link_ticket_id')),
    )
    op.create_index(op.f('ix_ticket_link_other_id'), 'ticket_link', ['other_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_ticket_link_other_id'), table_name='ticket_link')
    op.drop_table('ticket_link')
