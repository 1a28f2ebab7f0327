"""The same item from several suppliers: three suppliers list one photographed item
(each its own re-compression of the photo); ``offers`` gives one item with three
offers and a photo search says "also offered by" the other two."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from sesame.settings import LimitSettings, Settings, ShopSettings
from tests.api.shop_world import (
    Shop,
    jpeg,
    listed,
    open_shop,
    photo_of,
    photo_search,
    shop_of,
    sign_up,
    wait_for_status,
)

ITEM = photo_of("bag", 12, colour="brown", pattern="dotted")


@pytest.fixture
def shop(make_settings: Callable[..., Settings]) -> Iterator[Shop]:
    settings = make_settings(limits=LimitSettings(enabled=False), shop=ShopSettings(poll_s=0.2))
    with shop_of(settings) as built:
        yield built


def offer(shop: Shop, who: dict[str, str], supplier: str, photo: bytes, price: float) -> str:
    product = listed(shop, who=who, supplier=supplier, title="Brown dotted leather bag",
                     price={"min": price, "max": price + 1}, lead_time_days=15)  # fmt: skip
    added = shop.client.post(f"/v1/products/{product}/images", headers=who,
                             files={"image": ("b.jpg", photo)})  # fmt: skip
    assert added.status_code == 201, added.text
    wait_for_status(shop.client, product)
    return product


def test_three_suppliers_of_one_item_are_offered_side_by_side(shop: Shop) -> None:
    client = shop.client
    third_admin = sign_up(client, "Tran", "vi")
    third = open_shop(client, third_admin, "Saigon Leather", country="VN")
    first = offer(shop, shop.staff, shop.supplier, jpeg(ITEM, 95), 10)
    offer(shop, shop.other_admin, shop.other_supplier, jpeg(ITEM, 70), 12)
    offer(shop, third_admin, third, jpeg(ITEM.resize((280, 280)), 80), 9)
    other = listed(shop, title="Blue lamp")
    lamp = jpeg(photo_of("lamp", 3, colour="blue"))
    client.post(
        f"/v1/products/{other}/images", headers=shop.staff, files={"image": ("l.jpg", lamp)}
    )
    wait_for_status(client, other)

    body = client.get(f"/v1/products/{first}/offers").json()
    suppliers = [o["supplier"]["id"] for o in body["offers"]]
    assert suppliers[0] == shop.supplier
    assert sorted(suppliers) == sorted([shop.supplier, shop.other_supplier, third])
    assert all(o["similarity"] >= body["threshold"] for o in body["offers"])
    assert {o["product"]["lead_time_days"] for o in body["offers"]} == {15}
    assert sorted(o["product"]["price"]["min"] for o in body["offers"]) == [9, 10, 12]
    lone = client.get(f"/v1/products/{other}/offers").json()["offers"]
    assert [o["product"]["id"] for o in lone] == [other]

    results = photo_search(client, jpeg(ITEM.resize((224, 224)), 60))
    hits = [p for group in results[:3] for p in group["products"] if p["title"].startswith("Brown")]
    assert len(hits) == 3
    assert {p["also_offered_by"] for p in hits} == {2}
    assert client.get("/v1/products/nope/offers").status_code == 404
