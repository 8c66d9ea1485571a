"""channels: template variables on messages, the log provider's outbox

Revision ID: 9e58110f0a77
Revises: 6a299bcbddfa
Create Date: 2026-11-30 14:32:33.169761

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e58110f0a77'
down_revision = '6a299bcbddfa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=True))
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('notification_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('template_id', sa.String(length=80), nullable=True),
        sa.Column('variables', sa.JSON(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['notification_id'], ['notification.id'],
                                name=op.f('fk_outbox_message_notification_id_notification'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    )
    op.create_index(op.f('ix_outbox_message_notification_id'), 'outbox_message', ['notification_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_outbox_message_notification_id'), table_name='outbox_message')
    op.drop_table('outbox_message')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_column('data')
