"""Remote signing: where the link went and the one-time code that confirms the signer; e-mail kept where no mail
server is configured (development).

Revision ID: b7d41c2e9a10
Revises: 620b8d0f9e38
Create Date: 2026-11-30 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c2e9a10'
down_revision = '620b8d0f9e38'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('remote_acceptance_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_to', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('code_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('code_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('codes_sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('code_verified_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'outgoing_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
    )


def downgrade():
    op.drop_table('outgoing_mail')
    with op.batch_alter_table('remote_acceptance_link', schema=None) as batch_op:
        for column in ('code_verified_at', 'codes_sent', 'code_sent_at', 'code_expires_at',
                       'code_sha256', 'sent_to'):
            batch_op.drop_column(column)
