"""Photo and text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile

from sesame.accounts.tokens import Principal
from sesame.api.deps import MaybeUser, PoolsDep, SearchDep, SettingsDep, per_ip, run_on
from sesame.api.schemas import ImageSearchForm, SearchResponse, TextSearchRequest
from sesame.core.errors import PayloadTooLarge
from sesame.media.images import CropBox, decode_image
from sesame.search.service import Viewer

router = APIRouter(prefix="/v1/search", tags=["search"])


def viewer_of(user: Principal | None, personalize: bool) -> Viewer | None:
    """Whose history re-ranks the results: a signed-in buyer's, unless it turned that off."""
    if user is None or not personalize or user.is_operator:
        return None
    return Viewer(user.account_id, user.company_id)


@router.post("/text", dependencies=[Depends(per_ip("search"))])
async def search_text(
    body: TextSearchRequest, search: SearchDep, pools: PoolsDep, user: MaybeUser
) -> SearchResponse:
    """Find suppliers by a text query (keyword + semantic, fused), grouped by supplier.

    A query naming a product's exact title or model number returns it first. Signed in,
    a buyer's results are re-ranked for it (``personalize``, ``reasons``).
    """
    search.page_limit(body.limit)
    search.validate_query(body.query)
    result = await run_on(
        pools.model, search.search_text, body.query, filters=body.filters,
        language=body.language, limit=body.limit, offset=body.offset, min_score=body.min_score,
        viewer=viewer_of(user, body.personalize),
    )  # fmt: skip
    return SearchResponse.of(result)


@router.post("/image", dependencies=[Depends(per_ip("search")), Depends(per_ip("upload"))])
async def search_image(
    search: SearchDep,
    settings: SettingsDep,
    pools: PoolsDep,
    image: Annotated[UploadFile, File(description="A JPEG, PNG, WebP or HEIC photo")],
    form: Annotated[ImageSearchForm, Form()],
    user: MaybeUser,
) -> SearchResponse:
    """Find suppliers who make the product in a photo, grouped by supplier."""
    search.page_limit(form.limit)
    box = CropBox.parse(form.crop) if form.crop else None
    limits = settings.images
    try:
        data = await image.read(limits.max_upload_bytes + 1)
    finally:
        await image.close()
    if len(data) > limits.max_upload_bytes:
        raise PayloadTooLarge(
            f"The photo is over the {limits.max_upload_bytes // (1024 * 1024)} MiB limit: "
            "send a smaller one."
        )
    search.require_image_search()  # 503 before decoding when the model is missing

    def work() -> SearchResponse:
        picture = decode_image(
            data, max_pixels=limits.max_pixels, max_bytes=limits.max_upload_bytes, crop=box,
            min_side=limits.decode_min_side,
        )  # fmt: skip
        result = search.search_image(
            picture, filters=form.filters(), limit=form.limit, offset=form.offset,
            min_score=form.min_score, viewer=viewer_of(user, form.personalize),
        )  # fmt: skip
        return SearchResponse.of(result)

    return await run_on(pools.model, work)
