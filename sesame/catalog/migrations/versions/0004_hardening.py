"""Hardening: idempotency keys per conversation, token expiry, WebSocket tickets,
translation back-off, and a durable cache of translated product text.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Tokens made before expiry existed live this long from the upgrade on.
LEGACY_TOKEN_DAYS = 30


def upgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_messages_sender_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_messages_conversation_id", ["conversation_id", "sender_id", "client_id"]
        )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(_legacy_expiry())
    with op.batch_alter_table("message_translations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    _create_ws_tickets()
    _create_product_translations()


def _legacy_expiry() -> sa.TextClause:
    if op.get_bind().dialect.name == "postgresql":
        return sa.text(
            f"UPDATE api_tokens SET expires_at = now() + interval '{LEGACY_TOKEN_DAYS} days'"
        )
    return sa.text(
        f"UPDATE api_tokens SET expires_at = datetime('now', '+{LEGACY_TOKEN_DAYS} days')"
    )


def _create_ws_tickets() -> None:
    op.create_table(
        "ws_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_hash", sa.String(length=64), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_tokens.id"],
            name=op.f("fk_ws_tickets_token_id_api_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ws_tickets")),
        sa.UniqueConstraint("ticket_hash", name=op.f("uq_ws_tickets_ticket_hash")),
    )


def _create_product_translations() -> None:
    op.create_table(
        "product_translations",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_translations_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "product_id", "language", "field", name=op.f("pk_product_translations")
        ),
    )


def downgrade() -> None:
    op.drop_table("product_translations")
    op.drop_table("ws_tickets")
    with op.batch_alter_table("message_translations", schema=None) as batch_op:
        batch_op.drop_column("retry_at")
        batch_op.drop_column("attempts")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_messages_conversation_id", type_="unique")
        batch_op.create_unique_constraint("uq_messages_sender_id", ["sender_id", "client_id"])
