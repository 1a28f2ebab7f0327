"""Requests for quotation end to end: a Spanish buyer's photo request reaches a Chinese
supplier's inbox in Chinese, the quote comes back in Spanish in a conversation, accepting
it closes the request and tells the other supplier; limits, privacy and deadlines."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sesame.catalog.models import utcnow
from sesame.settings import LimitSettings, Settings, ShopSettings, TradeSettings
from sesame.trade.quotes import NOT_SELECTED
from tests.api.chat_world import CHINESE, CHINESE_REPLY, SPANISH, SPANISH_REPLY, install
from tests.api.shop_world import Headers, Shop, jpeg, listed, photo_of, shop_of, wait_for_status

PHOTO = photo_of("chair", 5, colour="green", pattern="striped")


@pytest.fixture
def shop(make_settings: Callable[..., Settings], tiny_packages: dict[str, Path]) -> Iterator[Shop]:
    settings = make_settings(
        limits=LimitSettings(enabled=False), shop=ShopSettings(poll_s=0.2),
        trade=TradeSettings(max_open_rfqs=3),
    )  # fmt: skip
    install(settings, tiny_packages, "es-en", "en-es", "zh-en", "en-zh")
    with shop_of(settings) as built:
        for supplier, who in (
            (built.supplier, built.staff),
            (built.other_supplier, built.other_admin),
        ):
            product = listed(built, who=who, supplier=supplier, title="Green striped chair")
            added = built.client.post(f"/v1/products/{product}/images", headers=who,
                                      files={"image": ("c.jpg", jpeg(PHOTO))})  # fmt: skip
            assert added.status_code == 201, added.text
            wait_for_status(built.client, product)
        yield built


def post_rfq(client: TestClient, who: Headers, *, photo: bytes | None = None,
             **fields: Any) -> dict[str, Any]:  # fmt: skip
    body = {"text": SPANISH, "quantity": 200, "unit": "pieces", "target_price": 20,
            "currency": "EUR", "destination_country": "ES",
            "deadline": (utcnow() + timedelta(days=7)).isoformat()} | fields  # fmt: skip
    if photo is None:
        response = client.post("/v1/rfqs", json=body, headers=who)
    else:
        response = client.post("/v1/rfqs", headers=who, data={"rfq": json.dumps(body)},
                               files={"image": ("q.jpg", photo)})  # fmt: skip
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def quote(client: TestClient, who: Headers, rfq: int, message: str, price: float,
          currency: str) -> Any:  # fmt: skip
    body = {"unit_price": price, "currency": currency, "moq": 100, "lead_time_days": 20,
            "incoterm": "FOB", "valid_until": (utcnow() + timedelta(days=30)).isoformat(),
            "message": message}  # fmt: skip
    return client.post(f"/v1/rfqs/{rfq}/quotes", json=body, headers=who)


def test_a_spanish_photo_rfq_is_quoted_in_chinese_and_accepted(shop: Shop) -> None:
    client = shop.client
    rfq = post_rfq(client, shop.buyer, photo=jpeg(PHOTO.resize((240, 240)), 70))
    assert {m["supplier"]["id"] for m in rfq["matched"]} >= {shop.supplier, shop.other_supplier}
    inbox = client.get("/v1/rfq-inbox", headers=shop.staff).json()["rfqs"]
    assert inbox[0]["id"] == rfq["id"]
    assert (inbox[0]["text"]["text"], inbox[0]["text"]["language"]) == (CHINESE, "zh")
    assert inbox[0]["text"]["original_text"] == SPANISH
    first = quote(client, shop.staff, rfq["id"], CHINESE_REPLY, 150, "CNY")
    assert first.status_code == 201, first.text
    assert quote(client, shop.staff, rfq["id"], "again", 1, "CNY").status_code == 409
    second = quote(client, shop.other_admin, rfq["id"], "We can do it.", 25, "USD")
    assert second.status_code == 201, second.text
    # suppliers never see each other's quotes
    theirs = client.get(f"/v1/rfqs/{rfq['id']}", headers=shop.other_admin).json()
    assert [q["id"] for q in theirs["quotes"]] == [second.json()["id"]]
    assert theirs["matched"] == []
    # the buyer sees both side by side, in one currency, the Chinese message in Spanish
    mine = client.get(f"/v1/rfqs/{rfq['id']}?currency=EUR", headers=shop.buyer).json()
    by_id = {q["id"]: q for q in mine["quotes"]}
    chinese = by_id[first.json()["id"]]
    assert chinese["converted"] == {"amount": pytest.approx(150 / 7.2 * 0.92, rel=1e-3),
                                    "currency": "EUR"}  # fmt: skip
    assert (chinese["message"]["text"], chinese["message"]["language"]) == (SPANISH_REPLY, "es")
    talk = f"/v1/conversations/{chinese['conversation_id']}/messages"
    said = client.get(talk, headers=shop.buyer).json()["messages"]
    assert said[0]["text"] == SPANISH_REPLY
    accepted = client.post(f"/v1/rfqs/{rfq['id']}/quotes/{chinese['id']}/accept",
                           headers=shop.buyer)  # fmt: skip
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "awarded"
    assert quote(client, shop.admin, rfq["id"], "late", 1, "USD").status_code == 409
    told = client.get("/v1/rfq-inbox", headers=shop.other_admin).json()["rfqs"][0]
    assert told["my_quote"]["status"] == "not_selected"
    other_talk = f"/v1/conversations/{second.json()['conversation_id']}/messages"
    last = client.get(other_talk, headers=shop.other_admin).json()["messages"][0]
    assert last["original_text"] == NOT_SELECTED


def test_strangers_get_404_and_open_rfqs_per_buyer_are_limited(shop: Shop) -> None:
    client = shop.client
    rfq = post_rfq(client, shop.buyer, text="green striped chair")
    for who in (shop.operator,):
        assert client.get(f"/v1/rfqs/{rfq['id']}", headers=who).status_code == 404
    assert client.get("/v1/rfq-inbox", headers=shop.buyer).status_code == 403
    post_rfq(client, shop.buyer, text="green striped chair")
    post_rfq(client, shop.buyer, text="green striped chair")
    fourth = client.post("/v1/rfqs", headers=shop.buyer, json={
        "text": "chair", "quantity": 1, "destination_country": "ES",
        "deadline": (utcnow() + timedelta(days=1)).isoformat()})  # fmt: skip
    assert fourth.status_code == 429
    assert "open requests" in fourth.json()["detail"]
    assert fourth.headers["Retry-After"]


def test_an_rfq_closes_by_itself_at_its_deadline(shop: Shop) -> None:
    client = shop.client
    soon = utcnow() + timedelta(seconds=2)
    rfq = post_rfq(client, shop.buyer, text="green striped chair", deadline=soon.isoformat())
    assert rfq["state"] == "open"
    time.sleep(max(0.0, (soon - utcnow()).total_seconds()) + 0.3)
    assert client.get(f"/v1/rfqs/{rfq['id']}", headers=shop.buyer).json()["state"] == "expired"
    late = quote(client, shop.staff, rfq["id"], "late", 10, "USD")
    assert late.status_code == 409
    assert "expired" in late.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "status"),
    [({"quantity": 0}, 422), ({"deadline": "2020-01-01T00:00:00Z"}, 422),
     ({"text": "", "currency": "EUR"}, 422), ({"currency": "XXX"}, 422)],
)  # fmt: skip
def test_bad_rfqs_are_refused_clearly(shop: Shop, fields: dict[str, Any], status: int) -> None:
    body = {"text": "chair", "quantity": 5, "destination_country": "ES",
            "deadline": (utcnow() + timedelta(days=1)).isoformat()} | fields  # fmt: skip
    response = shop.client.post("/v1/rfqs", json=body, headers=shop.buyer)
    assert response.status_code == status, response.text
    assert response.json()["detail"]


def test_a_buyer_lists_its_own_requests_with_their_quote_counts(shop: Shop) -> None:
    client = shop.client
    older = post_rfq(client, shop.buyer, text="green striped chair")
    newer = post_rfq(client, shop.buyer, photo=jpeg(PHOTO.resize((240, 240)), 70))
    assert quote(client, shop.staff, newer["id"], CHINESE_REPLY, 150, "CNY").status_code == 201
    page = client.get("/v1/rfqs?language=es&limit=1", headers=shop.buyer).json()
    assert [r["id"] for r in page["rfqs"]] == [newer["id"]]
    assert (page["rfqs"][0]["quotes"], page["rfqs"][0]["text"]["text"]) == (1, SPANISH)
    rest = client.get(f"/v1/rfqs?offset={page['next_offset']}", headers=shop.buyer).json()
    assert [(r["id"], r["quotes"]) for r in rest["rfqs"]] == [(older["id"], 0)]
    assert rest["next_offset"] is None
    # another buying company sees none of them; a company that only sells may not list
    assert client.get("/v1/rfqs", headers=shop.admin).json()["rfqs"] == []
    assert client.get("/v1/rfqs", headers=shop.operator).status_code == 403
