"""Bodies of the self-service catalog, companies, uploads, verifications and the audit trail."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sesame.api.schemas_catalog import ProductOut
from sesame.api.schemas_chat import AccountOut
from sesame.api.schemas_common import UtcDatetime
from sesame.catalog.models import Account, AuditEvent, CatalogUpload, Company


class NewMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    language: str = Field(min_length=2, max_length=8, description="ISO 639-1 code they read in")
    email: str | None = Field(default=None, max_length=254)
    role: Literal["admin", "staff"] = "staff"


class NewMemberOut(BaseModel):
    account: AccountOut
    token: str = Field(description="Shown once: hand it to the new member")


class MemberOut(BaseModel):
    id: int
    name: str
    role: str
    language: str

    @classmethod
    def of(cls, account: Account) -> MemberOut:
        return cls(id=account.id, name=account.name, role=account.role, language=account.language)


class CompanyOut(BaseModel):
    id: int
    name: str
    buys: bool
    sells: bool
    supplier: str | None = Field(description="Its supplier profile's id, once it sells")
    members: list[MemberOut]

    @classmethod
    def of(cls, company: Company, members: list[Account], supplier: str | None) -> CompanyOut:
        return cls(
            id=company.id, name=company.name, buys=company.buys, sells=company.sells,
            supplier=supplier, members=[MemberOut.of(member) for member in members],
        )  # fmt: skip


class ProductPageOut(BaseModel):
    products: list[ProductOut]
    next_offset: int | None = Field(description="Pass as offset for the next page; null: no more")


class UploadOut(BaseModel):
    id: int
    supplier_id: str
    state: str = Field(description="queued, running, done or failed")
    total_lines: int
    processed_lines: int
    products_loaded: int
    errors: list[str] = Field(description="One per refused line: 'products.jsonl:17: ...'")
    created_at: UtcDatetime
    finished_at: UtcDatetime | None
    url: str

    @classmethod
    def of(cls, upload: CatalogUpload, supplier_id: str) -> UploadOut:
        return cls(
            id=upload.id, supplier_id=supplier_id, state=upload.state,
            total_lines=upload.total_lines, processed_lines=upload.processed_lines,
            products_loaded=upload.products_loaded, errors=list(upload.errors or []),
            created_at=upload.created_at, finished_at=upload.finished_at,
            url=f"/v1/catalog-uploads/{upload.id}",
        )  # fmt: skip


class NewVerification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checks: list[str] = Field(
        min_length=1, max_length=20, examples=[["business_licence", "factory_audit"]]
    )
    expires_at: UtcDatetime | None = Field(
        default=None, description="When it stops counting; null: until revoked"
    )
    note: str = Field(default="", max_length=2000)


class AuditEventOut(BaseModel):
    id: int
    actor_id: int | None
    action: str
    target: str
    details: dict[str, Any]
    created_at: UtcDatetime

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        return cls(
            id=event.id, actor_id=event.actor_id, action=event.action, target=event.target,
            details=dict(event.details or {}), created_at=event.created_at,
        )  # fmt: skip


class AuditPageOut(BaseModel):
    events: list[AuditEventOut]
    next_before: int | None = Field(description="Pass as before for older events; null: no more")
