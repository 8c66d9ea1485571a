"""in-app inbox

Revision ID: 3cd93ffd50c6
Revises: 9e58110f0a77
Create Date: 2026-11-30 14:37:52.141581

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3cd93ffd50c6'
down_revision = '9e58110f0a77'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'inbox_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_inbox_item_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_inbox_item_ticket_id_ticket'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_item')),
    )
    op.create_index('ix_inbox_item_user_read', 'inbox_item', ['user_id', 'read_at'], unique=False)


def downgrade():
    op.drop_index('ix_inbox_item_user_read', table_name='inbox_item')
    op.drop_table('inbox_item')
