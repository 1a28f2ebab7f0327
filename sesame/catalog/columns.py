"""The keyword-query translation of the filter contract: payload field -> SQL column.

The same map builds the payloads the vector index keeps (one query per batch),
filters keyword search, and lists the values a keyword filter may take, so a
payload field is named in SQL in exactly one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from sesame.catalog.models import Product, Supplier
from sesame.core.filters import Condition, Op, Payload, payload_types

PAYLOAD_COLUMNS: dict[str, InstrumentedAttribute[Any]] = {
    "country": Supplier.country,
    "province": Supplier.province,
    "city": Supplier.city,
    "category": Product.category,
    "verified_until": Supplier.verified_until,
    "rating": Supplier.rating,
    "moq": Product.moq,
    "price_min_usd": Product.price_min_usd,
    "price_max_usd": Product.price_max_usd,
}
# ``kind`` is a property of each stored vector, not of the product.
ROW_FIELDS = tuple(name for name in payload_types() if name != "kind")


def sql_condition(c: Condition) -> ColumnElement[bool]:
    """One contract condition as a SQL expression (NULL fails every bound, as it should)."""
    column = PAYLOAD_COLUMNS[c.payload]
    match c.op:
        case Op.EQUALS:
            return cast(ColumnElement[bool], column == c.value)
        case Op.ONE_OF:
            return column.in_(sorted(c.value))
        case Op.IS_TRUE:
            return column.is_(True)
        case Op.AT_LEAST:
            return cast(ColumnElement[bool], column >= c.value)
        case Op.AT_MOST:
            return cast(ColumnElement[bool], column <= c.value)
        case _:
            raise ValueError(f"Keyword search cannot apply {c.op!r} to {c.payload!r}.")


def filtered(stmt: Select[Any], conditions: Sequence[Condition]) -> Select[Any]:
    """``stmt`` (over products) restricted to rows passing every condition."""
    if not conditions:
        return stmt
    stmt = stmt.join(Supplier, Supplier.id == Product.supplier_id)
    return stmt.where(and_(*(sql_condition(c) for c in conditions)))


def known_values(session: Session, payload: str) -> list[str]:
    """The distinct values a keyword payload field takes in the catalog."""
    column = PAYLOAD_COLUMNS[payload]
    return sorted(value for value in session.scalars(select(column).distinct()) if value)


def payload_select() -> Select[Any]:
    """Product id, supplier id and every payload column, for ``payload_of``."""
    columns = [PAYLOAD_COLUMNS[name] for name in ROW_FIELDS]
    return select(Product.id, Product.supplier_id, *columns).join(
        Supplier, Supplier.id == Product.supplier_id
    )


def payloads_by_product(session: Session, product_ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    """Product id -> its payload row (see ``payload_of``)."""
    wanted = sorted(set(product_ids))
    if not wanted:
        return {}
    rows = session.execute(payload_select().where(Product.id.in_(wanted)))
    return {row[0]: tuple(row) for row in rows}


def payload_of(row: tuple[Any, ...], kind: str) -> Payload:
    """A payload from a ``payload_select`` row and the vector's kind."""
    values = dict(zip(ROW_FIELDS, row[2:], strict=True))
    vector_kind = cast(Literal["image", "text"], kind)
    return Payload(product_id=row[0], supplier_id=row[1], kind=vector_kind, **values)
