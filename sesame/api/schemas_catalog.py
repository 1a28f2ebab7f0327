"""Bodies of catalog objects: suppliers (with their verification), products, photos."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from sesame.api.schemas_common import UtcDatetime, VerificationOut
from sesame.catalog.models import Product, Supplier, Verification
from sesame.catalog.verification import NO_EXPIRY, is_verified
from sesame.search.product_text import TranslatedText


class Price(BaseModel):
    min: float
    max: float
    currency: str


class Moq(BaseModel):
    quantity: int
    unit: str


class SupplierOut(BaseModel):
    id: str
    name: str
    country: str
    province: str
    city: str
    languages: list[str]
    verified: bool = Field(description="An unrevoked platform verification holds now")
    verified_until: UtcDatetime | None = Field(
        default=None, description="When the latest verification ends (null: never verified)"
    )
    verifications: list[VerificationOut] = Field(
        default=[], description="What was checked, when, and until when"
    )
    rating: float
    review_count: int
    years_in_business: int
    response_rate: float
    url: str

    @classmethod
    def of(cls, supplier: Supplier, checks: Sequence[Verification] = ()) -> SupplierOut:
        until = supplier.verified_until
        return cls(
            id=supplier.external_id,
            name=supplier.name,
            country=supplier.country,
            province=supplier.province,
            city=supplier.city,
            languages=list(supplier.languages),
            verified=is_verified(until),
            verified_until=None if until is None or until >= NO_EXPIRY else _moment(until),
            verifications=[VerificationOut.of(row) for row in checks],
            rating=supplier.rating,
            review_count=supplier.review_count,
            years_in_business=supplier.years_in_business,
            response_rate=supplier.response_rate,
            url=f"/v1/suppliers/{supplier.external_id}",
        )


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


class TranslatedOut(BaseModel):
    language: str
    title: str | None
    description: str | None = None
    untranslated_reason: str | None = None

    @classmethod
    def of(
        cls, text: TranslatedText | None, *, with_description: bool = True
    ) -> TranslatedOut | None:
        if text is None:
            return None
        return cls(
            language=text.language,
            title=text.title,
            description=text.description if with_description else None,
            untranslated_reason=text.untranslated_reason,
        )


class ProductSummary(BaseModel):
    id: str
    title: str
    category: str
    image_url: str | None
    price: Price | None = Field(description="null: price on request")
    moq: Moq | None = Field(description="null: on request")
    lead_time_days: int | None = Field(default=None, description="Days to ship; null: ask")
    url: str
    translated: TranslatedOut | None = Field(
        default=None, description="Title (and description) in the reader's language"
    )

    @classmethod
    def fields_of(cls, product: Product) -> dict[str, object]:
        images = product.images
        return {
            "id": product.external_id,
            "title": product.title,
            "category": product.category,
            "image_url": f"/v1/images/{images[0].id}" if images else None,
            "price": _price(product),
            "moq": _moq(product),
            "lead_time_days": product.lead_time_days,
            "url": f"/v1/products/{product.external_id}",
        }


class ProductHit(ProductSummary):
    score: float
    exact: bool = Field(default=False, description="The query names its title or model number")
    also_offered_by: int = Field(
        default=0, description="Other suppliers offering the same item (photo search)"
    )


class ImageOut(BaseModel):
    id: int
    url: str
    width: int
    height: int


class ProductOut(ProductSummary):
    description: str
    attributes: dict[str, object]
    image_urls: list[str]
    images: list[ImageOut] = []
    status: str = Field(description="Indexing: pending, indexed, or failed (see status_reason)")
    status_reason: str | None = None
    supplier: SupplierOut

    @classmethod
    def of(cls, product: Product, checks: Sequence[Verification] = ()) -> ProductOut:
        return cls(
            **ProductSummary.fields_of(product),
            description=product.description,
            attributes=dict(product.attributes),
            image_urls=[f"/v1/images/{image.id}" for image in product.images],
            images=[
                ImageOut(id=i.id, url=f"/v1/images/{i.id}", width=i.width, height=i.height)
                for i in product.images
            ],
            status=product.status,
            status_reason=product.status_reason,
            supplier=SupplierOut.of(product.supplier, checks),
        )


def _moq(product: Product) -> Moq | None:
    return None if product.moq is None else Moq(quantity=product.moq, unit=product.moq_unit)


def _price(product: Product) -> Price | None:
    if product.price_min is None or product.price_max is None or product.currency is None:
        return None
    return Price(min=product.price_min, max=product.price_max, currency=product.currency)
