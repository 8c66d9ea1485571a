"""task queue: a row per piece of pending work

Revision ID: c0c0ebd29b7c
Revises: b8c9d0e1f2a3
Create Date: 2026-11-30 14:08:27.064412

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0c0ebd29b7c'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'queued_task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('ref_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('run_after', sa.DateTime(timezone=True), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_queued_task')),
    )
    op.create_index('ix_queued_task_state_updated', 'queued_task', ['state', 'updated_at'], unique=False)


def downgrade():
    op.drop_index('ix_queued_task_state_updated', table_name='queued_task')
    op.drop_table('queued_task')
