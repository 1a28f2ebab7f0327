"""One conversation per buyer company, supplier and topic (a product, or none), on both
databases: a deleted product's conversation never becomes a second general one, two
requests opening the general one at once make one, and a 0008 database with duplicates
upgrades without losing any."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.db import _alembic_config, make_engine
from sesame.catalog.models import Conversation
from sesame.chat.service import _find_or_open
from tests.catalog.rows import adder, tables_at

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def fill(engine: Engine, revision: str) -> dict[str, int]:
    """A supplier with a product, and a buyer company with an account, at ``revision``."""
    tables = tables_at(engine, revision)
    with engine.begin() as db:
        add = adder(db, tables)
        common = {"content_hash": "x", "updated_at": NOW}
        supplier = add("suppliers", external_id="sup-1", name="Foshan Iron", country="CN",
                       city="Foshan", province="Guangdong", languages=["zh"],
                       rating=4.0, review_count=3, years_in_business=5, response_rate=0.9,
                       **common)  # fmt: skip
        product = add("products", external_id="p-1", supplier_id=supplier, title="Table legs",
                      description="Iron", category="furniture", price_min=5, price_max=7,
                      currency="USD", price_min_usd=5, price_max_usd=7, moq=100,
                      moq_unit="pieces", attributes={}, **common)  # fmt: skip
        company = add("companies", name="Texas Tables", buys=True, sells=False, created_at=NOW)
        account = add("accounts", role="admin", name="Ana", language="en", company_id=company,
                      created_at=NOW)  # fmt: skip
    return {"supplier": supplier, "product": product, "company": company, "account": account}


def talk(engine: Engine, ids: dict[str, int], product: int | None) -> int:
    with Session(engine) as session:
        found, _ = _find_or_open(session, ids["company"], ids["account"], ids["supplier"], product)
        return found.id


def test_a_deleted_products_conversation_stays_apart_from_the_general_one(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    ids = fill(engine, "head")
    general, about = talk(engine, ids, None), talk(engine, ids, ids["product"])
    assert general != about
    with Session(engine) as session:
        repo.delete_products(session, [ids["product"]])
        session.commit()
        gone = session.get_one(Conversation, about)
        assert (gone.product_id, gone.topic) == (None, ids["product"])
    assert talk(engine, ids, None) == general  # found once, not two general conversations
    engine.dispose()


def test_two_requests_opening_the_general_conversation_at_once_make_one(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(database_url)
    ids = fill(engine, "head")
    first = talk(engine, ids, None)  # the other request, which got there first
    looked: list[object] = []
    scalar = Session.scalar

    def not_there_yet(self: Session, *args: Any, **kwargs: Any) -> Any:
        if not looked:  # this request looked just before the other one committed
            looked.append(args[0])
            return None
        return scalar(self, *args, **kwargs)

    monkeypatch.setattr(Session, "scalar", not_there_yet)
    assert talk(engine, ids, None) == first
    monkeypatch.undo()
    with Session(engine) as session:
        assert session.scalar(select(sa.func.count()).select_from(Conversation)) == 1
        session.add(Conversation(buyer_id=ids["account"], buyer_company_id=ids["company"],
                                 supplier_id=ids["supplier"], topic=0))  # fmt: skip
        with pytest.raises(IntegrityError):
            session.commit()
    engine.dispose()


def test_a_0008_database_with_duplicate_general_conversations_upgrades_keeping_all(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    ids = fill(engine, "0008")
    rows = [None, None, ids["product"]]
    made = []
    with engine.begin() as db:
        for product in rows:
            made.append(db.execute(
                sa.text("INSERT INTO conversations (buyer_id, buyer_company_id, supplier_id, "
                        "product_id, created_at, updated_at) VALUES (:a, :c, :s, :p, :t, :t) "
                        "RETURNING id"),
                {"a": ids["account"], "c": ids["company"], "s": ids["supplier"], "p": product,
                 "t": NOW},
            ).scalar_one())  # fmt: skip
    command.upgrade(_alembic_config(engine), "head")
    with Session(engine) as session:
        topics = [session.get_one(Conversation, i).topic for i in made]
    assert topics == [0, -made[1], ids["product"]]
    assert talk(engine, ids, None) == made[0]
    assert talk(engine, ids, ids["product"]) == made[2]
    engine.dispose()
