"""Messages that reach people: the engineer's "On my way" on the visit (when, and the expected arrival), and the
update due time a progress reminder was last sent for on the ticket (so that the periodic task sends it once), and
the satisfaction call-back on the survey (seed 004's answer, the invitation and its reminder); the customer's
message preferences (channel per kind, opting out, quiet hours) and the time a message is held until; the
admin's message texts per kind and language; the customer's WeChat link (openid).

Revision ID: 4d8e2f1a9b07
Revises: 3cd93ffd50c6
Create Date: 2026-11-30 19:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = '4d8e2f1a9b07'
down_revision = '3cd93ffd50c6'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN: no table rebuild on SQLite.
    op.add_column('visit', sa.Column('on_the_way_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('visit', sa.Column('expected_arrival_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('ticket', sa.Column('update_reminded_for', sa.DateTime(timezone=True), nullable=True))
    op.add_column('survey', sa.Column('satisfaction', sa.String(length=20), nullable=True))
    op.add_column('survey', sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('survey', sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('notification', sa.Column('held_until', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'message_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channels', sa.JSON(), nullable=True),
        sa.Column('opted_out', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('quiet_hours', sa.String(length=11), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_message_preference_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_message_preference')),
    )
    op.create_table(
        'message_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('locale', sa.String(length=10), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_message_text_updated_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_text')),
        sa.UniqueConstraint('kind', 'locale', name='uq_message_text_kind_locale'),
    )
    op.create_table(
        'wechat_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=64), nullable=False),
        sa.Column('openid', sa.String(length=64), nullable=True),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_wechat_link_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wechat_link')),
        sa.UniqueConstraint('user_id', name=op.f('uq_wechat_link_user_id')),
        sa.UniqueConstraint('state', name=op.f('uq_wechat_link_state')),
        sa.UniqueConstraint('openid', name=op.f('uq_wechat_link_openid')),
    )
    # The periodic progress reminder reads the tickets whose update is due through this index.
    op.create_index(op.f('ix_ticket_update_due_at'), 'ticket', ['update_due_at'], unique=False)


def downgrade():
    op.drop_table('wechat_link')
    op.drop_table('message_text')
    op.drop_table('message_preference')
    with op.batch_alter_table('notification') as batch_op:
        batch_op.drop_column('held_until')
    with op.batch_alter_table('survey') as batch_op:
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('invited_at')
        batch_op.drop_column('satisfaction')
    op.drop_index(op.f('ix_ticket_update_due_at'), table_name='ticket')
    with op.batch_alter_table('ticket') as batch_op:
        batch_op.drop_column('update_reminded_for')
    with op.batch_alter_table('visit') as batch_op:
        batch_op.drop_column('expected_arrival_at')
        batch_op.drop_column('on_the_way_at')
