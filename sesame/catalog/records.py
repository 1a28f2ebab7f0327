"""The ingestion file format: one JSON object per line, validated with pydantic."""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sesame.core.currency import USD_RATES

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    def content_hash(self) -> str:
        """A stable digest of the record, to skip unchanged ones on re-ingest."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


class SupplierRecord(_Record):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    province: str = Field(default="", max_length=100, description="Province or state")
    city: str = Field(default="", max_length=100)
    languages: list[str] = Field(default_factory=list, max_length=20)
    verified: bool = False
    rating: float = Field(default=0.0, ge=0.0, le=5.0)
    review_count: int = Field(default=0, ge=0)
    years_in_business: int = Field(default=0, ge=0, le=500)
    response_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    @field_validator("country")
    @classmethod
    def _upper_country(cls, value: str) -> str:
        return value.upper()

    @field_validator("languages")
    @classmethod
    def _language_codes(cls, value: list[str]) -> list[str]:
        codes = [code.lower() for code in value]
        bad = [code for code in codes if not code.isascii() or not 2 <= len(code) <= 3]
        if bad:
            raise ValueError(f"languages must be ISO 639-1 codes like 'zh' or 'en', got {bad}")
        return codes


class PriceRecord(_Record):
    min: float = Field(gt=0)
    max: float = Field(gt=0)
    currency: str = Field(default="USD", pattern=r"^[A-Za-z]{3}$")

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.max < self.min:
            raise ValueError(f"price.max ({self.max}) is below price.min ({self.min})")
        if self.currency.upper() not in USD_RATES:
            known = ", ".join(sorted(USD_RATES))
            raise ValueError(f"unknown currency {self.currency!r}; known: {known}")
        return self


class MoqRecord(_Record):
    quantity: int = Field(ge=1)
    unit: str = Field(default="pieces", min_length=1, max_length=32)


class ProductRecord(_Record):
    id: str = Field(pattern=ID_PATTERN)
    supplier_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=10_000)
    category: str = Field(min_length=1, max_length=64)
    # Both optional: a product without them is "price on request" (common in B2B), and is
    # never matched by a price or MOQ filter.
    price: PriceRecord | None = None
    moq: MoqRecord | None = None
    lead_time_days: int | None = Field(default=None, ge=0, le=3650, description="To ship")
    attributes: dict[str, Any] = Field(default_factory=dict)
    images: list[str] = Field(default_factory=list, max_length=20)

    @field_validator("category")
    @classmethod
    def _lower_category(cls, value: str) -> str:
        return value.lower()

    @field_validator("images")
    @classmethod
    def _relative_paths(cls, value: list[str]) -> list[str]:
        for raw in value:
            path = PurePosixPath(raw)
            if path.is_absolute() or ".." in path.parts or not raw:
                raise ValueError(
                    f"image path {raw!r} must be relative to the catalog folder, without '..'"
                )
        return value

    def text_for_embedding(self) -> str:
        return f"{self.title}. {self.description}".strip()
