"""An index on lower(title), so an exact-title query is a lookup, not a scan of every
product (measured 63 ms per search at 100,000 products before it).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_products_title_lower", "products", [sa.text("lower(title)")])


def downgrade() -> None:
    op.drop_index("ix_products_title_lower", table_name="products")
