"""Photo and text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from api.deps import ExecutorDep, RuntimeDep, run_blocking
from api.schemas import MAX_QUANTITY, QueryOut, SearchResponse, TextSearchRequest, TranslatedOut
from index.base import Filters
from sesame.errors import InvalidInput, PayloadTooLarge
from sesame.filters import build_filters, split_csv
from sesame.images import CropBox, decode_image
from sesame.product_text import translate_product_text
from sesame.runtime import Runtime

router = APIRouter(prefix="/v1/search", tags=["search"])


def _limit(runtime: Runtime, limit: int | None) -> int:
    cfg = runtime.settings.search
    value = cfg.default_limit if limit is None else limit
    if not 1 <= value <= cfg.max_limit:
        raise InvalidInput(f"limit must be between 1 and {cfg.max_limit}, got {value}.")
    return value


@router.post("/text")
async def search_text(
    body: TextSearchRequest, runtime: RuntimeDep, executor: ExecutorDep
) -> SearchResponse:
    """Find suppliers by a text query (keyword + semantic, fused), grouped by supplier."""
    limit = _limit(runtime, body.limit)
    query = runtime.search.validate_query(body.query)

    def work() -> SearchResponse:
        with runtime.session_factory() as session:
            filters = build_filters(session, **body.filters.model_dump())
        info = runtime.query_translator().prepare(query, body.language)
        semantic = runtime.encoder_value is not None and runtime.index_value is not None
        result = runtime.search.search_text(
            info.searched, filters=filters, limit=limit, offset=body.offset, semantic=semantic
        )
        if info.note:
            result.notes.append(info.note)
        if not semantic and runtime.encoder_error is not None:
            result.notes.append(f"Keyword search only: {runtime.encoder_error.message}")
        searched = QueryOut(original=info.original, language=info.language, searched=info.searched)
        response = SearchResponse.of(result, searched)
        if info.language != runtime.settings.translation.catalog_language:
            _translate_titles(runtime, response, info.language)
        return response

    return await run_blocking(executor, work)


def _translate_titles(runtime: Runtime, response: SearchResponse, language: str) -> None:
    """Show product titles in the language the buyer searched in (cached)."""
    translator = runtime.translator()
    source = runtime.settings.translation.catalog_language
    for group in response.results:
        for product in group.products:
            text = translate_product_text(
                translator, title=product.title, description=None, source=source, target=language
            )
            product.translated = TranslatedOut(
                language=language, title=text.title, untranslated_reason=text.untranslated_reason
            )


@router.post("/image")
async def search_image(
    runtime: RuntimeDep,
    executor: ExecutorDep,
    image: Annotated[UploadFile, File(description="A JPEG, PNG, WebP or HEIC photo")],
    limit: Annotated[int | None, Form(ge=1, le=MAX_QUANTITY)] = None,
    offset: Annotated[int, Form(ge=0, le=10_000)] = 0,
    crop: Annotated[str | None, Form(description="x,y,w,h in pixels of the photo")] = None,
    countries: Annotated[str | None, Form(description="Comma-separated, e.g. CN,VN")] = None,
    categories: Annotated[str | None, Form(description="Comma-separated")] = None,
    verified_only: Annotated[bool, Form()] = False,
    min_rating: Annotated[float | None, Form(ge=0, le=5)] = None,
    max_moq: Annotated[int | None, Form(ge=1, le=MAX_QUANTITY)] = None,
    price_min_usd: Annotated[float | None, Form(ge=0, le=1e12)] = None,
    price_max_usd: Annotated[float | None, Form(ge=0, le=1e12)] = None,
) -> SearchResponse:
    """Find suppliers who make the product in a photo, grouped by supplier."""
    page_limit = _limit(runtime, limit)
    box = CropBox.parse(crop) if crop else None
    max_bytes = runtime.settings.images.max_upload_bytes
    data = await image.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The photo is over the {max_bytes // (1024 * 1024)} MiB limit: send a smaller one."
        )
    runtime.encoder()  # 503 before decoding when the model is missing

    def work() -> SearchResponse:
        with runtime.session_factory() as session:
            filters: Filters = build_filters(
                session,
                countries=split_csv(countries),
                categories=split_csv(categories),
                verified_only=verified_only,
                min_rating=min_rating,
                max_moq=max_moq,
                price_min_usd=price_min_usd,
                price_max_usd=price_max_usd,
            )
        picture = decode_image(
            data, max_pixels=runtime.settings.images.max_pixels, max_bytes=max_bytes, crop=box
        )
        result = runtime.search.search_image(
            picture, filters=filters, limit=page_limit, offset=offset
        )
        return SearchResponse.of(result)

    try:
        return await run_blocking(executor, work)
    finally:
        await image.close()
