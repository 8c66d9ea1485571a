"""resolution links: the signed, single-use link in the message of a resolution without a visit, through which
the customer confirms it or says it is not solved without an account (only the token's hash is stored)

Revision ID: b8e2f41c7a55
Revises: fd5510eb6845
Create Date: 2026-12-01 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e2f41c7a55'
down_revision = 'fd5510eb6845'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('resolution_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_resolution_link_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_link')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_resolution_link_token_sha256'))
    )
    with op.batch_alter_table('resolution_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_link_ticket_id'), ['ticket_id'], unique=False)


def downgrade():
    with op.batch_alter_table('resolution_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolution_link_ticket_id'))
    op.drop_table('resolution_link')
