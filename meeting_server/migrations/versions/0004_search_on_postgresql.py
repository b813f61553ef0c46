"""Full-text search on PostgreSQL, as SQLite has had since revision 0001.

A GIN index over `to_tsvector('simple', folded)`: the text is folded already
(no diacritics, đ as d, lower case: search/fold.py), so the 'simple'
configuration, which neither stems nor drops stop words, gives the words
FTS5 indexes on SQLite, and a query finds the same entries on either. The
`unaccent` extension would fold again what is folded, and misses đ. Nothing
on SQLite: its FTS5 table is in 0001.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEX = "ix_search_entry_folded_tsv"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {INDEX} ON search_entry USING gin (to_tsvector('simple', folded))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
