"""Customer search at intake: a search column per customer (name, contacts' names, phones and e-mails,
registered serials) with the same indexes as the ticket search: FTS5 trigram and bigram tables (SQLite),
pg_trgm and GIN indexes (PostgreSQL).

Revision ID: c3f1a2b4d5e6
Revises: 8a409c612e17
Create Date: 2026-11-30 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c3f1a2b4d5e6'
down_revision = '8a409c612e17'
branch_labels = None
depends_on = None


def _backfill():
    """Customers made before search existed get their search text now."""
    from portal.domain.search import bigrams, customer_document

    bind = op.get_bind()
    contacts, serials = {}, {}
    for customer_id, name, phone, email in bind.execute(sa.text(
            "SELECT customer_id, name, phone, email FROM contact ORDER BY id")):
        contacts.setdefault(customer_id, []).append((name, phone, email))
    for customer_id, serial in bind.execute(sa.text("SELECT customer_id, serial FROM asset ORDER BY id")):
        serials.setdefault(customer_id, []).append(serial)
    for customer_id, name in bind.execute(sa.text("SELECT id, name FROM customer")).all():
        text = customer_document(name, contacts.get(customer_id, []), serials.get(customer_id, []))
        bind.execute(sa.text("UPDATE customer SET search_text = :t, search_bigrams = :b WHERE id = :id"),
                     {"t": text, "b": " ".join(bigrams(text)), "id": customer_id})


def upgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('search_bigrams', sa.Text(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_customer_search_trgm ON customer USING gin (search_text gin_trgm_ops)")
        op.execute("CREATE INDEX ix_customer_search_bigrams ON customer "
                   "USING gin (string_to_array(search_bigrams, ' '))")
        _backfill()
        return
    # SQLite: two FTS5 tables kept in step with the customer by triggers (rowid = customer.id). A later batch
    # migration that rebuilds `customer` drops these triggers with it and must create them again.
    op.execute("CREATE VIRTUAL TABLE customer_search_trigram USING fts5(body, tokenize='trigram')")
    op.execute("CREATE VIRTUAL TABLE customer_search_bigram USING fts5(body, tokenize='unicode61')")
    for table, column in (("customer_search_trigram", "search_text"), ("customer_search_bigram", "search_bigrams")):
        op.execute(f"""CREATE TRIGGER {table}_ai AFTER INSERT ON customer WHEN new.{column} IS NOT NULL BEGIN
                         INSERT INTO {table}(rowid, body) VALUES (new.id, new.{column}); END""")
        op.execute(f"""CREATE TRIGGER {table}_au AFTER UPDATE OF {column} ON customer BEGIN
                         DELETE FROM {table} WHERE rowid = old.id;
                         INSERT INTO {table}(rowid, body) SELECT new.id, new.{column} WHERE new.{column} IS NOT NULL;
                       END""")
        op.execute(f"""CREATE TRIGGER {table}_ad AFTER DELETE ON customer BEGIN
                         DELETE FROM {table} WHERE rowid = old.id; END""")
    _backfill()


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_customer_search_bigrams")
        op.execute("DROP INDEX IF EXISTS ix_customer_search_trgm")
    else:
        for table in ("customer_search_trigram", "customer_search_bigram"):
            for suffix in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}")
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('search_bigrams')
        batch_op.drop_column('search_text')
