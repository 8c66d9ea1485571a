"""Text search over tickets: search columns, FTS5 trigram and bigram tables (SQLite), pg_trgm and GIN
indexes (PostgreSQL).

Revision ID: 5e3a9c1d7b20
Revises: fa4201715f94
Create Date: 2026-11-24 21:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e3a9c1d7b20'
down_revision = 'fa4201715f94'
branch_labels = None
depends_on = None


def _backfill():
    """Tickets registered before search existed get their search text now."""
    from portal.domain.search import bigrams, document

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT t.id, t.number, c.name, t.contact_name, t.contact_phone, t.serial, t.description "
        "FROM ticket t JOIN customer c ON c.id = t.customer_id")).all()
    for row in rows:
        text = document(*row[1:])
        bind.execute(sa.text("UPDATE ticket SET search_text = :t, search_bigrams = :b WHERE id = :id"),
                     {"t": text, "b": " ".join(bigrams(text)), "id": row[0]})


def upgrade():
    # add_column needs no table rebuild on SQLite. A later batch migration that rebuilds `ticket` drops its
    # triggers with it: such a migration must create the triggers below again.
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('search_bigrams', sa.Text(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_ticket_search_trgm ON ticket USING gin (search_text gin_trgm_ops)")
        # Bigrams as an array of words: "contains this bigram" is an indexed lookup.
        op.execute("CREATE INDEX ix_ticket_search_bigrams ON ticket "
                   "USING gin (string_to_array(search_bigrams, ' '))")
        _backfill()
        return
    # SQLite: two FTS5 tables kept in step with the ticket by triggers (rowid = ticket.id).
    op.execute("CREATE VIRTUAL TABLE ticket_search_trigram USING fts5(body, tokenize='trigram')")
    op.execute("CREATE VIRTUAL TABLE ticket_search_bigram USING fts5(body, tokenize='unicode61')")
    for table, column in (("ticket_search_trigram", "search_text"), ("ticket_search_bigram", "search_bigrams")):
        op.execute(f"""CREATE TRIGGER {table}_ai AFTER INSERT ON ticket WHEN new.{column} IS NOT NULL BEGIN
                         INSERT INTO {table}(rowid, body) VALUES (new.id, new.{column}); END""")
        op.execute(f"""CREATE TRIGGER {table}_au AFTER UPDATE OF {column} ON ticket BEGIN
                         DELETE FROM {table} WHERE rowid = old.id;
                         INSERT INTO {table}(rowid, body) SELECT new.id, new.{column} WHERE new.{column} IS NOT NULL;
                       END""")
        op.execute(f"""CREATE TRIGGER {table}_ad AFTER DELETE ON ticket BEGIN
                         DELETE FROM {table} WHERE rowid = old.id; END""")
    _backfill()


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_ticket_search_bigrams")
        op.execute("DROP INDEX IF EXISTS ix_ticket_search_trgm")
    else:
        for table in ("ticket_search_trigram", "ticket_search_bigram"):
            for suffix in ("ai", "au", "ad"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}")
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('search_bigrams')
        batch_op.drop_column('search_text')
