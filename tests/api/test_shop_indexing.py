"""Self-service writes reach search through the durable job queue and the change log: a
staff member's photo is found by a buyer's re-compressed copy, a deleted product is gone
at once, a price on request matches no price filter, and another process's `sesame
ingest` (a new product, a rating change) reaches a running server within 5 s."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sesame.runtime.startup import open_runtime
from tests.api.shop_world import (
    Shop,
    jpeg,
    listed,
    photo_of,
    photo_search,
    product_body,
    wait_for_status,
)


def test_a_new_photo_is_found_by_a_recompressed_copy_and_gone_after_delete(shop: Shop) -> None:
    client = shop.client
    product = listed(shop, price={"min": 20, "max": 25}, moq={"quantity": 10})
    photo = photo_of("table", 99, colour="purple", pattern="dotted")
    added = client.post(
        f"/v1/products/{product}/images", files={"image": ("t.jpg", jpeg(photo, 95))},
        headers=shop.staff,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    body = wait_for_status(client, product)
    assert body["images"][0]["id"] == added.json()["id"]
    copy = jpeg(photo.resize((240, 240)), quality=60)  # what a buyer's phone sends
    top = photo_search(client, copy)[0]
    assert top["supplier"]["id"] == shop.supplier
    assert top["products"][0]["id"] == product
    assert client.delete(f"/v1/products/{product}", headers=shop.staff).status_code == 204
    after = photo_search(client, copy)
    assert product not in {p["id"] for group in after for p in group["products"]}


def test_a_photo_that_fails_marks_nothing_and_a_bad_upload_is_refused(shop: Shop) -> None:
    client = shop.client
    product = listed(shop)
    bad = client.post(
        f"/v1/products/{product}/images", files={"image": ("x.jpg", b"not an image")},
        headers=shop.staff,
    )  # fmt: skip
    assert bad.status_code == 415, bad.text
    assert wait_for_status(client, product)["images"] == []  # text only: still indexed


def test_price_on_request_is_shown_as_such_and_never_matched_by_a_price_filter(
    shop: Shop,
) -> None:
    client = shop.client
    product = listed(shop, title="Purple dotted umbrella stand")
    wait_for_status(client, product)
    assert client.get(f"/v1/products/{product}").json()["price"] is None

    def ids(filters: dict[str, object]) -> set[str]:
        body = {"query": "purple dotted umbrella stand", "filters": filters, "limit": 50}
        response = client.post("/v1/search/text", json=body)
        assert response.status_code == 200, response.text
        return {p["id"] for group in response.json()["results"] for p in group["products"]}

    assert product in ids({})
    assert product not in ids({"price_max_usd": 1_000_000})
    assert product not in ids({"price_min_usd": 0.01})


def test_a_cli_ingest_and_a_rating_change_reach_a_running_server(
    shop: Shop, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog"
    (catalog / "img").mkdir(parents=True)
    photo = photo_of("vase", 41, colour="pink", pattern="striped")
    (catalog / "img" / "v.jpg").write_bytes(jpeg(photo, 95))

    def write(rating: float) -> None:
        supplier = {"id": "sup-vn-cli", "name": "Hanoi Vases", "country": "VN", "rating": rating}
        product = product_body("Striped pink vase", id="cli-vase", images=["img/v.jpg"])
        (catalog / "suppliers.jsonl").write_text(json.dumps(supplier) + "\n")
        (catalog / "products.jsonl").write_text(
            json.dumps(product | {"supplier_id": "sup-vn-cli"}) + "\n"
        )

    def ingest() -> None:  # another process's `sesame ingest`: its own runtime and index
        runtime = open_runtime(shop.settings)
        try:
            assert not runtime.ingestor().run(catalog).errors
        finally:
            runtime.close()

    def within_5_s(check: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + 5
        while not check():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    copy = jpeg(photo.resize((200, 200)), quality=60)
    write(2.0)
    ingest()
    assert within_5_s(lambda: photo_search(shop.client, copy)[0]["products"][0]["id"] == "cli-vase")
    rated = {"min_rating": "4"}
    assert "cli-vase" not in ids_of(photo_search(shop.client, copy, **rated))
    write(4.8)
    ingest()
    assert within_5_s(lambda: "cli-vase" in ids_of(photo_search(shop.client, copy, **rated)))


def ids_of(results: list[dict[str, Any]]) -> set[str]:
    return {p["id"] for group in results for p in group["products"]}
