"""Supplier province, and indexes on province and city (the location filters).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("province", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_suppliers_province"), ["province"], unique=False)
        batch_op.create_index(batch_op.f("ix_suppliers_city"), ["city"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suppliers_city"))
        batch_op.drop_index(batch_op.f("ix_suppliers_province"))
        batch_op.drop_column("province")
