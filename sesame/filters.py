"""Turn user-supplied filter values into index Filters, refusing unknown values.

An unknown country or category would silently return nothing; saying so, with
the values that do exist, is more useful to the buyer.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog.models import Product, Supplier
from index.base import Filters
from sesame.errors import InvalidInput


def build_filters(
    session: Session,
    *,
    countries: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    verified_only: bool = False,
    min_rating: float | None = None,
    max_moq: int | None = None,
    price_min_usd: float | None = None,
    price_max_usd: float | None = None,
) -> Filters:
    if price_min_usd is not None and price_max_usd is not None and price_min_usd > price_max_usd:
        raise InvalidInput(
            f"price_min_usd ({price_min_usd}) is above price_max_usd ({price_max_usd})."
        )
    return Filters(
        countries=_known(
            "country",
            [c.strip().upper() for c in countries] if countries is not None else None,
            session.scalars(select(Supplier.country).distinct()),
        ),
        categories=_known(
            "category",
            [c.strip().lower() for c in categories] if categories is not None else None,
            session.scalars(select(Product.category).distinct()),
        ),
        verified_only=verified_only,
        min_rating=min_rating,
        max_moq=max_moq,
        price_min_usd=price_min_usd,
        price_max_usd=price_max_usd,
    )


def _known(name: str, values: list[str] | None, existing: Iterable[str]) -> frozenset[str] | None:
    if values is None:
        return None
    wanted = frozenset(value for value in values if value)
    if not wanted:
        return None
    known = set(existing)
    unknown = sorted(wanted - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none yet"
        raise InvalidInput(f"Unknown {name} {', '.join(map(repr, unknown))}; known: {listed}.")
    return wanted


def split_csv(value: str | None) -> list[str] | None:
    """Form fields carry lists as comma-separated text: 'CN,VN'."""
    if value is None or not value.strip():
        return None
    return [part.strip() for part in value.split(",") if part.strip()]
