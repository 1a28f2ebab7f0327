"""Conversation topics: one conversation per buyer company, supplier and topic (a product's
id, or 0 for none), enforced by a unique index.

The old unique constraint over ``product_id`` let two general conversations (product NULL)
be opened at once, and a deleted product's conversation (``product_id`` set NULL) become a
second general one. ``topic`` keeps the product's id after the product is gone. Existing
duplicates are kept, messages and all: the earliest general conversation of a pair stays
topic 0 and each later one gets topic ``-id`` (shown as about no product, never reopened).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "conversations",
        sa.Column("topic", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute("UPDATE conversations SET topic = COALESCE(product_id, 0)")
    op.execute(
        "UPDATE conversations SET topic = -id WHERE topic = 0 AND id NOT IN ("
        " SELECT MIN(id) FROM conversations WHERE topic = 0"
        " GROUP BY buyer_company_id, supplier_id)"
    )
    op.create_index(
        "ux_conversations_topic",
        "conversations",
        ["buyer_company_id", "supplier_id", "topic"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ux_conversations_topic", table_name="conversations")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("topic")
