"""dashboard figures and batch-defect flags: one row of figures per ticket, the flags of the daily check,
monthly reports and their subscribers

Revision ID: fa44faab7bb8
Revises: b2c3d4e5f6a8
Create Date: 2026-11-30 19:32:10.498289

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fa44faab7bb8'
down_revision = 'b2c3d4e5f6a8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('defect_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_model_id', sa.Integer(), nullable=False),
    sa.Column('lot', sa.String(length=60), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('recent', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=False),
    sa.Column('p_value', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_model_id'], ['product_model.id'], name=op.f('fk_defect_flag_product_model_id_product_model')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_defect_flag')),
    sa.UniqueConstraint('product_model_id', 'lot', 'day', name='uq_defect_flag_model_lot_day')
    )
    with op.batch_alter_table('defect_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_defect_flag_day'), ['day'], unique=False)

    op.create_table('monthly_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('scheduled', sa.Boolean(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_monthly_report_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monthly_report'))
    )
    with op.batch_alter_table('monthly_report', schema=None) as batch_op:
        batch_op.create_index('ix_monthly_report_period', ['start', 'end'], unique=False)
        batch_op.create_index(batch_op.f('ix_monthly_report_state'), ['state'], unique=False)

    op.create_table('report_subscriber',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_report_subscriber_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_report_subscriber'))
    )

    op.create_table('ticket_fact',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('priority', sa.String(length=2), nullable=True),
    sa.Column('category', sa.String(length=30), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=True),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.Column('region', sa.String(length=60), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('product_model_id', sa.Integer(), nullable=True),
    sa.Column('engineer_id', sa.Integer(), nullable=True),
    sa.Column('serial', sa.String(length=80), nullable=True),
    sa.Column('lot', sa.String(length=60), nullable=True),
    sa.Column('cause_category', sa.String(length=30), nullable=True),
    sa.Column('response_seconds', sa.Integer(), nullable=True),
    sa.Column('resolution_seconds', sa.Integer(), nullable=True),
    sa.Column('response_met', sa.Boolean(), nullable=True),
    sa.Column('resolution_met', sa.Boolean(), nullable=True),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('reopens', sa.Integer(), nullable=False),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('labour_minutes', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_ticket_fact_department_id_department')),
    sa.ForeignKeyConstraint(['engineer_id'], ['user.id'], name=op.f('fk_ticket_fact_engineer_id_user')),
    sa.ForeignKeyConstraint(['product_model_id'], ['product_model.id'], name=op.f('fk_ticket_fact_product_model_id_product_model')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_fact_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_ticket_fact'))
    )
    with op.batch_alter_table('ticket_fact', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_fact_closed', ['closed_at'], unique=False)
        batch_op.create_index('ix_ticket_fact_created', ['created_at'], unique=False)
        batch_op.create_index('ix_ticket_fact_model_created', ['product_model_id', 'created_at'], unique=False)


def downgrade():
    op.drop_table('report_subscriber')
    with op.batch_alter_table('monthly_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monthly_report_state'))
        batch_op.drop_index('ix_monthly_report_period')
    op.drop_table('monthly_report')
    with op.batch_alter_table('ticket_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_fact_model_created')
        batch_op.drop_index('ix_ticket_fact_created')
        batch_op.drop_index('ix_ticket_fact_closed')
    op.drop_table('ticket_fact')
    with op.batch_alter_table('defect_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_defect_flag_day'))
    op.drop_table('defect_flag')
