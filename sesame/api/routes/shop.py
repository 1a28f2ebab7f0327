"""The self-service catalog: a company's supplier profile, its products and photos."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile, status

from sesame.api.deps import (
    CurrentUser,
    PoolsDep,
    ProductsDep,
    ProfilesDep,
    SettingsDep,
    limited_by_account,
    run_on,
)
from sesame.api.schemas import MAX_ID
from sesame.api.schemas_catalog import ImageOut, ProductOut, SupplierOut
from sesame.api.schemas_common import next_offset
from sesame.api.schemas_shop import ProductPageOut
from sesame.core.errors import PayloadTooLarge
from sesame.shop.fields import ProductFields, ProductPatch, SupplierFields, SupplierPatch

router = APIRouter(prefix="/v1", tags=["self-service catalog"])
writes = [Depends(limited_by_account("catalog"))]
SupplierId = Annotated[str, Path(min_length=1, max_length=64)]
ProductId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("/suppliers", status_code=status.HTTP_201_CREATED, dependencies=writes)
async def create_supplier(
    body: SupplierFields, user: CurrentUser, profiles: ProfilesDep, pools: PoolsDep
) -> SupplierOut:
    """The supplier profile of the caller's company (admins only); it starts unverified."""
    supplier = await run_on(pools.database, profiles.create, user, body)
    return SupplierOut.of(supplier)


@router.patch("/suppliers/{supplier_id}", dependencies=writes)
async def update_supplier(
    supplier_id: SupplierId, body: SupplierPatch, user: CurrentUser, profiles: ProfilesDep,
    pools: PoolsDep,
) -> SupplierOut:  # fmt: skip
    """Edit the profile (its admin); rating and review counts only by operators."""
    supplier = await run_on(pools.database, profiles.update, user, supplier_id, body)
    return SupplierOut.of(supplier)


@router.post(
    "/suppliers/{supplier_id}/products", status_code=status.HTTP_201_CREATED, dependencies=writes
)
async def create_product(
    supplier_id: SupplierId, body: ProductFields, user: CurrentUser, products: ProductsDep,
    pools: PoolsDep,
) -> ProductOut:  # fmt: skip
    """A new product (a products.jsonl line without images); it is ``pending`` until indexed."""
    product, checks = await run_on(pools.database, products.create, user, supplier_id, body)
    return ProductOut.of(product, checks)


@router.get("/suppliers/{supplier_id}/products")
async def list_own_products(
    supplier_id: SupplierId,
    user: CurrentUser,
    products: ProductsDep,
    pools: PoolsDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ProductPageOut:
    """The company's own products with their indexing status, newest first."""
    found = await run_on(
        pools.database, products.listing, user, supplier_id, limit=limit + 1, offset=offset
    )
    page = [ProductOut.of(product, checks) for product, checks in found[:limit]]
    return ProductPageOut(products=page, next_offset=next_offset(found, limit=limit, offset=offset))


@router.patch("/products/{product_id}", dependencies=writes)
async def update_product(
    product_id: ProductId, body: ProductPatch, user: CurrentUser, products: ProductsDep,
    pools: PoolsDep,
) -> ProductOut:  # fmt: skip
    """Change some fields; null clears price or MOQ (on request). Text changes re-index it."""
    product, checks = await run_on(pools.database, products.update, user, product_id, body)
    return ProductOut.of(product, checks)


@router.delete(
    "/products/{product_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=writes
)
async def delete_product(
    product_id: ProductId, user: CurrentUser, products: ProductsDep, pools: PoolsDep
) -> Response:
    """Delete the product; no search answered after this returns shows it."""
    await run_on(pools.database, products.delete, user, product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/products/{product_id}/images", status_code=status.HTTP_201_CREATED, dependencies=writes
)
async def add_product_image(
    product_id: ProductId,
    user: CurrentUser,
    products: ProductsDep,
    settings: SettingsDep,
    pools: PoolsDep,
    image: Annotated[UploadFile, File(description="A JPEG, PNG, WebP or HEIC photo")],
) -> ImageOut:
    """Add a photo (the same checks as a photo search); the product is re-indexed."""
    limit = settings.images.max_upload_bytes
    try:
        data = await image.read(limit + 1)
    finally:
        await image.close()
    if len(data) > limit:
        raise PayloadTooLarge(f"The photo is over the {limit // (1024 * 1024)} MiB limit.")
    stored = await run_on(pools.model, products.add_image, user, product_id, data)
    return ImageOut(
        id=stored.id, url=f"/v1/images/{stored.id}", width=stored.width, height=stored.height
    )


@router.delete(
    "/products/{product_id}/images/{image_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=writes,
)
async def delete_product_image(
    product_id: ProductId,
    image_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    user: CurrentUser,
    products: ProductsDep,
    pools: PoolsDep,
) -> Response:
    """Remove a photo; its vector leaves the index when the product is re-indexed."""
    await run_on(pools.database, products.delete_image, user, product_id, image_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
