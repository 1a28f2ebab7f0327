"""A query naming a product's exact title or model number returns it first, and
``min_score`` cuts weak matches, saying how many it cut."""

from __future__ import annotations

from typing import Any

from tests.api.shop_world import Shop, listed, wait_for_status


def search(shop: Shop, query: str, **body: Any) -> dict[str, Any]:
    response = shop.client.post("/v1/search/text", json={"query": query} | body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_exact_title_or_model_number_comes_first(shop: Shop) -> None:
    title = "Hand forged iron table leg, matte black"
    product = listed(shop, title=title, attributes={"model_number": "XK-2040"})
    wait_for_status(shop.client, product)
    for query in (title, title.upper(), "  hand forged   iron table leg, matte black ", "XK-2040",
                  "xk-2040"):  # fmt: skip
        first = search(shop, query)["results"][0]
        assert first["supplier"]["id"] == shop.supplier, query
        assert first["products"][0]["id"] == product, query
        assert first["products"][0]["exact"] is True
    near = search(shop, "hand forged iron table leg")["results"]
    assert all(not p["exact"] for group in near for p in group["products"])


def test_min_score_cuts_weak_matches_and_says_how_many(shop: Shop) -> None:
    loose = search(shop, "red mug", min_score=-1, limit=50)
    assert loose["page"]["cut"] == 0
    default = search(shop, "red mug", limit=50)
    assert default["page"]["min_score"] == 0.2
    strict = search(shop, "red mug", min_score=0.6, limit=50)
    assert strict["page"]["cut"] > default["page"]["cut"] >= 0
    assert strict["page"]["total"] < loose["page"]["total"]
    # what is left is what the keyword index found or what is similar enough
    kept = {p["id"] for g in strict["results"] for p in g["products"]}
    assert kept
    top = loose["results"][0]["products"][0]["id"]
    assert top in kept  # the best match is never cut by a floor it clears
    photo_floor = shop.client.post("/v1/search/text", json={"query": "x", "min_score": 2})
    assert photo_floor.status_code == 422
