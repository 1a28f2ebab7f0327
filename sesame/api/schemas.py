"""Request and response bodies of the public API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sesame.api.schemas_catalog import ProductHit, ProductSummary, SupplierOut, TranslatedOut
from sesame.core.filters import MAX_ID, MAX_QUANTITY, Filters
from sesame.search.personal import REASONS
from sesame.search.query_language import QueryInfo
from sesame.search.service import SearchResult

__all__ = ["MAX_ID", "MAX_QUANTITY", "ImageSearchForm", "SearchResponse", "TextSearchRequest"]
MAX_QUERY_BODY_CHARS = 20_000
MIN_SCORE = "Cut matches less similar than this (default per search kind; see the README)"
PERSONALIZE = "Signed-in buyers: re-rank by preferences and history (false: anonymous order)"


class ImageSearchForm(Filters):
    """The form fields of a photo search beside the ``image`` file: page, crop and filters."""

    model_config = ConfigDict(frozen=True, extra="ignore")  # the file is a field too

    limit: int | None = Field(default=None, ge=1, le=MAX_QUANTITY, description="Suppliers per page")
    offset: int = Field(default=0, ge=0, le=10_000)
    crop: str | None = Field(default=None, max_length=100, description="x,y,w,h in pixels")
    min_score: float | None = Field(default=None, ge=-1, le=1, description=MIN_SCORE)
    personalize: bool = Field(default=True, description=PERSONALIZE)

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
    min_score: float | None = Field(default=None, ge=-1, le=1, description=MIN_SCORE)
    personalize: bool = Field(default=True, description=PERSONALIZE)


class SupplierResult(BaseModel):
    supplier: SupplierOut
    score: float
    products: list[ProductHit]
    reasons: list[str] = Field(default=[], description="Why personal ranking moved it")
    reason_codes: list[str] = Field(
        default=[], description="The same reasons as codes, for apps to word in their language: "
        + ", ".join(REASONS),
    )  # fmt: skip


class Page(BaseModel):
    offset: int
    limit: int
    total: int
    next_offset: int | None
    min_score: float = Field(description="The relevance floor applied")
    cut: int = Field(description="Matching products under the floor, left out")


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
    personalized: bool = False

    @classmethod
    def of(cls, result: SearchResult) -> SearchResponse:
        end = result.offset + len(result.groups)
        return cls(
            results=[
                SupplierResult(
                    supplier=SupplierOut.of(
                        group.supplier, result.verifications.get(group.supplier.id, ())
                    ),
                    score=round(group.score, 6),
                    products=[
                        ProductHit(
                            **ProductSummary.fields_of(m.product),
                            score=round(m.score, 6),
                            translated=TranslatedOut.of(m.translated, with_description=False),
                            exact=m.exact,
                            also_offered_by=result.also_offered.get(m.product.id, 0),
                        )
                        for m in group.products
                    ],
                    reasons=[REASONS[code] for code in group.reasons],
                    reason_codes=group.reasons,
                )
                for group in result.groups
            ],
            page=Page(
                offset=result.offset,
                limit=result.limit,
                total=result.total,
                next_offset=end if end < result.total else None,
                min_score=result.min_score,
                cut=result.cut,
            ),
            mode=result.mode,
            query=QueryOut.of(result.query),
            took_ms=result.took_ms,
            notes=result.notes,
            personalized=result.personalized,
        )


class ComponentStatus(BaseModel):
    ready: bool
    state: Literal["loading", "ready", "failed"] = "ready"
    detail: str | None = None


class ReadyResponse(BaseModel):
    ready: bool
    components: dict[str, ComponentStatus]
