"""Reviews of suppliers by the buyer companies that dealt with them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from sesame.api.deps import CurrentUser, PoolsDep, ReviewsDep, limited_by_account, run_on
from sesame.api.schemas import MAX_ID
from sesame.api.schemas_common import next_offset
from sesame.api.schemas_trade import HideIn, NewReview, ReplyIn, ReviewOut, ReviewPage, ReviewPatch
from sesame.catalog.models import Review
from sesame.trade.reviews import Reviews

router = APIRouter(prefix="/v1", tags=["reviews"])
writes = [Depends(limited_by_account("catalog"))]
SupplierId = Annotated[str, Path(min_length=1, max_length=64)]
ReviewId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/suppliers/{supplier_id}/reviews", status_code=status.HTTP_201_CREATED, dependencies=writes
)
async def review_supplier(
    supplier_id: SupplierId, body: NewReview, user: CurrentUser, reviews: ReviewsDep,
    pools: PoolsDep,
) -> ReviewOut:  # fmt: skip
    """Review a supplier your company dealt with (one review per company; edit it later)."""
    review = await run_on(
        pools.database, reviews.write, user, supplier_id, rating=body.rating, text=body.text
    )
    return _out(reviews, review)


@router.get("/suppliers/{supplier_id}/reviews")
async def supplier_reviews(
    supplier_id: SupplierId,
    reviews: ReviewsDep,
    pools: PoolsDep,
    language: Annotated[str | None, Query(max_length=8, description="Show them in it")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ReviewPage:
    """Visible reviews, newest first, with the supplier's replies."""
    pool = pools.translation if language else pools.database
    views = await run_on(
        pool, reviews.listing, supplier_id, language=language, limit=limit + 1, offset=offset
    )
    return ReviewPage(
        reviews=[ReviewOut.of(v) for v in views[:limit]],
        next_offset=next_offset(views, limit=limit, offset=offset),
    )


@router.patch("/reviews/{review_id}", dependencies=writes)
async def edit_review(
    review_id: ReviewId, body: ReviewPatch, user: CurrentUser, reviews: ReviewsDep,
    pools: PoolsDep,
) -> ReviewOut:  # fmt: skip
    """Change your company's review (rating and/or text)."""
    review = await run_on(
        pools.database, reviews.edit, user, review_id, rating=body.rating, text=body.text
    )
    return _out(reviews, review)


@router.post("/reviews/{review_id}/reply", dependencies=writes)
async def reply_to_review(
    review_id: ReviewId, body: ReplyIn, user: CurrentUser, reviews: ReviewsDep, pools: PoolsDep
) -> ReviewOut:
    """The reviewed supplier's one public reply."""
    review = await run_on(pools.database, reviews.reply, user, review_id, body.text)
    return _out(reviews, review)


@router.post("/reviews/{review_id}/hide")
async def hide_review(
    review_id: ReviewId, body: HideIn, user: CurrentUser, reviews: ReviewsDep, pools: PoolsDep
) -> ReviewOut:
    """Hide an abusive review (operators); it stops counting in the rating at once."""
    review = await run_on(pools.database, reviews.hide, user, review_id, body.reason)
    return _out(reviews, review)


def _out(reviews: Reviews, review: Review) -> ReviewOut:
    """As written (no translation: the writer reads their own words)."""
    return ReviewOut.of(reviews.views([review], None)[0])
