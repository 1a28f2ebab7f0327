"""A marketplace for the self-service tests: companies that buy, sell or both, their
staff, and a platform operator, all made through the API (the operator as the CLI does)."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image

from sesame.demo.render import ProductLook, render_product
from sesame.runtime.web import create_app
from sesame.settings import Settings
from tests.api.chat_world import bearer
from tests.conftest import database_runtime, serving

Headers = dict[str, str]


@dataclass
class Shop:
    client: TestClient
    settings: Settings
    admin: Headers  # company A: buys, and sells as `supplier`
    staff: Headers  # staff of company A
    supplier: str
    other_admin: Headers  # company B: sells as `other_supplier`
    other_supplier: str
    buyer: Headers  # company C: buys only
    operator: Headers


def sign_up(client: TestClient, name: str, language: str = "en") -> Headers:
    response = client.post("/v1/accounts", json={"name": name, "language": language})
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def open_shop(client: TestClient, admin: Headers, name: str, country: str = "CN") -> str:
    body = {"name": name, "country": country, "languages": ["zh", "en"]}
    response = client.post("/v1/suppliers", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def invite(client: TestClient, admin: Headers, name: str, role: str = "staff") -> Headers:
    body = {"name": name, "language": "zh", "role": role}
    response = client.post("/v1/companies/me/members", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def operator_token(settings: Settings) -> Headers:
    runtime = database_runtime(settings)
    try:
        _who, token = runtime.accounts.create(kind="operator", name="Ops", language="en")
    finally:
        runtime.close()
    return bearer(token)


@contextmanager
def shop_of(settings: Settings) -> Iterator[Shop]:
    with serving(create_app(settings)) as client:
        admin, other_admin = sign_up(client, "Wei"), sign_up(client, "Lan")
        supplier = open_shop(client, admin, "Foshan Iron Works")
        other = open_shop(client, other_admin, "Ningbo Lamps")
        yield Shop(
            client=client, settings=settings, admin=admin, staff=invite(client, admin, "Li"),
            supplier=supplier, other_admin=other_admin, other_supplier=other,
            buyer=sign_up(client, "Ana", "es"), operator=operator_token(settings),
        )  # fmt: skip


def product_body(title: str = "Wrought iron table legs", **extra: object) -> dict[str, object]:
    return {"title": title, "category": "furniture", "description": "Set of four."} | extra


def photo_of(
    thing: str, variation: int = 0, colour: str = "red", pattern: str = "plain"
) -> Image.Image:
    """A product photo as the demo catalog renders them."""
    look = ProductLook(thing, colour, pattern)  # type: ignore[arg-type]
    return render_product(look, variation, size=320)


def jpeg(picture: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def wait_for_status(
    client: TestClient, product: str, wanted: str = "indexed", timeout: float = 60.0
) -> dict[str, Any]:
    """Poll the product until its indexing status is ``wanted`` (a worker runs the job)."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/v1/products/{product}").json()
        if body.get("status") == wanted or time.monotonic() > deadline:
            assert body.get("status") == wanted, body
            return body
        time.sleep(0.1)


def photo_search(client: TestClient, data: bytes, **form: str) -> list[dict[str, Any]]:
    response = client.post("/v1/search/image", files={"image": ("q.jpg", data)}, data=form)
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def listed(
    shop: Shop, *, who: Headers | None = None, supplier: str | None = None, **extra: object
) -> str:
    """A new product of ``supplier`` (the shop's own by default), listed by ``who``."""
    response = shop.client.post(
        f"/v1/suppliers/{supplier or shop.supplier}/products",
        json=product_body(**extra),
        headers=who or shop.staff,
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "pending"
    return str(response.json()["id"])


def catalog_zip(lines: list[object], photos: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
        archive.writestr("products.jsonl", text + "\n")
        for name, data in photos.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def wait_upload(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        body: dict[str, Any] = client.get(url, headers=headers).json()
        if body["state"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.1)
