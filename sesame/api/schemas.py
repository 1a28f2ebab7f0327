"""Request and response bodies of the public API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sesame.catalog.models import Product, Supplier
from sesame.core.filters import MAX_ID, MAX_QUANTITY, Filters
from sesame.search.product_text import TranslatedText
from sesame.search.query_language import QueryInfo
from sesame.search.service import SearchResult

__all__ = ["MAX_ID", "MAX_QUANTITY", "ImageSearchForm", "SearchResponse", "TextSearchRequest"]
MAX_QUERY_BODY_CHARS = 20_000


class ImageSearchForm(Filters):
    """The form fields of a photo search beside the ``image`` file: page, crop and filters."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # the file is a field too

    limit: int | None = Field(default=None, ge=1, le=MAX_QUANTITY, description="Suppliers per page")
    offset: int = Field(default=0, ge=0, le=10_000)
    crop: str | None = Field(default=None, max_length=100, description="x,y,w,h in pixels")

    def filters(self) -> Filters:
        return Filters(**{name: getattr(self, name) for name in Filters.model_fields})


class TextSearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(max_length=MAX_QUERY_BODY_CHARS, examples=["pieds de table en fer forgé"])
    language: str | None = Field(
        default=None, max_length=8, description="ISO 639-1 code of the query; detected if absent"
    )
    limit: int | None = Field(default=None, ge=1, le=MAX_QUANTITY, description="Suppliers per page")
    offset: int = Field(default=0, ge=0, le=10_000)
    filters: Filters = Filters()


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
    verified: bool
    rating: float
    review_count: int
    years_in_business: int
    response_rate: float
    url: str

    @classmethod
    def of(cls, supplier: Supplier) -> SupplierOut:
        return cls(
            id=supplier.external_id,
            name=supplier.name,
            country=supplier.country,
            province=supplier.province,
            city=supplier.city,
            languages=list(supplier.languages),
            verified=supplier.verified,
            rating=supplier.rating,
            review_count=supplier.review_count,
            years_in_business=supplier.years_in_business,
            response_rate=supplier.response_rate,
            url=f"/v1/suppliers/{supplier.external_id}",
        )


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
    price: Price
    moq: Moq
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
            "price": Price(min=product.price_min, max=product.price_max, currency=product.currency),
            "moq": Moq(quantity=product.moq, unit=product.moq_unit),
            "url": f"/v1/products/{product.external_id}",
        }


class ProductHit(ProductSummary):
    score: float


class ProductOut(ProductSummary):
    description: str
    attributes: dict[str, object]
    image_urls: list[str]
    supplier: SupplierOut

    @classmethod
    def of(cls, product: Product) -> ProductOut:
        return cls(
            **ProductSummary.fields_of(product),
            description=product.description,
            attributes=dict(product.attributes),
            image_urls=[f"/v1/images/{image.id}" for image in product.images],
            supplier=SupplierOut.of(product.supplier),
        )


class SupplierResult(BaseModel):
    supplier: SupplierOut
    score: float
    products: list[ProductHit]


class Page(BaseModel):
    offset: int
    limit: int
    total: int
    next_offset: int | None


class QueryOut(BaseModel):
    original: str
    language: str
    searched: str = Field(description="What was searched: the query in the catalog's language")

    @classmethod
    def of(cls, info: QueryInfo | None) -> QueryOut | None:
        if info is None:
            return None
        return cls(original=info.original, language=info.language, searched=info.searched)


class SearchResponse(BaseModel):
    results: list[SupplierResult]
    page: Page
    mode: Literal["image", "hybrid", "keyword"]
    query: QueryOut | None = None
    took_ms: float
    notes: list[str] = []

    @classmethod
    def of(cls, result: SearchResult) -> SearchResponse:
        end = result.offset + len(result.groups)
        return cls(
            results=[
                SupplierResult(
                    supplier=SupplierOut.of(group.supplier),
                    score=round(group.score, 6),
                    products=[
                        ProductHit(
                            **ProductSummary.fields_of(m.product),
                            score=round(m.score, 6),
                            translated=TranslatedOut.of(m.translated, with_description=False),
                        )
                        for m in group.products
                    ],
                )
                for group in result.groups
            ],
            page=Page(
                offset=result.offset,
                limit=result.limit,
                total=result.total,
                next_offset=end if end < result.total else None,
            ),
            mode=result.mode,
            query=QueryOut.of(result.query),
            took_ms=result.took_ms,
            notes=result.notes,
        )


class ComponentStatus(BaseModel):
    ready: bool
    state: Literal["loading", "ready", "failed"] = "ready"
    detail: str | None = None


class ReadyResponse(BaseModel):
    ready: bool
    components: dict[str, ComponentStatus]
