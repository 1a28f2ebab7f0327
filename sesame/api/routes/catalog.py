"""Suppliers, products and their images."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse

from sesame.api.deps import BrowseDep, MaybeUser, OffersDep, PoolsDep, run_on
from sesame.api.schemas import MAX_ID
from sesame.api.schemas_catalog import ProductOut, SupplierOut, TranslatedOut
from sesame.api.schemas_trade import OffersOut

router = APIRouter(prefix="/v1", tags=["catalog"])


@router.get("/suppliers/{supplier_id}")
async def get_supplier(supplier_id: str, browse: BrowseDep, pools: PoolsDep) -> SupplierOut:
    """One supplier's profile, ratings and verification."""
    page = await run_on(pools.database, browse.supplier, supplier_id)
    return SupplierOut.of(page.supplier, page.verifications)


@router.get("/products/{product_id}")
async def get_product(
    product_id: str,
    browse: BrowseDep,
    pools: PoolsDep,
    user: MaybeUser,
    language: Annotated[
        str | None, Query(max_length=8, description="Also return title and description in it")
    ] = None,
) -> ProductOut:
    """One product with its images and supplier, optionally translated for the reader."""
    pool = pools.translation if language else pools.database
    viewer = user.account_id if user is not None and not user.is_operator else None
    page = await run_on(pool, browse.product, product_id, language=language, viewer=viewer)
    out = ProductOut.of(page.product, page.verifications)
    out.translated = TranslatedOut.of(page.translated)
    return out


@router.get("/products/{product_id}/offers")
async def product_offers(product_id: str, offers: OffersDep, pools: PoolsDep) -> OffersOut:
    """The same item from several suppliers: products whose photos are near-duplicates."""
    found = await run_on(pools.model, offers.of, product_id)
    return OffersOut.of(found, offers.threshold)


@router.get("/images/{image_id}", response_class=FileResponse)
async def get_image(
    image_id: Annotated[int, Path(ge=1, le=MAX_ID)], browse: BrowseDep, pools: PoolsDep
) -> FileResponse:
    """A product photo, as stored at ingestion."""
    stored = await run_on(pools.database, browse.image, image_id)
    return FileResponse(
        stored.path, media_type=stored.mime, headers={"Cache-Control": "public, max-age=86400"}
    )
