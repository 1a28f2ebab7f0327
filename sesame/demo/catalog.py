"""A deterministic, multi-country demo catalog: suppliers, products and their photos.

Every product is a unique (object, colour, pattern) combination, so "red striped
mug" names exactly one product, and its photos are drawn by
:func:`sesame.demo.render.render_product`. The same ``(products, seed)`` always
gives the same files.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from sesame.core.currency import USD_RATES
from sesame.demo.render import (
    COLOURS,
    OBJECTS,
    PATTERNS,
    ObjectKind,
    ProductLook,
    render_product,
)
from sesame.demo.suppliers import SupplierRecord, make_suppliers

MAX_PRODUCTS = len(OBJECTS) * len(COLOURS) * len(PATTERNS)

CATEGORY: dict[ObjectKind, str] = {
    "mug": "kitchenware", "bottle": "kitchenware", "bowl": "kitchenware",
    "chair": "furniture", "table": "furniture", "lamp": "lighting",
    "t-shirt": "apparel", "bag": "bags", "shoe": "footwear",
    "umbrella": "accessories", "clock": "home-decor", "vase": "home-decor",
}  # fmt: skip
MATERIALS: dict[ObjectKind, tuple[str, ...]] = {
    "mug": ("ceramic", "porcelain", "enamel"),
    "bottle": ("stainless steel", "glass", "tritan plastic"),
    "chair": ("wooden", "plastic", "metal"),
    "table": ("wooden", "bamboo", "metal"),
    "lamp": ("fabric", "linen", "metal"),
    "t-shirt": ("cotton", "polyester", "organic cotton"),
    "bag": ("canvas", "leather", "nylon"),
    "shoe": ("canvas", "leather", "mesh"),
    "umbrella": ("nylon", "polyester", "pongee"),
    "clock": ("plastic", "wooden", "metal"),
    "vase": ("ceramic", "glass", "porcelain"),
    "bowl": ("ceramic", "melamine", "porcelain"),
}
# Typical FOB unit prices in USD (low, high) and MOQ (low, high, unit).
_PRICE_USD: dict[ObjectKind, tuple[float, float]] = {
    "mug": (0.8, 3.5), "bottle": (1.5, 7.0), "chair": (15.0, 70.0), "table": (40.0, 220.0),
    "lamp": (8.0, 40.0), "t-shirt": (1.5, 6.5), "bag": (3.0, 18.0), "shoe": (5.0, 24.0),
    "umbrella": (2.0, 9.0), "clock": (3.0, 14.0), "vase": (2.0, 16.0), "bowl": (0.6, 4.0),
}  # fmt: skip
_MOQ: dict[ObjectKind, tuple[int, int, str]] = {
    "mug": (300, 3000, "pieces"), "bottle": (200, 2000, "pieces"), "chair": (20, 200, "pieces"),
    "table": (10, 100, "sets"), "lamp": (50, 500, "pieces"), "t-shirt": (100, 2000, "pieces"),
    "bag": (100, 1000, "pieces"), "shoe": (200, 1200, "pairs"), "umbrella": (200, 2000, "pieces"),
    "clock": (100, 1000, "pieces"), "vase": (50, 600, "pieces"), "bowl": (300, 3000, "pieces"),
}  # fmt: skip
_HOME_CURRENCY = {"CN": "CNY", "IN": "INR", "VN": "VND", "BR": "BRL"}
_USE = {
    "kitchenware": "Food-safe and suited to hotels, cafés and retail gift lines.",
    "furniture": "Ships flat-packed; suited to cafés, offices and home retail.",
    "lighting": "Supplied with a CE/UL-rated E27 fitting and a 1.5 m cable.",
    "apparel": "Sizes S to XXL; screen printing and embroidery available.",
    "bags": "Reinforced handles and an inner zip pocket.",
    "footwear": "EU sizes 36 to 45, rubber outsole.",
    "accessories": "Wind-resistant frame with eight ribs.",
    "home-decor": "Gift-boxed, ready for retail shelves.",
}


class Price(TypedDict):
    min: float
    max: float
    currency: str


class Moq(TypedDict):
    quantity: int
    unit: str


class ProductRecord(TypedDict):
    id: str
    supplier_id: str
    title: str
    description: str
    category: str
    price: Price
    moq: Moq
    attributes: dict[str, str]
    images: list[str]


@dataclass(frozen=True, slots=True)
class DemoProductSpec:
    """Which product id shows what, and the render variations of its photos."""

    id: str
    look: ProductLook
    variations: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DemoCatalog:
    """Summary of a generated catalog: where it is and how much it holds."""

    out_dir: Path
    suppliers_path: Path
    products_path: Path
    suppliers: int
    products: int
    images: int


def demo_product_specs(*, products: int = 300, seed: int = 7) -> list[DemoProductSpec]:
    """The products of the catalog for ``(products, seed)``, in id order."""
    if not 1 <= products <= MAX_PRODUCTS:
        raise ValueError(f"products must be between 1 and {MAX_PRODUCTS}, got {products}.")
    rng = random.Random(seed)
    looks = [ProductLook(*combo) for combo in itertools.product(OBJECTS, COLOURS, PATTERNS)]
    chosen = rng.sample(looks, products)
    specs: list[DemoProductSpec] = []
    for number, look in enumerate(chosen, start=1):
        variations = tuple(rng.randrange(1_000_000) for _ in range(rng.randint(1, 3)))
        specs.append(DemoProductSpec(f"prd-{number:05d}", look, variations))
    return specs


def image_paths(spec: DemoProductSpec) -> list[str]:
    """Catalog-relative image paths of a product, one per variation."""
    return [f"images/{spec.id}-{n}.jpg" for n in range(1, len(spec.variations) + 1)]


def _title(look: ProductLook, material: str) -> str:
    pattern = "" if look.pattern == "plain" else f" {look.pattern}"
    return f"{look.colour.capitalize()}{pattern} {material} {look.object}"


def _description(look: ProductLook, material: str, rng: random.Random) -> str:
    finish = {
        "plain": f"Solid {look.colour} finish",
        "striped": f"{look.colour.capitalize()} with contrasting horizontal stripes",
        "dotted": f"{look.colour.capitalize()} with a polka-dot print",
    }[look.pattern]
    custom = rng.choice(
        ("Custom logo and packaging on request.", "OEM/ODM welcome.", "Samples ship in 7 days.")
    )
    return f"{finish}, made of {material}. {_USE[CATEGORY[look.object]]} {custom}"


def _price(look: ProductLook, currency: str, rng: random.Random) -> Price:
    low, high = _PRICE_USD[look.object]
    usd_min = rng.uniform(low, (low + high) / 2)
    usd_max = usd_min * rng.uniform(1.15, 1.6)
    fx = USD_RATES[currency]
    digits = -3 if currency == "VND" else (0 if currency == "INR" else 2)
    return Price(
        min=float(round(usd_min * fx, digits)),
        max=float(round(usd_max * fx, digits)),
        currency=currency,
    )


def _moq(look: ProductLook, rng: random.Random) -> Moq:
    low, high, unit = _MOQ[look.object]
    step = 10 if low < 100 else 50
    return Moq(quantity=rng.randrange(low, high + 1, step), unit=unit)


def _product_record(
    spec: DemoProductSpec, supplier: SupplierRecord, rng: random.Random
) -> ProductRecord:
    look = spec.look
    material = rng.choice(MATERIALS[look.object])
    home = _HOME_CURRENCY.get(supplier["country"], "USD")
    currency = home if rng.random() < 0.5 else "USD"
    return ProductRecord(
        id=spec.id,
        supplier_id=supplier["id"],
        title=_title(look, material),
        description=_description(look, material, rng),
        category=CATEGORY[look.object],
        price=_price(look, currency, rng),
        moq=_moq(look, rng),
        attributes={"colour": look.colour, "pattern": look.pattern, "material": material},
        images=image_paths(spec),
    )


def build_demo_records(
    *, products: int = 300, seed: int = 7
) -> tuple[list[SupplierRecord], list[ProductRecord]]:
    """Supplier and product records of the demo catalog, without writing anything."""
    rng = random.Random(seed * 7919 + 1)
    suppliers = make_suppliers(rng, sorted(set(CATEGORY.values())))
    by_category: dict[str, list[SupplierRecord]] = {}
    for supplier, category in suppliers:
        by_category.setdefault(category, []).append(supplier)
    records: list[ProductRecord] = []
    for spec in demo_product_specs(products=products, seed=seed):
        supplier = rng.choice(by_category[CATEGORY[spec.look.object]])
        records.append(_product_record(spec, supplier, rng))
    return [supplier for supplier, _ in suppliers], records


def _write_jsonl(path: Path, rows: list[SupplierRecord] | list[ProductRecord]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def generate_demo_catalog(out_dir: Path, *, products: int = 300, seed: int = 7) -> DemoCatalog:
    """Write ``suppliers.jsonl``, ``products.jsonl`` and ``images/*.jpg`` under ``out_dir``."""
    suppliers, records = build_demo_records(products=products, seed=seed)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    images = 0
    for spec in demo_product_specs(products=products, seed=seed):
        for variation, rel in zip(spec.variations, image_paths(spec), strict=True):
            render_product(spec.look, variation).save(out_dir / rel, quality=90)
            images += 1
    _write_jsonl(out_dir / "suppliers.jsonl", suppliers)
    _write_jsonl(out_dir / "products.jsonl", records)
    return DemoCatalog(
        out_dir=out_dir,
        suppliers_path=out_dir / "suppliers.jsonl",
        products_path=out_dir / "products.jsonl",
        suppliers=len(suppliers),
        products=len(records),
        images=images,
    )
