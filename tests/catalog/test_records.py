"""Validation of ingestion records: each bad field is named in the message."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from sesame.catalog.records import ProductRecord, SupplierRecord
from sesame.ingest.jsonl import RecordError, describe_validation_error, read_records

GOOD_PRODUCT = {
    "id": "prd-1",
    "supplier_id": "sup-1",
    "title": "Mug",
    "category": "Kitchenware",
    "price": {"min": 1, "max": 2, "currency": "usd"},
    "moq": {"quantity": 10, "unit": "pieces"},
    "images": ["images/a.jpg"],
}


def message(model: type, data: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return describe_validation_error(info.value)


def test_a_good_product_is_normalised() -> None:
    record = ProductRecord.model_validate(GOOD_PRODUCT)
    assert record.category == "kitchenware"
    assert record.content_hash() == ProductRecord.model_validate(GOOD_PRODUCT).content_hash()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"price": {"min": 5, "max": 2}}, "is below price.min"),
        ({"price": {"min": 1, "max": 2, "currency": "XYZ"}}, "unknown currency 'XYZ'"),
        ({"moq": {"quantity": 0}}, "moq.quantity"),
        ({"images": ["../etc/passwd"]}, "without '..'"),
        ({"images": ["/abs/a.jpg"]}, "must be relative"),
        ({"id": "has space"}, "id:"),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_products_are_refused_with_the_field_named(
    change: dict[str, object], expected: str
) -> None:
    assert expected in message(ProductRecord, {**GOOD_PRODUCT, **change})


def test_bad_suppliers_are_refused_with_the_field_named() -> None:
    assert "rating" in message(
        SupplierRecord, {"id": "s", "name": "n", "country": "CN", "rating": 7}
    )
    assert "country" in message(SupplierRecord, {"id": "s", "name": "n", "country": "China"})
    assert "languages" in message(
        SupplierRecord, {"id": "s", "name": "n", "country": "CN", "languages": ["chinese"]}
    )


def test_jsonl_reader_reports_each_bad_line_and_keeps_the_good(tmp_path) -> None:
    path = tmp_path / "products.jsonl"
    lines = [
        json.dumps(GOOD_PRODUCT),
        "{not json",
        "",
        "[1, 2]",
        json.dumps({**GOOD_PRODUCT, "id": "prd-2"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    results = list(read_records(path, ProductRecord))
    good = [(n, r) for n, r in results if not isinstance(r, RecordError)]
    bad = [r for _, r in results if isinstance(r, RecordError)]
    assert [n for n, _ in good] == [1, 5]
    assert [(e.line, e.message.split(" (")[0]) for e in bad] == [
        (2, "not valid JSON"),
        (4, "expected a JSON object"),
    ]
    assert str(bad[0]).startswith("products.jsonl:2: ")
