"""service modes, 三包 decisions, parcels and RMAs

Revision ID: 5b7e9d2c4a18
Revises: 5b7e2d9c4a13
Create Date: 2026-11-30 19:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e9d2c4a18'
down_revision = '5b7e2d9c4a13'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), nullable=True))
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_paid_fen', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('replaced_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_asset_replaced_by_id_asset'), 'asset', ['replaced_by_id'], ['id'])
    op.create_table(
        'entitlement_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('decision', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('entitlement', sa.JSON(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_entitlement_decision_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_entitlement_decision_decided_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement_decision')),
    )
    op.create_index(op.f('ix_entitlement_decision_ticket_id'), 'entitlement_decision', ['ticket_id'], unique=False)
    op.create_table(
        'remote_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('tried', sa.Text(), nullable=False),
        sa.Column('result', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_remote_session_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_remote_session_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_remote_session')),
    )
    op.create_index(op.f('ix_remote_session_ticket_id'), 'remote_session', ['ticket_id'], unique=False)
    op.create_table(
        'parcel',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('method', sa.String(length=15), nullable=False),
        sa.Column('carrier', sa.String(length=20), nullable=True),
        sa.Column('tracking_number', sa.String(length=40), nullable=True),
        sa.Column('misfit_confirmed', sa.Boolean(), nullable=False),
        sa.Column('service_point_id', sa.Integer(), nullable=True),
        sa.Column('pickup_code', sa.String(length=8), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_parcel_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'],
                                name=op.f('fk_parcel_service_point_id_service_point')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_parcel_recorded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_parcel')),
    )
    op.create_index(op.f('ix_parcel_ticket_id'), 'parcel', ['ticket_id'], unique=False)
    op.create_table(
        'depot_receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('received_by_id', sa.Integer(), nullable=False),
        sa.Column('serial_read', sa.String(length=80), nullable=False),
        sa.Column('serial_matches', sa.Boolean(), nullable=False),
        sa.Column('mismatch_note', sa.String(length=500), nullable=True),
        sa.Column('condition', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_depot_receipt_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['received_by_id'], ['user.id'], name=op.f('fk_depot_receipt_received_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_depot_receipt')),
    )
    op.create_index(op.f('ix_depot_receipt_ticket_id'), 'depot_receipt', ['ticket_id'], unique=False)
    op.create_table(
        'rma',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=24), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('entitlement', sa.JSON(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('refund_fen', sa.Integer(), nullable=True),
        sa.Column('exchange_asset_id', sa.Integer(), nullable=True),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_rma_ticket_id_ticket'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_rma_requested_by_id_user')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_rma_approved_by_id_user')),
        sa.ForeignKeyConstraint(['exchange_asset_id'], ['asset.id'], name=op.f('fk_rma_exchange_asset_id_asset')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rma')),
        sa.UniqueConstraint('ticket_id', name=op.f('uq_rma_ticket_id')),
        sa.UniqueConstraint('number', name=op.f('uq_rma_number')),
    )


def downgrade():
    op.drop_table('rma')
    op.drop_index(op.f('ix_depot_receipt_ticket_id'), table_name='depot_receipt')
    op.drop_table('depot_receipt')
    op.drop_index(op.f('ix_parcel_ticket_id'), table_name='parcel')
    op.drop_table('parcel')
    op.drop_index(op.f('ix_remote_session_ticket_id'), table_name='remote_session')
    op.drop_table('remote_session')
    op.drop_index(op.f('ix_entitlement_decision_ticket_id'), table_name='entitlement_decision')
    op.drop_table('entitlement_decision')
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_asset_replaced_by_id_asset'), type_='foreignkey')
        batch_op.drop_column('replaced_by_id')
        batch_op.drop_column('retired_at')
        batch_op.drop_column('price_paid_fen')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('mode')
