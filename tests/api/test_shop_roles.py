"""Who may touch what in the self-service catalog (OWASP API1 and API3), every rule
refused on SQLite and on PostgreSQL; and what each role may do."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from sesame.settings import LimitSettings, Settings, ShopSettings
from tests.api.chat_world import bearer, run_cli
from tests.api.shop_world import Shop, jpeg, photo_of, product_body, shop_of


@pytest.fixture
def shop(make_settings: Callable[..., Settings], database_url: str) -> Iterator[Shop]:
    settings = make_settings(
        database_url,
        limits=LimitSettings(enabled=False),
        shop=ShopSettings(max_products_per_supplier=3, max_images_per_product=2),
    )
    with shop_of(settings) as built:
        yield built


def created(client: TestClient, shop: Shop, who: dict[str, str], **extra: object) -> str:
    response = client.post(
        f"/v1/suppliers/{shop.supplier}/products", json=product_body(**extra), headers=who
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def refused_as_missing(foreign: Response, unknown: Response, foreign_id: str) -> None:
    """A foreign object answers exactly as one that does not exist (ids cannot be probed)."""
    assert foreign.status_code == unknown.status_code == 404, (foreign.text, unknown.text)
    said = foreign.json()["detail"].replace(foreign_id, "ID")
    assert said == unknown.json()["detail"].replace("nope", "ID")


def test_staff_and_admins_manage_their_own_catalog(shop: Shop) -> None:
    client = shop.client
    product = created(client, shop, shop.staff, price={"min": 3, "max": 4}, moq={"quantity": 50})
    body = client.get(f"/v1/products/{product}").json()
    assert body["status"] in ("pending", "indexed")
    assert body["supplier"]["id"] == shop.supplier
    assert not body["supplier"]["verified"]
    changed = client.patch(
        f"/v1/products/{product}", json={"price": None, "title": "Iron legs"}, headers=shop.admin
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["price"] is None
    assert changed.json()["title"] == "Iron legs"
    mine = client.get(f"/v1/suppliers/{shop.supplier}/products", headers=shop.staff).json()
    assert [p["id"] for p in mine["products"]] == [product]
    assert client.delete(f"/v1/products/{product}", headers=shop.staff).status_code == 204
    assert client.get(f"/v1/products/{product}").status_code == 404


def test_another_companys_objects_answer_404_like_unknown_ones(shop: Shop) -> None:
    client = shop.client
    mine = created(client, shop, shop.staff)
    image = client.post(
        f"/v1/products/{mine}/images", files={"image": ("a.jpg", jpeg(photo_of("mug", 7)))},
        headers=shop.staff,
    )  # fmt: skip
    assert image.status_code == 201, image.text
    image_id = image.json()["id"]
    intruder = shop.other_admin
    cases = [
        ("post", f"/v1/suppliers/{shop.supplier}/products", "/v1/suppliers/nope/products"),
        ("get", f"/v1/suppliers/{shop.supplier}/products", "/v1/suppliers/nope/products"),
        ("patch", f"/v1/products/{mine}", "/v1/products/nope"),
        ("delete", f"/v1/products/{mine}", "/v1/products/nope"),
        ("delete", f"/v1/products/{mine}/images/{image_id}", "/v1/products/nope/images/1"),
    ]
    for method, foreign, unknown in cases:
        body = product_body() if method in ("post", "patch") else None
        refused_as_missing(
            client.request(method, foreign, json=body, headers=intruder),
            client.request(method, unknown, json=body, headers=intruder),
            shop.supplier if "suppliers" in foreign else mine,
        )
    photo = {"image": ("a.jpg", jpeg(photo_of("mug", 8)))}
    refused_as_missing(
        client.post(f"/v1/products/{mine}/images", files=photo, headers=intruder),
        client.post("/v1/products/nope/images", files=photo, headers=intruder),
        mine,
    )
    # and nothing changed
    body = client.get(f"/v1/products/{mine}").json()
    assert body["title"] == product_body()["title"]
    assert len(body["images"]) == 1


def test_a_company_that_only_buys_cannot_list_products(shop: Shop) -> None:
    client = shop.client
    response = client.post(
        f"/v1/suppliers/{shop.supplier}/products", json=product_body(), headers=shop.buyer
    )
    assert response.status_code == 404
    me = client.get("/v1/me", headers=shop.buyer).json()
    assert me["kind"] == "buyer"
    assert me["supplier"] is None
    # an operator belongs to no company and sells nothing either
    response = client.post(
        f"/v1/suppliers/{shop.supplier}/products", json=product_body(), headers=shop.operator
    )
    assert response.status_code == 404


def test_only_operators_set_trust_fields(shop: Shop) -> None:
    client = shop.client
    path = f"/v1/suppliers/{shop.supplier}"
    for body in ({"rating": 5}, {"review_count": 900}, {"response_rate": 1.0}):
        response = client.patch(path, json=body, headers=shop.admin)
        assert response.status_code == 403, response.text
        assert "operators" in response.json()["detail"]
    response = client.patch(path, json={"verified": True}, headers=shop.admin)
    assert response.status_code == 422
    assert "verifications" in response.text
    response = client.post(path + "/products", json=product_body(rating=5), headers=shop.staff)
    assert response.status_code == 422
    assert client.get(path).json()["rating"] == 0.0
    response = client.patch(path, json={"rating": 4.5}, headers=shop.operator)
    assert response.status_code == 200
    assert response.json()["rating"] == 4.5
    audit = client.get("/v1/audit", headers=shop.operator).json()["events"]
    assert audit[0]["action"] == "supplier.update"
    assert audit[0]["details"] == {"rating": 4.5}


def test_admin_only_actions_are_refused_to_staff(shop: Shop) -> None:
    client = shop.client
    refusals = [
        client.post("/v1/companies/me/members", json={"name": "X", "language": "en"},
                    headers=shop.staff),
        client.patch(f"/v1/suppliers/{shop.supplier}", json={"city": "Foshan"},
                     headers=shop.staff),
        client.post("/v1/suppliers", json={"name": "Again", "country": "CN"}, headers=shop.staff),
    ]  # fmt: skip
    assert [r.status_code for r in refusals] == [403, 403, 403], [r.text for r in refusals]
    again = client.post("/v1/suppliers", json={"name": "Again", "country": "CN"},
                        headers=shop.admin)  # fmt: skip
    assert again.status_code == 409
    foreign = client.patch(
        f"/v1/suppliers/{shop.other_supplier}", json={"city": "X"}, headers=shop.admin
    )
    assert foreign.status_code == 404
    company = client.get("/v1/companies/me", headers=shop.staff).json()
    assert company["buys"]
    assert company["sells"]
    assert company["supplier"] == shop.supplier
    assert sorted(m["role"] for m in company["members"]) == ["admin", "staff"]


def test_only_operators_verify_and_read_the_audit_trail(shop: Shop) -> None:
    client = shop.client
    path = f"/v1/suppliers/{shop.supplier}/verifications"
    body = {"checks": ["business_licence"]}
    for who in (shop.admin, shop.staff, shop.buyer):
        assert client.post(path, json=body, headers=who).status_code == 403
        assert client.get("/v1/audit", headers=who).status_code == 403
    made = client.post(path, json=body, headers=shop.operator)
    assert made.status_code == 201, made.text
    assert client.delete(f"{path}/{made.json()['id']}", headers=shop.admin).status_code == 403
    assert client.get(f"/v1/suppliers/{shop.supplier}").json()["verified"] is True
    unknown = client.post("/v1/suppliers/nope/verifications", json=body, headers=shop.operator)
    assert unknown.status_code == 404
    bad = client.post(path, json={"checks": ["vibes"]}, headers=shop.operator)
    assert bad.status_code == 422
    assert "business_licence" in bad.json()["detail"]


def test_catalog_uploads_of_another_company_are_404(shop: Shop) -> None:
    client = shop.client
    files = {"file": ("c.zip", b"PK\x05\x06" + b"\0" * 18)}
    response = client.post(
        f"/v1/suppliers/{shop.supplier}/catalog-uploads", files=files, headers=shop.other_admin
    )
    assert response.status_code == 404
    mine = client.post(
        f"/v1/suppliers/{shop.supplier}/catalog-uploads", files=files, headers=shop.staff
    )
    assert mine.status_code == 202, mine.text
    upload = mine.json()["url"]
    assert client.get(upload, headers=shop.other_admin).status_code == 404
    assert client.get(upload, headers=shop.buyer).status_code == 404
    assert client.get(upload, headers=shop.staff).status_code == 200


def test_caps_per_supplier_are_refused_clearly(shop: Shop) -> None:
    client = shop.client
    product = created(client, shop, shop.staff)
    for seed in (1, 2):
        photo = {"image": ("a.jpg", jpeg(photo_of("lamp", seed)))}
        assert client.post(f"/v1/products/{product}/images", files=photo,
                           headers=shop.staff).status_code == 201  # fmt: skip
    third = client.post(
        f"/v1/products/{product}/images", files={"image": ("a.jpg", jpeg(photo_of("lamp", 3)))},
        headers=shop.staff,
    )  # fmt: skip
    assert third.status_code == 409
    assert "most allowed" in third.json()["detail"]
    created(client, shop, shop.staff)
    created(client, shop, shop.staff)
    fourth = client.post(
        f"/v1/suppliers/{shop.supplier}/products", json=product_body(), headers=shop.staff
    )
    assert fourth.status_code == 409
    assert "3 products" in fourth.json()["detail"]


def test_writes_need_a_token(shop: Shop) -> None:
    client = shop.client
    assert client.post(f"/v1/suppliers/{shop.supplier}/products",
                       json=product_body()).status_code == 401  # fmt: skip
    assert client.post("/v1/suppliers", json={"name": "X", "country": "CN"}).status_code == 401
    assert client.get("/v1/audit").status_code == 401


def test_operators_are_made_only_by_the_cli(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(limits=LimitSettings(enabled=False))
    output = run_cli(settings, "accounts", "create", "--operator", "--name", "Ops",
                     "--language", "en")  # fmt: skip
    token = output.rsplit("token (shown once): ", 1)[1].strip()
    with shop_of(settings) as shop:
        me = shop.client.get("/v1/me", headers=bearer(token)).json()
        assert (me["kind"], me["role"], me["company_id"]) == ("operator", "operator", None)
        audit = shop.client.get("/v1/audit", headers=bearer(token)).json()["events"]
        made = [e for e in audit if e["action"] == "account.create"]
        assert made[0]["target"] == f"account:{me['id']}"
        assert made[0]["details"] == {"via": "cli", "role": "operator"}
        # nothing in the API makes one: a sign-up is a company admin, a member admin or staff
        invited = shop.client.post(
            "/v1/companies/me/members", headers=shop.admin,
            json={"name": "Sneaky", "language": "en", "role": "operator"},
        )  # fmt: skip
        assert invited.status_code == 422
        assert shop.client.get("/v1/me", headers=shop.admin).json()["role"] == "admin"
