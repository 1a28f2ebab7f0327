"""Operator verification: it counts while unexpired and unrevoked, evaluated at read time
in cards, in the index (``verified_only``) and in the trust score, with no job run."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.db import make_engine
from sesame.catalog.models import Verification, utcnow
from sesame.catalog.verification import refresh_verified_until
from tests.api.shop_world import Shop, listed, wait_for_status


def searchable(shop: Shop) -> Callable[..., dict[str, Any] | None]:
    """List a product for the shop; returns a search for the shop's group of results."""
    wait_for_status(shop.client, listed(shop, title="Wrought iron gate hinge"))
    query = {"query": "wrought iron gate hinge", "limit": 50}

    def our_group(**filters: object) -> dict[str, Any] | None:
        body = shop.client.post("/v1/search/text", json=query | {"filters": filters}).json()
        return next((g for g in body["results"] if g["supplier"]["id"] == shop.supplier), None)

    return our_group


def test_a_verification_counts_until_it_expires_with_nothing_run(shop: Shop) -> None:
    client = shop.client
    our_group = searchable(shop)

    unverified = our_group()
    assert unverified is not None
    assert our_group(verified_only=True) is None
    soon = utcnow() + timedelta(seconds=4)
    made = client.post(
        f"/v1/suppliers/{shop.supplier}/verifications", headers=shop.operator,
        json={"checks": ["business_licence", "factory_audit"], "expires_at": soon.isoformat()},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    deadline = time.monotonic() + 3
    while (verified := our_group(verified_only=True)) is None and time.monotonic() < deadline:
        time.sleep(0.1)  # the change log brings the new bound to the index
    assert verified is not None
    assert verified["supplier"]["verified"]
    trusted = our_group()
    assert trusted is not None
    assert trusted["score"] > unverified["score"]
    card = client.get(f"/v1/suppliers/{shop.supplier}").json()
    assert card["verified"]
    assert card["verifications"][0]["checks"] == ["business_licence", "factory_audit"]
    time.sleep(max(0.0, (soon - utcnow()).total_seconds()) + 0.5)  # now it has expired
    assert our_group(verified_only=True) is None
    expired = our_group()
    assert expired is not None
    assert not expired["supplier"]["verified"]
    assert expired["score"] == pytest.approx(unverified["score"])
    card = client.get(f"/v1/suppliers/{shop.supplier}").json()
    assert not card["verified"]
    assert card["verifications"] == []


def test_a_verification_that_expired_yesterday_does_not_count(shop: Shop) -> None:
    client = shop.client
    our_group = searchable(shop)

    before = our_group()
    engine = make_engine(shop.settings.database_url)
    with Session(engine) as session:  # checked a year ago, valid until yesterday
        supplier = repo.supplier_by_external_id(session, shop.supplier)
        assert supplier is not None
        session.add(Verification(
            supplier_id=supplier.id, checks=["on_site_inspection"],
            created_at=utcnow() - timedelta(days=366), expires_at=utcnow() - timedelta(days=1),
        ))  # fmt: skip
        session.flush()
        refresh_verified_until(session, supplier)
        session.commit()
    engine.dispose()
    time.sleep(1.0)  # the change log has reached the index
    card = client.get(f"/v1/suppliers/{shop.supplier}").json()
    assert not card["verified"]
    assert card["verifications"] == []
    assert our_group(verified_only=True) is None
    after = our_group()
    assert before is not None
    assert after is not None
    assert after["score"] == pytest.approx(before["score"])  # no trust from it either
