"""Pillow's hostile test images through the supplier upload paths (a product photo, and a
catalog zip's photos): each is stored or refused with a 4xx or a per-line error, never a
5xx, a hang or a stuck job."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

import pytest

from sesame.settings import LimitSettings, Settings, ShopSettings
from tests.api.shop_world import Shop, catalog_zip, product_body, shop_of, wait_upload
from tests.api.test_bad_input import HOSTILE, hostile_files

pytestmark = pytest.mark.skipif(
    not HOSTILE.is_dir(),
    reason=f"hostile images not found at {HOSTILE} (set SESAME_HOSTILE_IMAGES)",
)
PHOTOS_PER_PRODUCT = 10


@pytest.fixture
def shop(make_settings: Callable[..., Settings]) -> Iterator[Shop]:
    settings = make_settings(
        limits=LimitSettings(enabled=False),
        shop=ShopSettings(max_images_per_product=PHOTOS_PER_PRODUCT, poll_s=0.2),
    )
    with shop_of(settings) as built:
        yield built


def test_hostile_product_photos_get_4xx_or_201_never_5xx(shop: Shop) -> None:
    client = shop.client
    statuses: dict[int, int] = {}
    product = ""
    for n, path in enumerate(hostile_files()):
        if n % PHOTOS_PER_PRODUCT == 0:  # a fresh product before the photo cap is reached
            made = client.post(f"/v1/suppliers/{shop.supplier}/products",
                               json=product_body(f"Hostile {n}"), headers=shop.staff)  # fmt: skip
            product = made.json()["id"]
        response = client.post(
            f"/v1/products/{product}/images", files={"image": (path.name, path.read_bytes())},
            headers=shop.staff,
        )  # fmt: skip
        assert response.status_code < 500, (path.name, response.text)
        if response.status_code != 201:
            assert response.json()["detail"], path.name
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert statuses.get(201)
    assert statuses.get(415)
    mine = client.get(f"/v1/suppliers/{shop.supplier}/products?limit=100", headers=shop.staff)
    deadline = time.monotonic() + 60
    while any(p["status"] == "pending" for p in mine.json()["products"]):
        assert time.monotonic() < deadline, mine.json()
        time.sleep(0.2)
        mine = client.get(f"/v1/suppliers/{shop.supplier}/products?limit=100",
                          headers=shop.staff)  # fmt: skip
    assert {p["status"] for p in mine.json()["products"]} == {"indexed"}


def test_hostile_photos_in_a_zip_are_per_line_errors(shop: Shop) -> None:
    files = hostile_files()
    lines = [
        product_body(f"Zip hostile {n}", id=f"zh-{n}", images=[f"img/{n}-{path.name}"])
        for n, path in enumerate(files)
    ]
    photos = {f"img/{n}-{path.name}": path.read_bytes() for n, path in enumerate(files)}
    sent = shop.client.post(
        f"/v1/suppliers/{shop.supplier}/catalog-uploads",
        files={"file": ("h.zip", catalog_zip(lines, photos))}, headers=shop.staff,
    )  # fmt: skip
    assert sent.status_code == 202, sent.text
    result = wait_upload(shop.client, sent.json()["url"], shop.staff)
    assert result["state"] == "done", json.dumps(result)[:500]
    assert result["products_loaded"] == len(files)  # a line whose photo is bad keeps its text
    assert result["errors"], "some hostile photos must have been refused"
    assert all(error.startswith("products.jsonl:") for error in result["errors"])
