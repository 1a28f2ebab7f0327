"""SQLite: the triggers that keep the keyword index (FTS5) in step with ``products``.

Batch mode rebuilds a table (copy, drop, rename) and the triggers go with the old
one: a migration that rebuilds ``products`` on SQLite calls ``restore_fts_triggers``
after it. The statements are those of 0001, which made them.
"""

from __future__ import annotations

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


def restore_fts_triggers() -> None:
    """Re-create the triggers (if missing) and rebuild the index from the table."""
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in _SQLITE_FTS_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
