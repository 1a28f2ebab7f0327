"""What a supplier sends: the fields of a catalog line, and of its supplier profile.

The same validation as ``products.jsonl`` and ``suppliers.jsonl`` lines; a
trust field (verified, rating, review counts) is not among them, and an
unknown field is refused by name.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sesame.catalog.records import ID_PATTERN, MoqRecord, PriceRecord


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_verified(cls, data: Any) -> Any:
        if isinstance(data, dict) and "verified" in data:
            raise ValueError(
                "verified is set only by platform operators, through "
                "POST /v1/suppliers/{supplier_id}/verifications"
            )
        return data


class ProductFields(_Fields):
    """A new product: a products.jsonl line without ``images`` (photos come one by one)."""

    id: str | None = Field(
        default=None, pattern=ID_PATTERN, description="Your id for it; made up when absent"
    )
    supplier_id: str | None = Field(default=None, description="If given, the path's supplier")
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=10_000)
    category: str = Field(min_length=1, max_length=64)
    price: PriceRecord | None = Field(default=None, description="Absent: price on request")
    moq: MoqRecord | None = Field(default=None, description="Absent: on request")
    lead_time_days: int | None = Field(default=None, ge=0, le=3650, description="Days to ship")
    attributes: dict[str, Any] = Field(default_factory=dict, max_length=50)

    @field_validator("category")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class ProductPatch(_Fields):
    """Fields to change; a field sent as null is cleared (price and MOQ: on request)."""

    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    category: str | None = Field(default=None, min_length=1, max_length=64)
    price: PriceRecord | None = None
    moq: MoqRecord | None = None
    lead_time_days: int | None = Field(default=None, ge=0, le=3650)
    attributes: dict[str, Any] | None = Field(default=None, max_length=50)


class SupplierFields(_Fields):
    """A company's supplier profile (it starts unverified)."""

    name: str = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")
    province: str = Field(default="", max_length=100)
    city: str = Field(default="", max_length=100)
    languages: list[str] = Field(default_factory=list, max_length=20)
    years_in_business: int = Field(default=0, ge=0, le=500)

    @field_validator("country")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class SupplierPatch(_Fields):
    """Profile fields to change; rating and review counts are for operators only."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    province: str | None = Field(default=None, max_length=100)
    city: str | None = Field(default=None, max_length=100)
    languages: list[str] | None = Field(default=None, max_length=20)
    years_in_business: int | None = Field(default=None, ge=0, le=500)
    rating: float | None = Field(default=None, ge=0, le=5)
    review_count: int | None = Field(default=None, ge=0, le=2**31 - 1)
    response_rate: float | None = Field(default=None, ge=0, le=1)
