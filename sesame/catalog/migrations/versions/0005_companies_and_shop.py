"""Companies and roles, verifications, the audit trail, index jobs, the change log,
catalog uploads, and optional prices.

Every account moves into a company, with no loss: a buyer becomes the admin of a
company of its own that buys; every supplier gets a company that sells, and its
staff become that company's staff. A supplier imported as verified keeps that as
a verification without expiry ("catalog import").

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from sesame.catalog.migrations.sqlite_fts import restore_fts_triggers

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NO_EXPIRY = 253402300799.0  # 9999-12-31: verified without an end date


def upgrade() -> None:
    _create_companies()
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="admin")
        )
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verified_until", sa.Float(), nullable=True))
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_company_id", sa.Integer(), nullable=True))
    _create_operations()
    _move_people_into_companies(op.get_bind())
    _finish_people_tables()
    _optional_prices_and_status()


def _create_companies() -> None:
    op.create_table(
        "companies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("buys", sa.Boolean(), nullable=False),
        sa.Column("sells", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
    )


def _tables(bind: Any) -> dict[str, sa.Table]:
    meta = sa.MetaData()
    return {name: sa.Table(name, meta, autoload_with=bind) for name in (
        "companies", "accounts", "suppliers", "conversations", "verifications"
    )}  # fmt: skip


def _move_people_into_companies(bind: Any) -> None:
    t = _tables(bind)
    now = sa.func.now() if bind.dialect.name == "postgresql" else sa.func.current_timestamp()
    for supplier_id, name, verified in bind.execute(
        sa.select(t["suppliers"].c.id, t["suppliers"].c.name, t["suppliers"].c.verified)
    ).all():
        company = _new_company(bind, t, name, buys=False, sells=True, now=now)
        values: dict[str, Any] = {"company_id": company}
        if verified:
            values["verified_until"] = NO_EXPIRY
            bind.execute(t["verifications"].insert().values(
                supplier_id=supplier_id, checks=["catalog import"], note="", source="catalog",
                created_at=now,
            ))  # fmt: skip
        bind.execute(
            t["suppliers"].update().where(t["suppliers"].c.id == supplier_id).values(values)
        )
    suppliers = dict(
        bind.execute(sa.select(t["suppliers"].c.id, t["suppliers"].c.company_id)).all()
    )
    for account_id, name, kind, supplier_id in bind.execute(
        sa.select(
            t["accounts"].c.id,
            t["accounts"].c.name,
            t["accounts"].c.kind,
            t["accounts"].c.supplier_id,
        )
    ).all():
        if kind == "supplier" and supplier_id in suppliers:
            values = {"company_id": suppliers[supplier_id], "role": "staff"}
        else:
            values = {"company_id": _new_company(bind, t, name, buys=True, sells=False, now=now),
                      "role": "admin"}  # fmt: skip
        bind.execute(t["accounts"].update().where(t["accounts"].c.id == account_id).values(values))
    accounts = t["accounts"]
    bind.execute(
        t["conversations"]
        .update()
        .values(
            buyer_company_id=sa.select(accounts.c.company_id)
            .where(accounts.c.id == t["conversations"].c.buyer_id)
            .scalar_subquery()
        )
    )


def _new_company(bind: Any, t: dict[str, sa.Table], name: str, *, buys: bool, sells: bool,
                 now: Any) -> int:  # fmt: skip
    inserted = bind.execute(
        t["companies"]
        .insert()
        .values(name=name, buys=buys, sells=sells, created_at=now)
        .returning(t["companies"].c.id)
    )
    return int(inserted.scalar_one())


def _finish_people_tables() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_supplier_id")
        batch_op.drop_constraint("fk_accounts_supplier_id_suppliers", type_="foreignkey")
        batch_op.drop_column("supplier_id")
        batch_op.drop_column("kind")
        batch_op.create_foreign_key(
            op.f("fk_accounts_company_id_companies"), "companies", ["company_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_accounts_company_id"), ["company_id"], unique=False)
    with op.batch_alter_table("suppliers", schema=None) as batch_op:
        batch_op.drop_column("verified")
        batch_op.create_foreign_key(
            op.f("fk_suppliers_company_id_companies"), "companies", ["company_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        batch_op.create_unique_constraint(op.f("uq_suppliers_company_id"), ["company_id"])
        batch_op.create_index(batch_op.f("ix_suppliers_verified_until"), ["verified_until"])
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_conversations_buyer_id", type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_conversations_buyer_company_id"),
            ["buyer_company_id", "supplier_id", "product_id"],
        )
        batch_op.create_foreign_key(
            op.f("fk_conversations_buyer_company_id_companies"), "companies",
            ["buyer_company_id"], ["id"], ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_conversations_buyer_company_id"), ["buyer_company_id"])


def _optional_prices_and_status() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        for name in ("price_min", "price_max", "price_min_usd", "price_max_usd"):
            batch_op.alter_column(name, existing_type=sa.Float(), nullable=True)
        batch_op.alter_column("currency", existing_type=sa.String(length=3), nullable=True)
        batch_op.alter_column("moq", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="indexed")
        )
        batch_op.add_column(sa.Column("status_reason", sa.String(length=500), nullable=True))
    restore_fts_triggers()  # SQLite: the rebuilt table lost them


def _create_operations() -> None:
    op.create_table(
        "verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("verified_by", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], ondelete="CASCADE",
                                name=op.f("fk_verifications_supplier_id_suppliers")),
        sa.ForeignKeyConstraint(["verified_by"], ["accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_verifications_verified_by_accounts")),
        sa.ForeignKeyConstraint(["revoked_by"], ["accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_verifications_revoked_by_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verifications")),
    )  # fmt: skip
    op.create_index(op.f("ix_verifications_supplier_id"), "verifications", ["supplier_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_audit_events_actor_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )  # fmt: skip
    _create_jobs_changes_uploads()


def _create_jobs_changes_uploads() -> None:
    op.create_table(
        "index_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_jobs")),
    )
    op.create_index(op.f("ix_index_jobs_state"), "index_jobs", ["state"])
    op.create_index(op.f("ix_index_jobs_target_id"), "index_jobs", ["target_id"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_table(
        "catalog_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("total_lines", sa.Integer(), nullable=False),
        sa.Column("processed_lines", sa.Integer(), nullable=False),
        sa.Column("products_loaded", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], ondelete="CASCADE",
                                name=op.f("fk_catalog_uploads_supplier_id_suppliers")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_catalog_uploads_account_id_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_uploads")),
    )  # fmt: skip
    op.create_index(op.f("ix_catalog_uploads_supplier_id"), "catalog_uploads", ["supplier_id"])


def downgrade() -> None:
    raise NotImplementedError(
        "0005 moves accounts into companies; restore a backup to go back to 0004."
    )
