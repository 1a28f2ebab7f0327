"""Operators verify suppliers and read the audit trail; suppliers send catalog zips."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Response, UploadFile, status

from sesame.api.deps import (
    CurrentUser,
    PoolsDep,
    UploadsDep,
    VerificationsDep,
    limited_by_account,
    run_on,
)
from sesame.api.schemas import MAX_ID
from sesame.api.schemas_common import VerificationOut
from sesame.api.schemas_shop import AuditEventOut, AuditPageOut, NewVerification, UploadOut

router = APIRouter(prefix="/v1", tags=["verification and uploads"])
SupplierId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("/suppliers/{supplier_id}/verifications", status_code=status.HTTP_201_CREATED)
async def verify_supplier(
    supplier_id: SupplierId, body: NewVerification, user: CurrentUser,
    verifications: VerificationsDep, pools: PoolsDep,
) -> VerificationOut:  # fmt: skip
    """Record what was checked and until when (operators only); the supplier is verified."""
    row = await run_on(
        pools.database, verifications.add, user, supplier_id, checks=body.checks,
        expires_at=body.expires_at, note=body.note,
    )  # fmt: skip
    return VerificationOut.of(row)


@router.delete(
    "/suppliers/{supplier_id}/verifications/{verification_id}",
    status_code=status.HTTP_204_NO_CONTENT,
)
async def revoke_verification(
    supplier_id: SupplierId,
    verification_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    user: CurrentUser,
    verifications: VerificationsDep,
    pools: PoolsDep,
) -> Response:
    """Revoke a verification (operators only); it stops counting at once."""
    await run_on(pools.database, verifications.revoke, user, supplier_id, verification_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/audit")
async def audit_trail(
    user: CurrentUser,
    verifications: VerificationsDep,
    pools: PoolsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> AuditPageOut:
    """Every operator action, newest first (operators only)."""
    events = await run_on(pools.database, verifications.audit, user, limit=limit + 1, before=before)
    page = events[:limit]
    more = len(events) > limit
    return AuditPageOut(
        events=[AuditEventOut.of(e) for e in page], next_before=page[-1].id if more else None
    )


@router.post(
    "/suppliers/{supplier_id}/catalog-uploads",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(limited_by_account("catalog_upload"))],
)
async def upload_catalog(
    supplier_id: SupplierId,
    user: CurrentUser,
    uploads: UploadsDep,
    pools: PoolsDep,
    file: Annotated[UploadFile, File(description="A zip: products.jsonl and the photos it names")],
) -> UploadOut:
    """Queue a catalog zip for loading; follow it at the returned url."""
    try:
        upload = await run_on(pools.database, uploads.create, user, supplier_id, file.file)
    finally:
        await file.close()
    return UploadOut.of(upload, supplier_id)


@router.get("/catalog-uploads/{upload_id}")
async def catalog_upload(
    upload_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    user: CurrentUser,
    uploads: UploadsDep,
    pools: PoolsDep,
) -> UploadOut:
    """An upload's progress, and each refused line as 'products.jsonl:17: ...'."""
    upload, supplier_id = await run_on(pools.database, uploads.get, user, upload_id)
    return UploadOut.of(upload, supplier_id)
