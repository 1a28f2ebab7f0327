"""Products a query names exactly: by their whole title, or by a model number.

A model number is a query that looks like a code (one word with a digit, e.g.
``XK-2040``): a product names it when an attribute (``model``, ``model_number``, ``sku``,
``mpn``, ``part_number``) equals it or its title contains it. Case and runs of
spaces do not matter. The match is an equality in SQL, so it costs an index-free
scan of titles and attributes only for code-like queries, bounded by ``limit``; a
whole-title query is a lookup in the ``lower(title)`` index.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from sesame.catalog.columns import filtered
from sesame.catalog.models import Product
from sesame.core.filters import Filters

MODEL_KEYS = ("model", "model_number", "sku", "mpn", "part_number")
_CODE = re.compile(r"^(?=.*\d)[\w./-]{3,64}$")


def normal(text: str) -> str:
    return " ".join(text.lower().split())


def exact_matches(
    session: Session, queries: Iterable[str], *, filters: Filters | None = None, limit: int = 10
) -> list[int]:
    """Ids of the products the queries name exactly, in id order."""
    wanted = sorted({normal(q) for q in queries if q.strip()})
    if not wanted:
        return []
    title = func.lower(Product.title)
    found = _ids(session, select(Product.id).where(title.in_(wanted)), filters, limit)
    codes = [code for code in wanted if _CODE.match(code)]
    if codes:  # a model number: attributes, or a code inside a title (a scan, but rare)
        named: list[ColumnElement[bool]] = [
            func.lower(Product.attributes[key].as_string()).in_(codes) for key in MODEL_KEYS
        ]
        named += [title.contains(code, autoescape=True) for code in codes]
        found += _ids(session, select(Product.id).where(or_(*named)), filters, limit)
    return sorted(set(found))[:limit]


def _ids(session: Session, stmt: Select[Any], filters: Filters | None, limit: int) -> list[int]:
    if filters is not None:
        stmt = filtered(stmt, filters.conditions())
    return [int(pid) for pid in session.scalars(stmt.order_by(Product.id).limit(limit))]
