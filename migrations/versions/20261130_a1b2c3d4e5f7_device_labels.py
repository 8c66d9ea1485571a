"""device labels: retired units and phone checks of the label's public page

Revision ID: a1b2c3d4e5f7
Revises: 3fe739fcc12f
Create Date: 2026-11-30 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f7'
down_revision = '3fe739fcc12f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_on', sa.Date(), nullable=True))
    op.create_table(
        'phone_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('asset_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('code_sha256', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_phone_check_asset_id_asset')),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_phone_check_ticket_id_ticket')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_check')),
    )
    with op.batch_alter_table('phone_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phone_check_asset_id'), ['asset_id'], unique=False)


def downgrade():
    with op.batch_alter_table('phone_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_phone_check_asset_id'))
    op.drop_table('phone_check')
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_column('retired_on')
