"""Knowledge articles for several product categories: a row per (article, category); the single category each
article had moves there, and its column goes.

Revision ID: 7c1d3e5f9a20
Revises: 8e3f4a5b6c72
Create Date: 2026-11-30 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1d3e5f9a20'
down_revision = '8e3f4a5b6c72'
branch_labels = None
depends_on = None


def _table():
    return sa.table('knowledge_article_category', sa.column('article_id', sa.Integer()),
                    sa.column('category', sa.String()))


def upgrade():
    # Read first: on SQLite the batch below recreates knowledge_article, and dropping the old copy would cascade
    # into rows that already pointed at it.
    rows = op.get_bind().execute(sa.text(
        "SELECT id, product_category FROM knowledge_article WHERE product_category IS NOT NULL "
        "AND product_category <> ''")).all()
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_product_category'))
        batch_op.drop_column('product_category')
    op.create_table(
        'knowledge_article_category',
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'],
                                name=op.f('fk_knowledge_article_category_article_id_knowledge_article'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('article_id', 'category', name=op.f('pk_knowledge_article_category')),
    )
    with op.batch_alter_table('knowledge_article_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_category_category'), ['category'], unique=False)
    if rows:
        op.bulk_insert(_table(), [{"article_id": i, "category": c} for i, c in rows])


def downgrade():
    # An article in several categories keeps one of them (the first by name).
    first = op.get_bind().execute(sa.text(
        "SELECT article_id, MIN(category) FROM knowledge_article_category GROUP BY article_id")).all()
    with op.batch_alter_table('knowledge_article_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_category_category'))
    op.drop_table('knowledge_article_category')
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_category', sa.String(length=60), nullable=True))
        batch_op.create_index(batch_op.f('ix_knowledge_article_product_category'), ['product_category'], unique=False)
    for article_id, category in first:
        op.execute(sa.text("UPDATE knowledge_article SET product_category = :c WHERE id = :i")
                   .bindparams(c=category, i=article_id))
