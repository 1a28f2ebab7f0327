"""The demo catalog: deterministic, well-formed, one product per look, photos on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sesame.demo.catalog import (
    MAX_PRODUCTS,
    build_demo_records,
    demo_product_specs,
    generate_demo_catalog,
)
from sesame.demo.render import ProductLook, render_product

REPO = Path(__file__).resolve().parents[1]
PRODUCTS = 60


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate_demo_catalog(out, products=PRODUCTS, seed=7)
    return out


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_same_seed_gives_the_same_records_and_another_seed_does_not() -> None:
    assert build_demo_records(products=40, seed=3) == build_demo_records(products=40, seed=3)
    assert build_demo_records(products=40, seed=3) != build_demo_records(products=40, seed=4)


def test_every_product_is_a_distinct_look() -> None:
    specs = demo_product_specs(products=MAX_PRODUCTS, seed=7)
    assert len({spec.look for spec in specs}) == MAX_PRODUCTS
    assert len({spec.id for spec in specs}) == MAX_PRODUCTS


def test_a_look_can_be_found_by_its_words() -> None:
    specs = demo_product_specs(products=MAX_PRODUCTS, seed=7)
    red_striped_mugs = [s for s in specs if s.look == ProductLook("mug", "red", "striped")]
    assert len(red_striped_mugs) == 1


def test_asking_for_more_products_than_looks_is_refused() -> None:
    with pytest.raises(ValueError, match="between 1 and"):
        demo_product_specs(products=MAX_PRODUCTS + 1)


def test_suppliers_span_countries_languages_and_plausible_trust_data(catalog_dir: Path) -> None:
    suppliers = _read_jsonl(catalog_dir / "suppliers.jsonl")
    assert 35 <= len(suppliers) <= 45
    assert {"CN", "IN", "VN", "BR"} <= {s["country"] for s in suppliers}
    assert len({s["id"] for s in suppliers}) == len(suppliers)
    assert len({s["name"] for s in suppliers}) == len(suppliers)
    for s in suppliers:
        assert s["id"].startswith(f"sup-{s['country'].lower()}-")
        assert s["languages"]
        assert all(len(code) == 2 for code in s["languages"])
        assert isinstance(s["verified"], bool)
        assert 3.0 <= s["rating"] <= 5.0
        assert 0.0 <= s["response_rate"] <= 1.0
        assert s["review_count"] >= 0
        assert s["years_in_business"] >= 1


def test_products_are_well_formed_and_point_at_real_suppliers(catalog_dir: Path) -> None:
    supplier_ids = {s["id"] for s in _read_jsonl(catalog_dir / "suppliers.jsonl")}
    products = _read_jsonl(catalog_dir / "products.jsonl")
    assert len(products) == PRODUCTS
    for p in products:
        assert p["supplier_id"] in supplier_ids
        assert p["attributes"]["colour"] in p["title"].lower()
        assert p["price"]["currency"] in {"USD", "CNY", "INR", "VND", "BRL"}
        assert 0 < p["price"]["min"] <= p["price"]["max"]
        assert p["moq"]["quantity"] > 0
        assert p["moq"]["unit"]
        assert 1 <= len(p["images"]) <= 3


def test_product_photos_are_256px_rgb_jpegs_on_disk(catalog_dir: Path) -> None:
    for product in _read_jsonl(catalog_dir / "products.jsonl")[:10]:
        for rel in product["images"]:
            with Image.open(catalog_dir / rel) as image:
                assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (256, 256))


def test_a_photo_depends_only_on_look_and_variation() -> None:
    look = ProductLook("chair", "blue", "dotted")
    first = render_product(look, 5, size=96)
    assert first.tobytes() == render_product(look, 5, size=96).tobytes()
    assert first.tobytes() != render_product(look, 6, size=96).tobytes()


def test_the_script_writes_a_catalog(tmp_path: Path) -> None:
    script = REPO / "scripts" / "make_demo_catalog.py"
    result = subprocess.run(
        [sys.executable, str(script), str(tmp_path), "--products", "5", "--seed", "1"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "5 products" in result.stdout
    assert len(_read_jsonl(tmp_path / "products.jsonl")) == 5
