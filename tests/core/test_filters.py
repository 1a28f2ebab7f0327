"""The filter contract: parsing, conditions, the reference semantics and the catalog check."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.columns import PAYLOAD_COLUMNS
from sesame.catalog.db import make_engine, make_session_factory, migrate
from sesame.catalog.records import SupplierRecord
from sesame.core.errors import InvalidInput
from sesame.core.filters import Condition, Filters, Op, Payload, matches, payload_types
from sesame.index.columns import SCHEMA
from sesame.search.filters import checked_filters

PAYLOAD = Payload(
    product_id=1, supplier_id=2, kind="image", country="CN", province="Guangdong",
    city="Foshan", category="furniture", verified_until=time.time() + 3600, rating=4.5, moq=50,
    price_min_usd=None, price_max_usd=None,
)  # fmt: skip


def test_lists_may_be_comma_separated_text_as_in_form_fields() -> None:
    assert Filters(countries="CN, VN,,").countries == frozenset({"CN", "VN"})  # type: ignore[arg-type]
    assert Filters(cities=["Foshan,Yiwu", "Ningbo"]).cities == {"Foshan", "Yiwu", "Ningbo"}  # type: ignore[arg-type]
    assert Filters(countries="").countries is None  # type: ignore[arg-type]


def test_unknown_fields_and_out_of_range_values_are_refused() -> None:
    with pytest.raises(ValidationError, match="kind"):
        Filters(kind="text")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="less than or equal to 5"):
        Filters(min_rating=6)


def test_only_active_filters_become_conditions() -> None:
    f = Filters(provinces=frozenset({"Guangdong"}), verified_only=True, max_moq=100)
    before = time.time()
    province, verified, moq = f.conditions()
    assert province == Condition("province", Op.ONE_OF, frozenset({"Guangdong"}))
    assert moq == Condition("moq", Op.AT_MOST, 100)
    # "Verified" is a verification that holds now: its end is compared with the clock.
    assert (verified.payload, verified.op) == ("verified_until", Op.AT_LEAST)
    assert before <= verified.value <= time.time()
    assert Filters().conditions() == []


def test_an_expired_verification_does_not_count() -> None:
    expired = dataclasses.replace(PAYLOAD, verified_until=time.time() - 86400)
    assert matches(PAYLOAD, Filters(verified_only=True))
    assert not matches(expired, Filters(verified_only=True))


def test_a_price_on_request_never_matches_a_price_bound() -> None:
    assert matches(PAYLOAD, Filters())
    assert not matches(PAYLOAD, Filters(price_max_usd=1e9))
    assert not matches(PAYLOAD, Filters(price_min_usd=0))


def test_the_vector_kind_is_a_condition_of_its_own() -> None:
    assert matches(PAYLOAD, None, "image")
    assert not matches(PAYLOAD, None, "text")


def test_every_payload_field_has_a_faiss_column_and_a_sql_column() -> None:
    fields = set(payload_types())
    assert fields <= set(SCHEMA)
    assert fields - {"kind"} == set(PAYLOAD_COLUMNS)
    assert {c.payload for c in Filters.criteria().values()} <= fields


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    migrate(engine)
    with make_session_factory(engine)() as session:
        for number, (country, province, city) in enumerate(
            [
                ("CN", "Guangdong", "Foshan"),
                ("CN", "Zhejiang", "Yiwu"),
                ("VN", "Hanoi", "Bat Trang"),
            ]
        ):
            record = SupplierRecord(
                id=f"s{number}", name=city, country=country, province=province, city=city
            )
            repo.upsert_supplier(session, record)
        session.commit()
        yield session
    engine.dispose()


def test_the_catalog_check_spells_values_as_the_catalog_does(session: Session) -> None:
    checked = checked_filters(session, Filters(cities=frozenset({"foshan", "BAT TRANG"})))
    assert checked.cities == frozenset({"Foshan", "Bat Trang"})
    assert checked_filters(session, Filters(provinces=frozenset())).provinces is None


def test_the_catalog_check_refuses_unknown_values_naming_the_known_ones(session: Session) -> None:
    with pytest.raises(InvalidInput, match="Unknown province 'Bavaria'; known: Guangdong, Hanoi"):
        checked_filters(session, Filters(provinces=frozenset({"Bavaria"})))
    with pytest.raises(InvalidInput, match=r"price_min_usd \(5.0\) is above price_max_usd"):
        checked_filters(session, Filters(price_min_usd=5, price_max_usd=1))
