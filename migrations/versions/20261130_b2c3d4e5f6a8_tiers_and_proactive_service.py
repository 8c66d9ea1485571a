"""customer tiers with their benefits (the VIP flag becomes the VIP tier), account managers' check-ins, and
proactive service: marketing consent, campaigns and recalls, warranty-ending notices, maintenance plans

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
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('priority', sa.String(length=2), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_campaign_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign'))
    )
    op.create_table('consent_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('given', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_consent_event_contact_id_contact')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_consent_event_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_event'))
    )
    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_event_contact_id'), ['contact_id'], unique=False)

    op.create_table('maintenance_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('every_months', sa.Integer(), nullable=True),
    sa.Column('every_hours', sa.Integer(), nullable=True),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('next_due', sa.Date(), nullable=False),
    sa.Column('next_hours', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_maintenance_plan_asset_id_asset')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_maintenance_plan_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_plan'))
    )
    with op.batch_alter_table('maintenance_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_plan_asset_id'), ['asset_id'], unique=False)

    op.create_table('meter_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('read_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_meter_reading_asset_id_asset')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_meter_reading_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meter_reading'))
    )
    with op.batch_alter_table('meter_reading', schema=None) as batch_op:
        batch_op.create_index('ix_meter_reading_asset_read', ['asset_id', 'read_on'], unique=False)

    op.create_table('planned_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('skipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['maintenance_plan.id'], name=op.f('fk_planned_visit_plan_id_maintenance_plan')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_planned_visit_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_visit')),
    sa.UniqueConstraint('plan_id', 'due_on', name='uq_planned_visit_plan_id')
    )
    with op.batch_alter_table('planned_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_visit_plan_id'), ['plan_id'], unique=False)

    op.create_table('campaign_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('not_told', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_campaign_unit_asset_id_asset')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_unit_campaign_id_campaign')),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_campaign_unit_notification_id_notification')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_campaign_unit_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_unit')),
    sa.UniqueConstraint('campaign_id', 'asset_id', name='uq_campaign_unit_campaign_id')
    )
    with op.batch_alter_table('campaign_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_unit_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_unit_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('warranty_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=False),
    sa.Column('warranty_end', sa.Date(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=True),
    sa.Column('not_told', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], name=op.f('fk_warranty_notice_asset_id_asset')),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_warranty_notice_notification_id_notification')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warranty_notice')),
    sa.UniqueConstraint('asset_id', 'warranty_end', name='uq_warranty_notice_asset_id')
    )
    # Added in place (no batch): SQLite keeps the contact table as it is.
    op.add_column('contact', sa.Column('marketing_consent', sa.Boolean(), nullable=True))


def downgrade():
    op.drop_column('contact', 'marketing_consent')
    for table in ('warranty_notice', 'campaign_unit', 'planned_visit', 'meter_reading', 'maintenance_plan',
                  'consent_event', 'campaign'):
        op.drop_table(table)
    with op.batch_alter_table('customer_check_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_check_in_manager_id'))
        batch_op.drop_index(batch_op.f('ix_customer_check_in_customer_id'))
    op.drop_table('customer_check_in')
    op.drop_table('customer_tier')
