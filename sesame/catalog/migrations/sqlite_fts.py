"""SQLite: the triggers that keep the keyword index (FTS5) and the keyword log in step
with ``products``.

Batch mode rebuilds a table (copy, drop, rename) and the triggers go with the old
one: a migration that rebuilds ``products`` on SQLite calls ``restore_fts_triggers``
after it. The FTS statements are those of 0001, the log's those of 0008.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

_SQLITE_FTS_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS products_fts_ai AFTER INSERT ON products BEGIN
        INSERT INTO products_fts(rowid, title, description, category)
        VALUES (new.id, new.title, new.description, new.category);
    END""",
    """CREATE TRIGGER IF NOT EXISTS products_fts_ad AFTER DELETE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, title, description, category)
        VALUES ('delete', old.id, old.title, old.description, old.category);
    END""",
    """CREATE TRIGGER IF NOT EXISTS products_fts_au AFTER UPDATE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, title, description, category)
        VALUES ('delete', old.id, old.title, old.description, old.category);
        INSERT INTO products_fts(rowid, title, description, category)
        VALUES (new.id, new.title, new.description, new.category);
    END""",
]


# The in-memory keyword index re-reads these products (sesame.catalog.keyword_memory).
_KEYWORD_LOG_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS keyword_log_ai AFTER INSERT ON products BEGIN
        INSERT INTO keyword_log(product_id) VALUES (new.id);
    END""",
    """CREATE TRIGGER IF NOT EXISTS keyword_log_au
        AFTER UPDATE OF id, title, description, category ON products BEGIN
        INSERT INTO keyword_log(product_id) VALUES (old.id);
        INSERT INTO keyword_log(product_id) VALUES (new.id);
    END""",
    """CREATE TRIGGER IF NOT EXISTS keyword_log_ad AFTER DELETE ON products BEGIN
        INSERT INTO keyword_log(product_id) VALUES (old.id);
    END""",
]


def restore_fts_triggers() -> None:
    """Re-create the triggers (if missing) and rebuild the index from the table."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _SQLITE_FTS_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
    if sa.inspect(op.get_bind()).has_table("keyword_log"):  # from 0008 on
        restore_keyword_log_triggers()


def restore_keyword_log_triggers() -> None:
    """The keyword log's triggers (SQLite; PostgreSQL ranks keywords in the database)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _KEYWORD_LOG_TRIGGERS:
        op.execute(statement)
