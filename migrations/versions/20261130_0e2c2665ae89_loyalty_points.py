"""loyalty points: an append-only ledger of lots and allocations, rewards, redemptions, member days

Revision ID: 0e2c2665ae89
Revises: 4d8e2f1a9b07
Create Date: 2026-11-30 19:53:08.613256

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0e2c2665ae89'
down_revision = '4d8e2f1a9b07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('bonus_percent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_day'))
    )
    op.create_table('reward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points > 0', name=op.f('ck_reward_reward_points_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward'))
    )
    op.create_table('points_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('earned_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('source_key', sa.String(length=80), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'earn' AND points > 0) OR (kind <> 'earn' AND points < 0)", name=op.f('ck_points_entry_points_sign')),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_points_entry_actor_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_points_entry_customer_id_customer')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_points_entry_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entry')),
    sa.UniqueConstraint('source_key', name=op.f('uq_points_entry_source_key'))
    )
    with op.batch_alter_table('points_entry', schema=None) as batch_op:
        batch_op.create_index('ix_points_entry_customer_id', ['customer_id', 'id'], unique=False)

    op.create_table('points_allocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.CheckConstraint('points > 0', name=op.f('ck_points_allocation_allocation_positive')),
    sa.ForeignKeyConstraint(['entry_id'], ['points_entry.id'], name=op.f('fk_points_allocation_entry_id_points_entry')),
    sa.ForeignKeyConstraint(['lot_id'], ['points_entry.id'], name=op.f('fk_points_allocation_lot_id_points_entry')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_allocation'))
    )
    with op.batch_alter_table('points_allocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_allocation_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_allocation_lot_id'), ['lot_id'], unique=False)

    op.create_table('redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('reward_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('fulfilled_by_id', sa.Integer(), nullable=True),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fulfilment_note', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_redemption_customer_id_customer')),
    sa.ForeignKeyConstraint(['entry_id'], ['points_entry.id'], name=op.f('fk_redemption_entry_id_points_entry')),
    sa.ForeignKeyConstraint(['fulfilled_by_id'], ['user.id'], name=op.f('fk_redemption_fulfilled_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_redemption_requested_by_id_user')),
    sa.ForeignKeyConstraint(['reward_id'], ['reward.id'], name=op.f('fk_redemption_reward_id_reward')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redemption')),
    sa.UniqueConstraint('entry_id', name=op.f('uq_redemption_entry_id'))
    )
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redemption_customer_id'), ['customer_id'], unique=False)


def downgrade():
    for table in ('redemption', 'points_allocation', 'points_entry', 'reward', 'member_day'):
        op.drop_table(table)
