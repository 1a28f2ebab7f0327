"""Suppliers, products and their images."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse

from api.deps import ExecutorDep, RuntimeDep, run_blocking
from api.schemas import MAX_ID, ProductOut, SupplierOut, TranslatedOut
from catalog import repository as repo
from catalog.models import ProductImage
from sesame.errors import NotFound
from sesame.product_text import translate_product_text
from sesame.query_language import require_language
from sesame.runtime import Runtime

router = APIRouter(prefix="/v1", tags=["catalog"])


@router.get("/suppliers/{supplier_id}")
async def get_supplier(supplier_id: str, runtime: RuntimeDep, executor: ExecutorDep) -> SupplierOut:
    """One supplier's profile, ratings and verification."""

    def work() -> SupplierOut:
        with runtime.session_factory() as session:
            supplier = repo.supplier_by_external_id(session, supplier_id)
            if supplier is None:
                raise NotFound(f"No supplier with id {supplier_id!r}.")
            return SupplierOut.of(supplier)

    return await run_blocking(executor, work)


@router.get("/products/{product_id}")
async def get_product(
    product_id: str,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    language: Annotated[
        str | None, Query(max_length=8, description="Also return title and description in it")
    ] = None,
) -> ProductOut:
    """One product with its images and supplier, optionally translated for the reader."""

    def work() -> ProductOut:
        with runtime.session_factory() as session:
            product = repo.product_by_external_id(session, product_id)
            if product is None:
                raise NotFound(f"No product with id {product_id!r}.")
            out = ProductOut.of(product)
        if language is not None:
            out.translated = _translated(runtime, language, out.title, out.description)
        return out

    return await run_blocking(executor, work)


def _translated(
    runtime: Runtime, language: str, title: str, description: str | None
) -> TranslatedOut | None:
    cfg = runtime.settings.translation
    language = require_language(language, cfg.languages)
    if language == cfg.catalog_language:
        return None
    text = translate_product_text(
        runtime.translator(),
        title=title,
        description=description,
        source=cfg.catalog_language,
        target=language,
    )
    return TranslatedOut(
        language=text.language,
        title=text.title,
        description=text.description,
        untranslated_reason=text.untranslated_reason,
    )


@router.get("/images/{image_id}", response_class=FileResponse)
async def get_image(
    image_id: Annotated[int, Path(ge=1, le=MAX_ID)], runtime: RuntimeDep, executor: ExecutorDep
) -> FileResponse:
    """A product photo, as stored at ingestion."""

    def work() -> FileResponse:
        with runtime.session_factory() as session:
            image = session.get(ProductImage, image_id)
            if image is None:
                raise NotFound(f"No image with id {image_id}.")
            path = runtime.media.path(image.path)
            return FileResponse(
                path, media_type=image.mime, headers={"Cache-Control": "public, max-age=86400"}
            )

    return await run_blocking(executor, work)
