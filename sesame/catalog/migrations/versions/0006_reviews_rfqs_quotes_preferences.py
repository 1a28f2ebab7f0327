"""Reviews, requests for quotation and quotes, buyer preferences and recent views,
translated free text; products' lead time; suppliers' base rating (what the catalog
or an operator set) kept apart from the reviews folded into ``rating``.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sesame.catalog.migrations.sqlite_fts import restore_fts_triggers

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_translations",
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("source_language", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "source_hash", "source_language", "language", name=op.f("pk_text_translations")
        ),
    )
    op.create_table(
        "preferences",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("verified_only", sa.Boolean(), nullable=False),
        sa.Column("price_min_usd", sa.Float(), nullable=True),
        sa.Column("price_max_usd", sa.Float(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_preferences_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_preferences")),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=True),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("reply_language", sa.String(length=8), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts.id"],
            name=op.f("fk_reviews_author_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_company_id"],
            ["companies.id"],
            name=op.f("fk_reviews_buyer_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_reviews_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "buyer_company_id", "supplier_id", name=op.f("uq_reviews_buyer_company_id")
        ),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_supplier_id"), ["supplier_id"], unique=False)

    op.create_table(
        "rfqs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_company_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("image_path", sa.String(length=300), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("target_price", sa.Float(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("destination_country", sa.String(length=2), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("verified_only", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("accepted_quote_id", sa.Integer(), nullable=True),
        sa.Column("match_note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts.id"],
            name=op.f("fk_rfqs_author_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_company_id"],
            ["companies.id"],
            name=op.f("fk_rfqs_buyer_company_id_companies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rfqs")),
    )
    with op.batch_alter_table("rfqs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rfqs_buyer_company_id"), ["buyer_company_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_rfqs_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_rfqs_status"), ["status"], unique=False)

    op.create_table(
        "product_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_product_views_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_views_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_product_views_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_views")),
    )
    with op.batch_alter_table("product_views", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_product_views_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "rfq_matches",
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rfq_id"], ["rfqs.id"], name=op.f("fk_rfq_matches_rfq_id_rfqs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_rfq_matches_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rfq_id", "supplier_id", name=op.f("pk_rfq_matches")),
    )
    with op.batch_alter_table("rfq_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rfq_matches_supplier_id"), ["supplier_id"], unique=False
        )

    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("unit_price", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("unit_price_usd", sa.Float(), nullable=False),
        sa.Column("moq", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("incoterm", sa.String(length=3), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["accounts.id"],
            name=op.f("fk_quotes_author_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_quotes_conversation_id_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_id"], ["rfqs.id"], name=op.f("fk_quotes_rfq_id_rfqs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["suppliers.id"],
            name=op.f("fk_quotes_supplier_id_suppliers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("rfq_id", "supplier_id", name=op.f("uq_quotes_rfq_id")),
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotes_rfq_id"), ["rfq_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_quotes_supplier_id"), ["supplier_id"], unique=False)

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_time_days", sa.Integer(), nullable=True))

    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("base_rating", sa.Float(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("base_review_count", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute("UPDATE suppliers SET base_rating = rating, base_review_count = review_count")


def downgrade() -> None:
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_column("base_review_count")
        batch_op.drop_column("base_rating")

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("lead_time_days")
    restore_fts_triggers()

    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotes_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_quotes_rfq_id"))

    op.drop_table("quotes")
    with op.batch_alter_table("rfq_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rfq_matches_supplier_id"))

    op.drop_table("rfq_matches")
    with op.batch_alter_table("product_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_product_views_account_id"))

    op.drop_table("product_views")
    with op.batch_alter_table("rfqs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rfqs_status"))
        batch_op.drop_index(batch_op.f("ix_rfqs_deadline"))
        batch_op.drop_index(batch_op.f("ix_rfqs_buyer_company_id"))

    op.drop_table("rfqs")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_supplier_id"))

    op.drop_table("reviews")
    op.drop_table("preferences")
    op.drop_table("text_translations")
