"""Personal ranking: a supplier the buyer talked with moves up for that buyer (saying
why), the best anonymous match stays on page one whatever the boosts, and
``personalize=false`` or anonymous search gives the anonymous order."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.shop_world import Headers, Shop

QUERY = "red mug"


def order(client: TestClient, who: Headers | None = None, **body: Any) -> list[dict[str, Any]]:
    payload = {"query": QUERY, "limit": 20} | body
    response = client.post("/v1/search/text", json=payload, headers=who or {})
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def ids(groups: list[dict[str, Any]]) -> list[str]:
    return [group["supplier"]["id"] for group in groups]


def test_a_contacted_supplier_moves_up_for_that_buyer_only(shop: Shop) -> None:
    client = shop.client
    anonymous = order(client)
    assert ids(order(client, shop.buyer)) == ids(anonymous)  # no history yet: same order
    # the first supplier that a 10% lift can pass its neighbour above
    place = next(
        n for n in range(1, len(anonymous))
        if anonymous[n]["score"] * 1.1 > anonymous[n - 1]["score"]
    )  # fmt: skip
    chosen = anonymous[place]["supplier"]["id"]
    opened = client.post("/v1/conversations", json={"supplier_id": chosen}, headers=shop.buyer)
    talk = f"/v1/conversations/{opened.json()['id']}/messages"
    assert client.post(talk, json={"text": "Hello"}, headers=shop.buyer).status_code == 201

    mine = order(client, shop.buyer)
    assert ids(mine).index(chosen) < place
    moved = next(g for g in mine if g["supplier"]["id"] == chosen)
    assert moved["reasons"] == ["Your company talked with it"]
    assert moved["reason_codes"] == ["contacted"]
    body = client.post("/v1/search/text", json={"query": QUERY}, headers=shop.buyer).json()
    assert body["personalized"] is True
    assert ids(order(client, shop.buyer, personalize=False)) == ids(anonymous)
    assert ids(order(client, shop.other_admin)) == ids(anonymous)  # another company: unchanged
    assert ids(order(client)) == ids(anonymous)


def test_the_best_anonymous_match_stays_on_page_one(shop: Shop) -> None:
    client = shop.client
    anonymous = order(client, limit=3)
    best = anonymous[0]["supplier"]
    others = sorted({g["supplier"]["country"] for g in order(client)} - {best["country"]})
    wanted = {"countries": others, "verified_only": True, "price_min_usd": 0.01}
    saved = client.put("/v1/me/preferences", json=wanted, headers=shop.buyer)
    assert saved.status_code == 200, saved.text
    assert saved.json()["countries"] == others
    mine = order(client, shop.buyer, limit=3)
    assert best["id"] in ids(mine)
    assert any(group["reasons"] for group in mine)
    assert client.get("/v1/me/preferences", headers=shop.buyer).json() == saved.json()
    bad = client.put("/v1/me/preferences", headers=shop.buyer,
                     json={"price_min_usd": 9, "price_max_usd": 1})  # fmt: skip
    assert bad.status_code == 422


def test_looking_at_a_product_counts_as_interest(shop: Shop) -> None:
    client = shop.client
    anonymous = order(client)
    place = next(
        n for n in range(1, len(anonymous))
        if anonymous[n]["score"] * 1.05 > anonymous[n - 1]["score"]
    )  # fmt: skip
    chosen = anonymous[place]["supplier"]["id"]
    product = anonymous[place]["products"][0]["id"]
    assert client.get(f"/v1/products/{product}", headers=shop.buyer).status_code == 200
    mine = order(client, shop.buyer)
    moved = next(g for g in mine if g["supplier"]["id"] == chosen)
    assert moved["reasons"] == ["You looked at its products"]
    assert moved["reason_codes"] == ["viewed"]
    assert ids(mine).index(chosen) < place
