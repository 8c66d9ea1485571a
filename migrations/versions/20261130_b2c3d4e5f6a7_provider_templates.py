"""Provider templates: per channel (SMS, WeChat) and kind of message, the approved template id and the placeholder
filling each template variable, set by an admin.

Revision ID: b2c3d4e5f6a7
Revises: a1d2e3f4b5c6
Create Date: 2026-11-30 23:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b2c3d4e5f6a7'
down_revision = 'a1d2e3f4b5c6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provider_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('template_id', sa.String(length=80), nullable=False),
    sa.Column('variables', sa.JSON(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_provider_template_updated_by_id_user'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_template')),
    sa.UniqueConstraint('channel', 'kind', name='uq_provider_template_channel_kind')
    )


def downgrade():
    op.drop_table('provider_template')
