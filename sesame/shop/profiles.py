"""A company's supplier profile: created by its admin (the buyer-turns-seller path),
edited by its admin; trust fields only by platform operators (audited)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.accounts.tokens import Principal
from sesame.catalog import repository as repo
from sesame.catalog.audit import record_audit
from sesame.catalog.changes import record_change
from sesame.catalog.db import session_scope
from sesame.catalog.models import Company, Supplier, utcnow
from sesame.catalog.ratings import refresh_rating
from sesame.core.errors import Conflict, Forbidden, NotFound
from sesame.shop.access import refuse_platform_fields, require_admin
from sesame.shop.fields import SupplierFields, SupplierPatch

_SLUG = re.compile(r"[^a-z0-9]+")
# An operator sets the base figures; the reviews made here are folded in on top.
BASE = {"rating": "base_rating", "review_count": "base_review_count"}


class SupplierProfiles:
    def __init__(self, *, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def create(self, who: Principal, fields: SupplierFields) -> Supplier:
        """The supplier profile of the admin's company, unverified; the company now sells."""
        require_admin(who, "create the company's supplier profile")
        if who.company_id is None:
            raise Forbidden("Operators belong to no company and sell nothing.")
        with session_scope(self._sessions) as session:
            existing = session.scalar(select(Supplier).where(Supplier.company_id == who.company_id))
            if existing is not None:
                raise Conflict(
                    f"Your company already has the supplier profile {existing.external_id!r}."
                )
            company = session.get(Company, who.company_id)
            assert company is not None
            company.sells = True
            supplier = Supplier(
                external_id=_external_id(fields.country, fields.name), company_id=company.id,
                name=fields.name, country=fields.country, province=fields.province,
                city=fields.city, languages=[code.lower() for code in fields.languages],
                years_in_business=fields.years_in_business, rating=0.0, review_count=0,
                response_rate=0.0, content_hash="api", updated_at=utcnow(),
            )  # fmt: skip
            session.add(supplier)
            session.flush()
            record_change(session, "supplier", supplier.id)
            return supplier

    def update(self, who: Principal, supplier_id: str, patch: SupplierPatch) -> Supplier:
        changed = patch.model_fields_set
        refuse_platform_fields(changed, who)
        with session_scope(self._sessions) as session:
            supplier = repo.supplier_by_external_id(session, supplier_id)
            mine = supplier is not None and supplier.id == who.supplier_id
            if supplier is None or not (who.is_operator or (mine and who.role == "admin")):
                if mine:
                    require_admin(who, "edit the supplier profile")
                raise NotFound(f"No supplier with id {supplier_id!r}.")
            for name in changed:
                setattr(supplier, BASE.get(name, name), getattr(patch, name))
            if changed & BASE.keys():
                refresh_rating(session, supplier)
            supplier.updated_at = utcnow()
            record_change(session, "supplier", supplier.id)
            if who.is_operator:
                record_audit(
                    session, actor_id=who.account_id, action="supplier.update",
                    target=f"supplier:{supplier_id}",
                    details=patch.model_dump(include=changed, mode="json"),
                )  # fmt: skip
            return supplier


def _external_id(country: str, name: str) -> str:
    slug = _SLUG.sub("-", name.lower()).strip("-")[:24] or "supplier"
    return f"sup-{country.lower()}-{slug}-{secrets.token_hex(3)}"
