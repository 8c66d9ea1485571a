"""E-mail replies read from the reply mailbox: one row per message handled (by the hash of its Message-ID).

Revision ID: a1d2e3f4b5c6
Revises: 5b7e9d2c4a18
Create Date: 2026-11-30 23:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1d2e3f4b5c6'
down_revision = '5b7e9d2c4a18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_hash', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_inbound_mail_ticket_id_ticket'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_mail')),
    sa.UniqueConstraint('message_hash', name=op.f('uq_inbound_mail_message_hash'))
    )


def downgrade():
    op.drop_table('inbound_mail')
