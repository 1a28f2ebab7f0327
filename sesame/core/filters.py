"""The filter contract: what the index keeps beside each vector, and what search filters on.

``Payload`` lists the fields kept beside every vector, each with its value type.
``Filters`` lists what a search may filter on; each field carries a
``Criterion`` naming the payload field it tests and how (``Op``). Every backend
translates conditions generically by operator and value type, so a new filter
on an existing kind of value touches only this module, the keyword-query column
map (``sesame.catalog.columns``) and the data model; docs/architecture.md has
the recipe. ``matches`` is the reference semantics every backend must agree
with. A payload number that is None (price on request) never matches a bound.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

VectorKind = Literal["image", "text"]
VECTOR_KINDS: tuple[VectorKind, ...] = ("image", "text")
# Database ids and counts are 64-bit; larger numbers are refused with 422, not sent to SQL.
MAX_ID = 2**63 - 1
MAX_QUANTITY = 2**31 - 1
MAX_PRICE_USD = 1e12
MAX_VALUES = 50


class ValueType(StrEnum):
    KEYWORD = "keyword"  # a short string, matched by set membership
    FLAG = "flag"  # a boolean
    INTEGER = "integer"  # a whole number, or None
    DECIMAL = "decimal"  # a real number, or None


class Op(StrEnum):
    EQUALS = "equals"  # the payload value is the filter value
    ONE_OF = "one_of"  # the payload value is in the filter's set
    IS_TRUE = "is_true"  # the payload flag is set (the filter is a bool that turns it on)
    AT_LEAST = "at_least"  # the payload number is >= the filter value
    AT_MOST = "at_most"  # the payload number is <= the filter value


# Dataclass field metadata naming each payload field's value type.
_KEYWORD = {"type": ValueType.KEYWORD}
_FLAG = {"type": ValueType.FLAG}
_INTEGER = {"type": ValueType.INTEGER}
_DECIMAL = {"type": ValueType.DECIMAL}


@dataclass(frozen=True, slots=True)
class Payload:
    """What the index keeps beside each vector: its product, supplier and filterable fields.

    Prices are in USD, so that filters compare like with like.
    """

    product_id: int
    supplier_id: int
    kind: VectorKind = field(metadata=_KEYWORD)
    country: str = field(metadata=_KEYWORD)
    province: str = field(metadata=_KEYWORD)
    city: str = field(metadata=_KEYWORD)
    category: str = field(metadata=_KEYWORD)
    # Epoch seconds until which the supplier's verification holds (None: not verified).
    verified_until: float | None = field(metadata=_DECIMAL)
    rating: float = field(metadata=_DECIMAL)
    moq: int | None = field(metadata=_INTEGER)
    price_min_usd: float | None = field(metadata=_DECIMAL)
    price_max_usd: float | None = field(metadata=_DECIMAL)


def payload_types() -> dict[str, ValueType]:
    """Filterable payload field -> its value type, in declaration order."""
    return {f.name: f.metadata["type"] for f in dataclasses.fields(Payload) if "type" in f.metadata}


@dataclass(frozen=True, slots=True)
class Criterion:
    """How a ``Filters`` field tests the payload: the field it reads and the operator.

    ``now``: the filter is a switch whose bound is the current time (a verification
    counts until it expires, with no job needed to notice).
    """

    payload: str
    op: Op
    now: bool = False


@dataclass(frozen=True, slots=True)
class Condition:
    """One active test: ``payload <op> value``."""

    payload: str
    op: Op
    value: Any

    def holds(self, actual: Any) -> bool:
        match self.op:
            case Op.EQUALS:
                return bool(actual == self.value)
            case Op.ONE_OF:
                return actual in self.value
            case Op.IS_TRUE:
                return bool(actual)
            case Op.AT_LEAST:
                return actual is not None and actual >= self.value
            case Op.AT_MOST:
                return actual is not None and actual <= self.value
            case _:
                raise ValueError(f"Unknown filter operator {self.op!r}.")


Values = frozenset[str] | None


class Filters(BaseModel):
    """Search filters; None (or False) means "do not filter on this".

    Lists may also be given as comma-separated text ("CN,VN"), as form fields are.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    countries: Annotated[Values, Criterion("country", Op.ONE_OF)] = Field(
        default=None, max_length=MAX_VALUES, description="ISO 3166-1 alpha-2 codes, e.g. CN,VN"
    )
    provinces: Annotated[Values, Criterion("province", Op.ONE_OF)] = Field(
        default=None, max_length=MAX_VALUES, description="Supplier provinces, e.g. Guangdong"
    )
    cities: Annotated[Values, Criterion("city", Op.ONE_OF)] = Field(
        default=None, max_length=MAX_VALUES, description="Supplier cities, e.g. Foshan,Yiwu"
    )
    categories: Annotated[Values, Criterion("category", Op.ONE_OF)] = Field(
        default=None, max_length=MAX_VALUES, description="Product categories, e.g. furniture"
    )
    verified_only: Annotated[bool, Criterion("verified_until", Op.AT_LEAST, now=True)] = Field(
        default=False, description="Only suppliers with an unexpired platform verification"
    )
    min_rating: Annotated[float | None, Criterion("rating", Op.AT_LEAST)] = Field(
        default=None, ge=0, le=5, description="Lowest supplier rating, 0 to 5"
    )
    max_moq: Annotated[int | None, Criterion("moq", Op.AT_MOST)] = Field(
        default=None, ge=1, le=MAX_QUANTITY, description="Largest minimum order quantity"
    )
    # Price ranges overlap the wanted range: the product's max reaches the wanted min...
    price_min_usd: Annotated[float | None, Criterion("price_max_usd", Op.AT_LEAST)] = Field(
        default=None, ge=0, le=MAX_PRICE_USD, description="Lowest wanted unit price in USD"
    )
    # ... and the product's min is within the wanted max.
    price_max_usd: Annotated[float | None, Criterion("price_min_usd", Op.AT_MOST)] = Field(
        default=None, ge=0, le=MAX_PRICE_USD, description="Highest wanted unit price in USD"
    )

    @field_validator("countries", "provinces", "cities", "categories", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        """Accept "CN,VN" (a form field) as well as ["CN", "VN"]; blanks are dropped."""
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()] or None
        if isinstance(value, list | tuple | set | frozenset):
            parts = [p for v in value for p in (v.split(",") if isinstance(v, str) else [v])]
            return [p.strip() if isinstance(p, str) else p for p in parts if p != ""]
        return value

    @classmethod
    def criteria(cls) -> dict[str, Criterion]:
        """Filter field name -> its criterion."""
        found: dict[str, Criterion] = {}
        for name, info in cls.model_fields.items():
            found.update((name, m) for m in info.metadata if isinstance(m, Criterion))
        return found

    def conditions(self) -> list[Condition]:
        """The active conditions, in field order."""
        active = []
        for name, criterion in self.criteria().items():
            value = getattr(self, name)
            if value is None or value is False:
                continue
            bound = time.time() if criterion.now else value
            active.append(Condition(criterion.payload, criterion.op, bound))
        return active


def conditions_for(filters: Filters | None, kind: VectorKind | None = None) -> list[Condition]:
    """Every condition a vector search applies: the filters' and, if given, the vector kind."""
    found = [] if filters is None else filters.conditions()
    if kind is not None:
        found.insert(0, Condition("kind", Op.EQUALS, kind))
    return found


def matches(payload: Payload, filters: Filters | None, kind: VectorKind | None = None) -> bool:
    """The reference semantics: whether ``payload`` passes every condition."""
    return all(c.holds(getattr(payload, c.payload)) for c in conditions_for(filters, kind))
