"""Bodies of reviews, offers of one item by several suppliers, and buyer preferences."""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field

from sesame.api.schemas_catalog import ProductSummary, SupplierOut
from sesame.api.schemas_common import UtcDatetime
from sesame.search.offers import OfferSet
from sesame.search.preferences import Wanted
from sesame.trade.reviews import ReviewView
from sesame.trade.texts import Shown


class NewReview(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5)
    text: str = Field(default="", max_length=5000, description="In any language")


class ReviewPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: int | None = Field(default=None, ge=1, le=5)
    text: str | None = Field(default=None, max_length=5000)


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)


class HideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, examples=["abusive language"])


class TextOut(BaseModel):
    """A text in the reader's language (when it could be translated), the original beside it."""

    text: str
    language: str
    original_text: str
    original_language: str
    translated: bool
    untranslated_reason: str | None = None

    @classmethod
    def of(cls, shown: Shown) -> TextOut:
        return cls(**asdict(shown))


class ReplyOut(TextOut):
    replied_at: UtcDatetime


class ReviewOut(BaseModel):
    id: int
    rating: int
    text: TextOut
    created_at: UtcDatetime
    updated_at: UtcDatetime
    reply: ReplyOut | None = Field(description="The supplier's one public reply")
    hidden: bool = False

    @classmethod
    def of(cls, view: ReviewView) -> ReviewOut:
        review = view.review
        reply = None
        if view.reply is not None and review.replied_at is not None:
            reply = ReplyOut(**asdict(view.reply), replied_at=review.replied_at)
        return cls(
            id=review.id, rating=review.rating, text=TextOut.of(view.text),
            created_at=review.created_at, updated_at=review.updated_at, reply=reply,
            hidden=review.hidden_at is not None,
        )  # fmt: skip


class ReviewPage(BaseModel):
    reviews: list[ReviewOut]
    next_offset: int | None


class OfferOut(BaseModel):
    """One supplier's offer of the item: who, how trusted, for how much."""

    product: ProductSummary
    supplier: SupplierOut
    similarity: float = Field(description="Photo similarity to the item asked about (1: itself)")


class OffersOut(BaseModel):
    product_id: str
    threshold: float = Field(description="Photos at least this similar count as the same item")
    offers: list[OfferOut] = Field(description="The product itself first, then one per supplier")

    @classmethod
    def of(cls, found: OfferSet, threshold: float) -> OffersOut:
        return cls(
            product_id=found.product.external_id, threshold=threshold,
            offers=[
                OfferOut(product=ProductSummary(**ProductSummary.fields_of(o.product)),
                         supplier=SupplierOut.of(o.product.supplier, o.verifications),
                         similarity=round(o.similarity, 4))
                for o in found.offers
            ],
        )  # fmt: skip


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    countries: list[str] = Field(default=[], max_length=50, examples=[["CN", "VN"]])
    verified_only: bool = False
    price_min_usd: float | None = Field(default=None, ge=0, le=1e9)
    price_max_usd: float | None = Field(default=None, ge=0, le=1e9)

    def wanted(self) -> Wanted:
        return Wanted(self.countries, self.verified_only, self.price_min_usd, self.price_max_usd)


class PreferencesOut(PreferencesIn):
    @classmethod
    def of(cls, wanted: Wanted) -> PreferencesOut:
        return cls(
            countries=list(wanted.countries), verified_only=wanted.verified_only,
            price_min_usd=wanted.price_min_usd, price_max_usd=wanted.price_max_usd,
        )  # fmt: skip
