"""Review rules, each refused or kept on SQLite and PostgreSQL: no review without a real
interaction, one per buyer company, hidden reviews do not count, one reply, and the
rating exact under parallel writers and fresh in search within seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sesame.accounts.tokens import Principal
from sesame.catalog import repository as repo
from sesame.catalog.models import Conversation, Message
from sesame.runtime.runtime import Runtime
from sesame.settings import LimitSettings, Settings, ShopSettings
from sesame.shop.fields import SupplierFields
from tests.api.chat_world import CHINESE, SPANISH, install
from tests.api.shop_world import Headers, Shop, listed, shop_of, sign_up, wait_for_status
from tests.conftest import database_runtime


@pytest.fixture
def shop(make_settings: Callable[..., Settings], database_url: str) -> Iterator[Shop]:
    settings = make_settings(
        database_url, limits=LimitSettings(enabled=False), shop=ShopSettings(poll_s=0.2)
    )
    with shop_of(settings) as built:
        yield built


def talk(client: TestClient, buyer: Headers, staff: Headers, supplier: str, *,
         reply: bool = True) -> None:  # fmt: skip
    opened = client.post("/v1/conversations", json={"supplier_id": supplier}, headers=buyer)
    assert opened.status_code in (200, 201), opened.text
    path = f"/v1/conversations/{opened.json()['id']}/messages"
    assert client.post(path, json={"text": "Do you ship?"}, headers=buyer).status_code == 201
    if reply:
        assert client.post(path, json={"text": "Yes we do."}, headers=staff).status_code == 201


def review(client: TestClient, who: Headers, supplier: str, rating: int, text: str = "Good"
           ) -> tuple[int, dict[str, object]]:  # fmt: skip
    response = client.post(f"/v1/suppliers/{supplier}/reviews", headers=who,
                           json={"rating": rating, "text": text})  # fmt: skip
    return response.status_code, response.json()


def card(client: TestClient, supplier: str) -> tuple[float, int]:
    body = client.get(f"/v1/suppliers/{supplier}").json()
    return body["rating"], body["review_count"]


def test_no_review_without_an_interaction_in_which_the_supplier_replied(shop: Shop) -> None:
    client = shop.client
    status, body = review(client, shop.buyer, shop.supplier, 5)
    assert status == 403
    assert "real interaction" in str(body["detail"])
    talk(client, shop.buyer, shop.staff, shop.supplier, reply=False)  # the buyer alone spoke
    assert review(client, shop.buyer, shop.supplier, 5)[0] == 403
    talk(client, shop.buyer, shop.staff, shop.supplier)
    assert review(client, shop.buyer, shop.supplier, 5)[0] == 201
    assert card(client, shop.supplier) == (5.0, 1)
    # a company that only sells cannot review, nor can a supplier review itself
    assert review(client, shop.other_admin, shop.supplier, 1)[0] == 403
    assert review(client, shop.staff, shop.supplier, 1)[0] in (403, 422)


def test_one_review_per_buyer_company_which_it_may_edit(shop: Shop) -> None:
    client = shop.client
    talk(client, shop.buyer, shop.staff, shop.supplier)
    status, first = review(client, shop.buyer, shop.supplier, 2)
    assert status == 201
    colleague = client.post("/v1/companies/me/members", headers=shop.buyer,
                            json={"name": "Colleague", "language": "es"})  # fmt: skip
    other_member = {"Authorization": f"Bearer {colleague.json()['token']}"}
    status, again = review(client, other_member, shop.supplier, 5)
    assert status == 409
    assert f"/v1/reviews/{first['id']}" in str(again["detail"])
    edited = client.patch(f"/v1/reviews/{first['id']}", json={"rating": 4}, headers=other_member)
    assert edited.status_code == 200
    assert card(client, shop.supplier) == (4.0, 1)
    foreign = client.patch(f"/v1/reviews/{first['id']}", json={"rating": 1}, headers=shop.admin)
    assert foreign.status_code == 404


def test_a_hidden_review_does_not_count_and_the_reply_appears_once(shop: Shop) -> None:
    client = shop.client
    talk(client, shop.buyer, shop.staff, shop.supplier)
    other_buyer = sign_up(client, "Bo")
    talk(client, other_buyer, shop.staff, shop.supplier)
    _, kept = review(client, shop.buyer, shop.supplier, 4)
    _, abusive = review(client, other_buyer, shop.supplier, 1, "Abusive words")
    assert card(client, shop.supplier) == (2.5, 2)
    path = f"/v1/reviews/{abusive['id']}/hide"
    assert client.post(path, json={"reason": "abuse"}, headers=shop.admin).status_code == 403
    assert client.post(path, json={"reason": "abuse"}, headers=shop.operator).status_code == 200
    assert card(client, shop.supplier) == (4.0, 1)
    reply = f"/v1/reviews/{kept['id']}/reply"
    assert (
        client.post(reply, json={"text": "Thank you!"}, headers=shop.other_admin).status_code == 404
    )
    assert client.post(reply, json={"text": "Thank you!"}, headers=shop.staff).status_code == 200
    second = client.post(reply, json={"text": "Again"}, headers=shop.admin)
    assert second.status_code == 409
    listing = client.get(f"/v1/suppliers/{shop.supplier}/reviews").json()["reviews"]
    assert [r["id"] for r in listing] == [kept["id"]]
    assert listing[0]["reply"]["text"] == "Thank you!"


def test_the_rating_reaches_search_filters_within_seconds(shop: Shop) -> None:
    client = shop.client
    product = listed(shop, title="Forged iron candle holder")
    wait_for_status(client, product)
    query = {"query": "forged iron candle holder", "filters": {"min_rating": 4.5}}

    def found() -> bool:
        body = client.post("/v1/search/text", json=query).json()
        return any(g["supplier"]["id"] == shop.supplier for g in body["results"])

    assert not found()
    talk(client, shop.buyer, shop.staff, shop.supplier)
    assert review(client, shop.buyer, shop.supplier, 5)[0] == 201
    deadline = time.monotonic() + 5
    while not found():
        assert time.monotonic() < deadline, "the new rating did not reach the index in 5 s"
        time.sleep(0.1)


def test_parallel_reviews_leave_rating_and_count_exact(
    make_settings: Callable[..., Settings], database_url: str
) -> None:
    settings = make_settings(database_url)
    runtime = database_runtime(settings)
    try:
        seller, _ = runtime.accounts.create(kind="buyer", name="Seller", language="zh")
        supplier = runtime.profiles.create(seller, SupplierFields(name="Busy Works", country="CN"))
        buyers = [buyer_who_talked(runtime, supplier.id, n) for n in range(12)]
        ratings = [1 + n % 5 for n in range(12)]
        start = threading.Barrier(len(buyers))
        errors: list[BaseException] = []

        def write(who: Principal, rating: int) -> None:
            start.wait()
            try:
                runtime.reviews.write(who, supplier.external_id, rating=rating, text="")
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=write, args=pair) for pair in zip(buyers, ratings, strict=False)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        with runtime.session() as session:
            row = repo.supplier_by_external_id(session, supplier.external_id)
            assert row is not None
            assert row.review_count == 12
            assert row.rating == pytest.approx(sum(ratings) / 12)
    finally:
        runtime.close()


def buyer_who_talked(runtime: Runtime, supplier_id: int, n: int) -> Principal:
    """A buyer company with a conversation the supplier replied in (written directly)."""
    who, _ = runtime.accounts.create(kind="buyer", name=f"Buyer {n}", language="en")
    with runtime.session() as session:
        talk_row = Conversation(buyer_id=who.account_id, buyer_company_id=who.company_id,
                                supplier_id=supplier_id)  # fmt: skip
        session.add(talk_row)
        session.flush()
        session.add(Message(conversation_id=talk_row.id, sender_id=who.account_id,
                            sender_side="supplier", text="Hello", language="en"))  # fmt: skip
        session.commit()
    return who


def test_a_review_reads_in_the_readers_language_with_the_original(
    make_settings: Callable[..., Settings], tiny_packages: dict[str, Path]
) -> None:
    settings = make_settings(limits=LimitSettings(enabled=False))
    install(settings, tiny_packages, "es-en", "en-zh")
    with shop_of(settings) as shop:
        client = shop.client
        talk(client, shop.buyer, shop.staff, shop.supplier)
        assert review(client, shop.buyer, shop.supplier, 5, SPANISH)[0] == 201
        body = client.get(f"/v1/suppliers/{shop.supplier}/reviews?language=zh").json()
        text = body["reviews"][0]["text"]
        assert (text["text"], text["language"], text["translated"]) == (CHINESE, "zh", True)
        assert (text["original_text"], text["original_language"]) == (SPANISH, "es")
