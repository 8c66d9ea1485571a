"""customer tiers with their benefits (the VIP flag becomes the VIP tier), and account managers' check-ins

Revision ID: b2c3d4e5f6a8
Revises: a1b2c3d4e5f7
Create Date: 2026-11-30 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2c3d4e5f6a8'
down_revision = 'a1b2c3d4e5f7'
branch_labels = None
depends_on = None

# The defaults of seed 003's tiers; VIP keeps what the VIP flag did (one priority level up, the account manager
# involved) and gets the check-in calls of high-value customers.
DEFAULT_TIERS = [
    # code, zh, en, rank, boost, response, free call-out, points %, manager, check-in days, upgrade at
    ('standard', '普通', 'Standard', 0, 0, None, False, 100, False, None, None),
    ('silver', '银卡', 'Silver', 1, 0, None, False, 120, False, None, 3),
    ('gold', '金卡', 'Gold', 2, 0, 240, True, 150, True, 90, 6),
    ('vip', 'VIP', 'VIP', 3, 1, 120, True, 200, True, 30, 12),
]


def upgrade():
    tier = op.create_table(
        'customer_tier',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name_zh', sa.String(length=40), nullable=False),
        sa.Column('name_en', sa.String(length=40), nullable=False),
        sa.Column('rank', sa.Integer(), nullable=False),
        sa.Column('priority_boost', sa.Integer(), server_default='0', nullable=False),
        sa.Column('response_minutes', sa.Integer(), nullable=True),
        sa.Column('free_callout', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('points_percent', sa.Integer(), server_default='100', nullable=False),
        sa.Column('account_manager', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('checkin_days', sa.Integer(), nullable=True),
        sa.Column('upgrade_tickets_12m', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_tier')),
        sa.UniqueConstraint('code', name=op.f('uq_customer_tier_code')),
    )
    op.bulk_insert(tier, [
        {'code': c, 'name_zh': zh, 'name_en': en, 'rank': rank, 'priority_boost': boost, 'response_minutes': resp,
         'free_callout': free, 'points_percent': pts, 'account_manager': mgr, 'checkin_days': days,
         'upgrade_tickets_12m': up, 'active': True}
        for c, zh, en, rank, boost, resp, free, pts, mgr, days, up in DEFAULT_TIERS])
    op.execute("UPDATE customer SET tier = 'standard' WHERE tier IS NULL OR tier NOT IN "
               "('standard', 'silver', 'gold', 'vip')")
    op.create_table(
        'customer_check_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('manager_id', sa.Integer(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_check_in_customer_id_customer')),
        sa.ForeignKeyConstraint(['manager_id'], ['user.id'], name=op.f('fk_customer_check_in_manager_id_user')),
        sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_customer_check_in_done_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_check_in')),
    )
    with op.batch_alter_table('customer_check_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_check_in_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_check_in_manager_id'), ['manager_id'], unique=False)


def downgrade():
    with op.batch_alter_table('customer_check_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_check_in_manager_id'))
        batch_op.drop_index(batch_op.f('ix_customer_check_in_customer_id'))
    op.drop_table('customer_check_in')
    op.drop_table('customer_tier')
