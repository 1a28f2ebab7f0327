"""A database made at revision 0004 (before companies), full of accounts, conversations
and messages, upgrades with no loss and keeps working through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

from sesame.accounts.tokens import hash_token
from sesame.catalog.db import make_engine
from sesame.runtime.web import create_app
from sesame.settings import LimitSettings, Settings
from tests.api.chat_world import bearer
from tests.catalog.rows import adder, tables_at
from tests.conftest import serving

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BUYER, STAFF = "ses_" + "b" * 40, "ses_" + "s" * 40


def fill_at_0004(url: str) -> None:
    """What a 0004 database holds: a verified supplier with a product, a buyer, staff,
    a conversation with messages and a translation."""
    engine = make_engine(url)
    t = tables_at(engine, "0004")
    with engine.begin() as db:
        add = adder(db, t)
        common = {"content_hash": "x", "updated_at": NOW}
        supplier = add("suppliers", external_id="sup-cn-old", name="Old Foshan", country="CN",
                       city="Foshan", province="Guangdong", languages=["zh"], verified=True,
                       rating=4.5, review_count=10, years_in_business=8, response_rate=0.9,
                       **common)  # fmt: skip
        add("products", external_id="p-old", supplier_id=supplier, title="Cast iron table legs",
            description="Heavy legs", category="furniture", price_min=5, price_max=7,
            currency="USD", price_min_usd=5, price_max_usd=7, moq=100, moq_unit="pieces",
            attributes={}, **common)  # fmt: skip
        buyer = add("accounts", kind="buyer", name="Ana", language="es", created_at=NOW)
        staff = add("accounts", kind="supplier", name="Li", language="zh", supplier_id=supplier,
                    created_at=NOW)  # fmt: skip
        for account, token in ((buyer, BUYER), (staff, STAFF)):
            add("api_tokens", account_id=account, token_hash=hash_token(token), created_at=NOW)
        talk = add("conversations", buyer_id=buyer, supplier_id=supplier, created_at=NOW,
                   updated_at=NOW)  # fmt: skip
        for n, (sender, side, text) in enumerate(
            [(buyer, "buyer", "Hola"), (staff, "supplier", "你好")]
        ):
            message = add("messages", conversation_id=talk, sender_id=sender, sender_side=side,
                          text=text, language="es" if side == "buyer" else "zh",
                          client_id=f"c{n}", created_at=NOW)  # fmt: skip
            db.execute(t["message_translations"].insert().values(
                message_id=message, language="en", text=f"hello {n}", status="done",
                updated_at=NOW,
            ))  # fmt: skip
    engine.dispose()


def test_a_0004_database_upgrades_and_keeps_working(
    make_settings: Callable[..., Settings], database_url: str
) -> None:
    fill_at_0004(database_url)
    settings = make_settings(database_url, limits=LimitSettings(enabled=False))
    with serving(create_app(settings)) as client:  # start-up runs the migration
        me = client.get("/v1/me", headers=bearer(BUYER)).json()
        assert (me["kind"], me["role"], me["name"]) == ("buyer", "admin", "Ana")
        staff = client.get("/v1/me", headers=bearer(STAFF)).json()
        assert (staff["kind"], staff["role"], staff["supplier"]) == ("supplier", "staff",
                                                                     "sup-cn-old")  # fmt: skip
        mine = client.get("/v1/conversations", headers=bearer(BUYER)).json()["conversations"]
        assert len(mine) == 1
        path = f"/v1/conversations/{mine[0]['id']}/messages"
        texts = [m["text"] for m in client.get(path, headers=bearer(STAFF)).json()["messages"]]
        assert sorted(texts) == ["Hola", "你好"]
        reply = client.post(path, json={"text": "好的"}, headers=bearer(STAFF))
        assert reply.status_code == 201, reply.text
        supplier = client.get("/v1/suppliers/sup-cn-old").json()
        assert supplier["verified"]
        assert supplier["verifications"][0]["source"] == "catalog"
        assert supplier["rating"] == 4.5
        product = client.get("/v1/products/p-old").json()
        assert product["price"]["min"] == 5
        assert product["status"] == "indexed"
        found = client.post("/v1/search/text", json={"query": "cast iron legs"}).json()
        assert found["results"][0]["supplier"]["id"] == "sup-cn-old"  # keyword index intact
    engine = make_engine(database_url)
    with engine.connect() as db:
        counts = {
            name: db.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()
            for name in ("accounts", "companies", "messages")
        }
        kept = db.execute(
            sa.text("SELECT text FROM message_translations WHERE text LIKE 'hello %'")
        ).scalars()
        assert sorted(kept) == ["hello 0", "hello 1"]
    engine.dispose()
    # two companies: the buyer's own, and the supplier's (which its staff joined)
    assert counts == {"accounts": 2, "companies": 2, "messages": 3}
