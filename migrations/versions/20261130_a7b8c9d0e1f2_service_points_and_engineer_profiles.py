"""Service points (name, address, phone, opening hours), and engineers' home service point and working hours.

Revision ID: a7b8c9d0e1f2
Revises: f6a7b8c9d0e1
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7b8c9d0e1f2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'service_point',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('opening_hours', sa.String(length=200), nullable=True),
        sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_service_point')),
        sa.UniqueConstraint('name', name=op.f('uq_service_point_name')),
    )
    # Plain ADD COLUMN, the foreign key inline on SQLite: no rebuild of `user`, which every other table refers to.
    for column in ('work_days', 'work_start', 'work_end'):
        op.add_column('user', sa.Column(column, sa.String(length=7 if column == 'work_days' else 5), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE user ADD COLUMN home_service_point_id INTEGER '
                   'CONSTRAINT fk_user_home_service_point_id_service_point REFERENCES service_point (id)')
    else:
        op.add_column('user', sa.Column('home_service_point_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_user_home_service_point_id_service_point', 'user', 'service_point',
                              ['home_service_point_id'], ['id'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint('fk_user_home_service_point_id_service_point', type_='foreignkey')
        for column in ('home_service_point_id', 'work_end', 'work_start', 'work_days'):
            batch_op.drop_column(column)
    op.drop_table('service_point')
