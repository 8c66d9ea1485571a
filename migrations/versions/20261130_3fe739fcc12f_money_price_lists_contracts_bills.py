"""The money of a repair: price lists with validity dates (labour by category, call-out by district or km, depot
fee, VAT per line type, quote tolerance), service contracts, bills with their frozen lines, payments and invoice
requests. Amounts in integer fen, rates in basis points. Tables are only added.

Revision ID: 3fe739fcc12f
Revises: 0e2c2665ae89
Create Date: 2026-11-30 19:21:49.926132

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3fe739fcc12f'
down_revision = '0e2c2665ae89'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('price_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('labour_rates', sa.JSON(), nullable=False),
    sa.Column('callout_zones', sa.JSON(), nullable=False),
    sa.Column('callout_per_km_fen', sa.Integer(), nullable=False),
    sa.Column('callout_minimum_fen', sa.Integer(), nullable=False),
    sa.Column('depot_fee_fen', sa.Integer(), nullable=False),
    sa.Column('vat_labour_bp', sa.Integer(), nullable=False),
    sa.Column('vat_part_bp', sa.Integer(), nullable=False),
    sa.Column('vat_callout_bp', sa.Integer(), nullable=False),
    sa.Column('vat_depot_bp', sa.Integer(), nullable=False),
    sa.Column('quote_tolerance_bp', sa.Integer(), nullable=False),
    sa.Column('quote_tolerance_fen', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_price_list_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_list'))
    )
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_valid_from'), ['valid_from'], unique=False)

    op.create_table('service_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('serials', sa.JSON(), nullable=False),
    sa.Column('product_model_ids', sa.JSON(), nullable=False),
    sa.Column('covers', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('response_hours', sa.Integer(), nullable=True),
    sa.Column('visits_per_year', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_service_contract_customer_id_customer')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_service_contract_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_contract')),
    sa.UniqueConstraint('number', name=op.f('uq_service_contract_number'))
    )
    with op.batch_alter_table('service_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_contract_customer_id'), ['customer_id'], unique=False)

    op.create_table('bill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('quote_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('gross_fen', sa.Integer(), nullable=False),
    sa.Column('covered_fen', sa.Integer(), nullable=False),
    sa.Column('due_fen', sa.Integer(), nullable=False),
    sa.Column('vat_fen', sa.Integer(), nullable=False),
    sa.Column('paid_fen', sa.Integer(), nullable=False),
    sa.Column('labour_minutes', sa.Integer(), nullable=True),
    sa.Column('labour_reason', sa.String(length=300), nullable=True),
    sa.Column('senior_rate', sa.Boolean(), nullable=False),
    sa.Column('callout_km', sa.Integer(), nullable=True),
    sa.Column('depot', sa.Boolean(), nullable=False),
    sa.Column('goodwill', sa.JSON(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['service_contract.id'], name=op.f('fk_bill_contract_id_service_contract')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_bill_customer_id_customer')),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_list.id'], name=op.f('fk_bill_price_list_id_price_list')),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], name=op.f('fk_bill_quote_id_quote')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_bill_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill')),
    sa.UniqueConstraint('number', name=op.f('uq_bill_number')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_bill_ticket_id'))
    )
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_bill_status_due', ['status', 'due_fen', 'paid_fen'], unique=False)

    op.create_table('bill_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('ref', sa.String(length=80), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=False),
    sa.Column('vat_bp', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('payer', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('goodwill_reason', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['bill_id'], ['bill.id'], name=op.f('fk_bill_line_bill_id_bill'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_line'))
    )
    with op.batch_alter_table('bill_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_line_bill_id'), ['bill_id'], unique=False)

    op.create_table('invoice_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title_kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('tax_number', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('bank', sa.String(length=120), nullable=True),
    sa.Column('bank_account', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('invoice_number', sa.String(length=40), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('file_type', sa.String(length=60), nullable=True),
    sa.Column('file_key', sa.String(length=200), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['bill.id'], name=op.f('fk_invoice_request_bill_id_bill')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_invoice_request_customer_id_customer')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_invoice_request_issued_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_invoice_request_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_request'))
    )
    with op.batch_alter_table('invoice_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_request_bill_id'), ['bill_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_request_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_request_status'), ['status'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bill_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('client_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['bill_id'], ['bill.id'], name=op.f('fk_payment_bill_id_bill')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_payment_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_bill_id'), ['bill_id'], unique=False)


def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_bill_id'))

    op.drop_table('payment')
    with op.batch_alter_table('invoice_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_request_status'))
        batch_op.drop_index(batch_op.f('ix_invoice_request_customer_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_request_bill_id'))

    op.drop_table('invoice_request')
    with op.batch_alter_table('bill_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_line_bill_id'))

    op.drop_table('bill_line')
    with op.batch_alter_table('bill', schema=None) as batch_op:
        batch_op.drop_index('ix_bill_status_due')
        batch_op.drop_index(batch_op.f('ix_bill_customer_id'))

    op.drop_table('bill')
    with op.batch_alter_table('service_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_contract_customer_id'))

    op.drop_table('service_contract')
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_list_valid_from'))

    op.drop_table('price_list')
