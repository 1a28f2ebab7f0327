"""Photo and text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile

from sesame.api.deps import PoolsDep, SearchDep, SettingsDep, per_ip, run_on
from sesame.api.schemas import ImageSearchForm, SearchResponse, TextSearchRequest
from sesame.core.errors import PayloadTooLarge
from sesame.media.images import CropBox, decode_image

router = APIRouter(prefix="/v1/search", tags=["search"])


@router.post("/text", dependencies=[Depends(per_ip("search"))])
async def search_text(
    body: TextSearchRequest, search: SearchDep, pools: PoolsDep
) -> SearchResponse:
    """Find suppliers by a text query (keyword + semantic, fused), grouped by supplier."""
    search.page_limit(body.limit)
    search.validate_query(body.query)
    result = await run_on(
        pools.model, search.search_text, body.query, filters=body.filters,
        language=body.language, limit=body.limit, offset=body.offset,
    )  # fmt: skip
    return SearchResponse.of(result)


@router.post("/image", dependencies=[Depends(per_ip("search")), Depends(per_ip("upload"))])
async def search_image(
    search: SearchDep,
    settings: SettingsDep,
    pools: PoolsDep,
    image: Annotated[UploadFile, File(description="A JPEG, PNG, WebP or HEIC photo")],
    form: Annotated[ImageSearchForm, Form()],
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
            picture, filters=form.filters(), limit=form.limit, offset=form.offset
        )
        return SearchResponse.of(result)

    return await run_on(pools.model, work)
