"""The keyword log: a row per product whose title, description or category changed,
written by SQLite triggers, so the in-memory keyword index reads its own writes.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sesame.catalog.migrations.sqlite_fts import restore_keyword_log_triggers

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "keyword_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyword_log")),
        sqlite_autoincrement=True,  # ids never reused after pruning
    )
    restore_keyword_log_triggers()  # SQLite only; PostgreSQL ranks in the database


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("keyword_log_ai", "keyword_log_au", "keyword_log_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("keyword_log")
