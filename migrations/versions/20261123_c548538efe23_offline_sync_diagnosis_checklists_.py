"""Offline sync (idempotency records, conflicts), diagnosis, checklist templates, loaners.

Revision ID: c548538efe23
Revises: 6437ee487348
Create Date: 2026-11-23 19:19:39.499720

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c548538efe23'
down_revision = '6437ee487348'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('checklist_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_template')),
    sa.UniqueConstraint('category', name=op.f('uq_checklist_template_category'))
    )
    op.create_table('idempotency_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_idempotency_record_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_record')),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_record_user_key')
    )
    op.create_table('diagnosis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('cause_category', sa.String(length=30), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('workaround', sa.Text(), nullable=True),
    sa.Column('permanent_fix', sa.Text(), nullable=True),
    sa.Column('estimated_minutes', sa.Integer(), nullable=True),
    sa.Column('estimated_cost', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_diagnosis_created_by_id_user')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_diagnosis_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_diagnosis'))
    )
    with op.batch_alter_table('diagnosis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_diagnosis_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('loaner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('serial', sa.String(length=80), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('return_note', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_loaner_issued_by_id_user')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['user.id'], name=op.f('fk_loaner_returned_by_id_user')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_loaner_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loaner'))
    )
    with op.batch_alter_table('loaner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loaner_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('sync_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_sync_conflict_resolved_by_id_user')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_sync_conflict_ticket_id_ticket')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sync_conflict_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflict'))
    )
    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_conflict_ticket_id'), ['ticket_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_conflict_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checklist_key', sa.String(length=40), nullable=True))



def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_column('checklist_key')

    with op.batch_alter_table('sync_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_conflict_user_id'))
        batch_op.drop_index(batch_op.f('ix_sync_conflict_ticket_id'))

    op.drop_table('sync_conflict')
    with op.batch_alter_table('loaner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loaner_ticket_id'))

    op.drop_table('loaner')
    with op.batch_alter_table('diagnosis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_diagnosis_ticket_id'))

    op.drop_table('diagnosis')
    op.drop_table('idempotency_record')
    op.drop_table('checklist_template')
