"""Self-service catalog writes in the soak mix: each client's company sells too, adds
products (some with a photo) and renames them; every acknowledged write must be read back."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx


@dataclass
class Shop:
    """A client's own supplier profile and what the service acknowledged writing to it."""

    supplier: str
    added: int = 0
    # product id -> the titles it may have now: the acknowledged one, plus any sent by a
    # rename that got no answer (it may or may not have been applied before the cut).
    titles: dict[str, set[str]] = field(default_factory=dict)


def open_shop(url: str, headers: dict[str, str], number: int) -> Shop:
    made = httpx.post(f"{url}/v1/suppliers", headers=headers,
                      json={"name": f"Soak shop {number}", "country": "VN"})  # fmt: skip
    made.raise_for_status()
    return Shop(str(made.json()["id"]))


def add_product(http: httpx.Client, headers: dict[str, str], shop: Shop, photo: bytes | None,
                number: int) -> httpx.Response:  # fmt: skip
    """A new product (with its photo, if given); the last answer of the two is returned."""
    shop.added += 1
    title = f"Soak product {number}-{shop.added}"
    body = {"title": title, "category": "soak", "description": "Made during a soak run."}
    response = http.post(f"/v1/suppliers/{shop.supplier}/products", json=body, headers=headers)
    if response.status_code != 201:
        return response
    product = str(response.json()["id"])
    shop.titles[product] = {title}
    if photo is None:
        return response
    files = {"image": ("p.jpg", photo, "image/jpeg")}
    return http.post(f"/v1/products/{product}/images", files=files, headers=headers)


def rename_product(http: httpx.Client, headers: dict[str, str], shop: Shop,
                   rng: random.Random) -> httpx.Response | None:  # fmt: skip
    """A new title for one of the shop's products; None while it has none."""
    if not shop.titles:
        return None
    product = rng.choice(sorted(shop.titles))
    title = f"Soak product renamed {rng.randrange(10**9)}"
    try:
        response = http.patch(f"/v1/products/{product}", json={"title": title}, headers=headers)
    except httpx.TransportError:
        shop.titles[product].add(title)  # unknown whether it was applied
        raise
    if response.status_code == 200:
        shop.titles[product] = {title}
    return response


def missing_products(url: str, headers: dict[str, str], shop: Shop) -> int:
    """Acknowledged products (and renames) that cannot be read back from any page."""
    seen: dict[str, str] = {}
    offset: int | None = 0
    while offset is not None:
        page = httpx.get(f"{url}/v1/suppliers/{shop.supplier}/products", headers=headers,
                         params={"limit": 100, "offset": offset}, timeout=60).json()  # fmt: skip
        seen |= {p["id"]: p["title"] for p in page["products"]}
        offset = page["next_offset"]
    return sum(1 for product, titles in shop.titles.items() if seen.get(product) not in titles)
