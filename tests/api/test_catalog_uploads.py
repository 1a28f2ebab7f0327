"""Catalog uploads: a supplier's zip is loaded as a job, good lines in, bad lines named
by file and line, nothing written outside the upload, nobody else's products touched."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.api.shop_world import (
    Shop,
    catalog_zip,
    jpeg,
    photo_of,
    product_body,
    wait_for_status,
    wait_upload,
)


def test_a_zip_with_one_bad_line_loads_the_others_and_names_the_bad_one(shop: Shop) -> None:
    client = shop.client
    good = [
        product_body(f"Lamp {n}", id=f"zip-lamp-{n}", images=[f"photos/{n}.jpg"]) for n in range(3)
    ]
    lines: list[object] = [good[0], good[1], {"id": "zip-bad", "title": "No category"}, good[2]]
    photos = {f"photos/{n}.jpg": jpeg(photo_of("lamp", n, colour="green")) for n in range(3)}
    sent = client.post(
        f"/v1/suppliers/{shop.supplier}/catalog-uploads",
        files={"file": ("catalog.zip", catalog_zip(lines, photos))}, headers=shop.staff,
    )  # fmt: skip
    assert sent.status_code == 202, sent.text
    result = wait_upload(client, sent.json()["url"], shop.staff)
    assert result["state"] == "done", result
    assert result["products_loaded"] == 3
    assert result["processed_lines"] == 4
    assert len(result["errors"]) == 1
    assert result["errors"][0].startswith("products.jsonl:3: ")
    assert "category" in result["errors"][0]
    for n in range(3):
        body = wait_for_status(client, f"zip-lamp-{n}")
        assert body["supplier"]["id"] == shop.supplier
        assert len(body["images"]) == 1


@pytest.mark.parametrize(
    ("member", "why"),
    [("../escape.jpg", "outside the upload"), ("/etc/passwd", "outside the upload")],
)
def test_a_zip_that_points_outside_is_refused_and_writes_nothing(
    shop: Shop, member: str, why: str
) -> None:
    client = shop.client
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("products.jsonl", json.dumps(product_body(id="zip-x")) + "\n")
        archive.writestr(member, b"x")
    sent = client.post(
        f"/v1/suppliers/{shop.supplier}/catalog-uploads",
        files={"file": ("c.zip", buffer.getvalue())}, headers=shop.staff,
    )  # fmt: skip
    result = wait_upload(client, sent.json()["url"], shop.staff)
    assert result["state"] == "failed"
    assert why in result["errors"][0]
    assert client.get("/v1/products/zip-x").status_code == 404
    assert not (shop.settings.data_dir.parent / "escape.jpg").exists()


def test_a_zip_line_cannot_take_over_another_suppliers_product(shop: Shop) -> None:
    client = shop.client
    theirs = client.post(
        f"/v1/suppliers/{shop.other_supplier}/products", json=product_body(id="theirs"),
        headers=shop.other_admin,
    )  # fmt: skip
    assert theirs.status_code == 201
    zipped = catalog_zip([product_body("Mine now", id="theirs")], {})
    sent = client.post(
        f"/v1/suppliers/{shop.supplier}/catalog-uploads",
        files={"file": ("c.zip", zipped)}, headers=shop.staff,
    )  # fmt: skip
    result = wait_upload(client, sent.json()["url"], shop.staff)
    assert result["products_loaded"] == 0
    assert "another supplier" in result["errors"][0]
    body = client.get("/v1/products/theirs").json()
    assert body["supplier"]["id"] == shop.other_supplier
    assert body["title"] != "Mine now"
