"""Suppliers manage their own products and photos; indexing follows through the job queue.

A write commits the rows, a job for the indexing workers and a change-log entry
in one transaction, and returns at once; the product shows ``pending`` until a
worker has embedded it (``indexed``), or ``failed`` with the reason.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from sesame.accounts.tokens import Principal
from sesame.catalog import jobs, verification
from sesame.catalog import repository as repo
from sesame.catalog.changes import record_change
from sesame.catalog.db import session_scope
from sesame.catalog.models import Embedding, Product, ProductImage, Verification, utcnow
from sesame.catalog.records import ProductRecord
from sesame.core.errors import Conflict, InvalidInput
from sesame.media.images import MIME_TYPES, SUFFIXES, ImageLimits, check_photo, image_format
from sesame.media.store import MediaStore, sha256_hex
from sesame.shop.access import own_image, own_product, own_supplier
from sesame.shop.fields import ProductFields, ProductPatch

TEXT_FIELDS = frozenset({"title", "description"})
Owned = tuple[Product, list[Verification]]  # a product, and its supplier's active checks


@dataclass(frozen=True, slots=True)
class Caps:
    products_per_supplier: int = 10_000
    images_per_product: int = 10


class ProductService:
    def __init__(
        self, *, sessions: Callable[[], Session], media: MediaStore, limits: ImageLimits,
        caps: Caps,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._media = media
        self._limits = limits
        self._caps = caps

    def create(self, who: Principal, supplier_id: str, fields: ProductFields) -> Owned:
        with session_scope(self._sessions) as session:
            supplier = own_supplier(session, who, supplier_id)
            if fields.supplier_id not in (None, supplier_id):
                raise InvalidInput(f"supplier_id {fields.supplier_id!r} is not {supplier_id!r}.")
            self._check_room(session, supplier.id, supplier_id)
            external = _new_id(session, fields.id)
            values = fields.model_dump(exclude={"id", "supplier_id"})
            record = ProductRecord(id=external, supplier_id=supplier_id, **values)
            product = Product(external_id=external, status="pending")
            repo.apply_product_record(product, record, supplier_id=supplier.id, digest="api")
            session.add(product)
            session.flush()
            _queue(session, product)
            return _loaded(session, product.id)

    def _check_room(self, session: Session, row_id: int, supplier_id: str) -> None:
        count = session.scalar(select(func.count(Product.id)).where(Product.supplier_id == row_id))
        if (count or 0) >= self._caps.products_per_supplier:
            raise Conflict(
                f"Supplier {supplier_id!r} has {count:,} products, the most allowed "
                f"({self._caps.products_per_supplier:,}); delete some before adding more."
            )

    def update(self, who: Principal, product_id: str, patch: ProductPatch) -> Owned:
        changed = patch.model_fields_set
        with session_scope(self._sessions) as session:
            product = own_product(session, who, product_id)
            for name in changed & {"title", "description", "category", "attributes",
                                   "lead_time_days"}:  # fmt: skip
                value = getattr(patch, name)
                if value is None and name in ("title", "category", "attributes"):
                    raise InvalidInput(f"{name} cannot be empty.")
                setattr(product, name, value if name != "category" else value.lower())
            if "price" in changed:
                repo.set_price(product, patch.price)
            if "moq" in changed:
                product.moq = patch.moq.quantity if patch.moq else None
                product.moq_unit = patch.moq.unit if patch.moq else "pieces"
            product.updated_at = utcnow()
            if changed & TEXT_FIELDS:
                _queue(session, product)  # the description vector must be made again
            record_change(session, "product", product.id)  # payloads (price, MOQ, category)
            return _loaded(session, product.id)

    def delete(self, who: Principal, product_id: str) -> None:
        with session_scope(self._sessions) as session:
            product = own_product(session, who, product_id)
            repo.delete_products(session, [product.id])

    def add_image(self, who: Principal, product_id: str, data: bytes) -> ProductImage:
        """Check the photo as photo search does, store it, and queue the product's indexing."""
        photo = check_photo(data, self._limits)
        fmt = image_format(data) or "JPEG"
        with session_scope(self._sessions) as session:
            product = own_product(session, who, product_id)
            held = [image.position for image in product.images]
            if len(held) >= self._caps.images_per_product:
                raise Conflict(
                    f"Product {product_id!r} has {len(held)} photos, the most allowed; "
                    "delete one before adding another."
                )
            image = ProductImage(
                position=max(held, default=-1) + 1, sha256=sha256_hex(data),
                path=self._media.put(data, SUFFIXES.get(fmt, ".bin")),
                mime=MIME_TYPES.get(fmt, "application/octet-stream"),
                width=photo.width, height=photo.height,
            )  # fmt: skip
            product.images.append(image)
            _queue(session, product)
            session.flush()
            return image

    def delete_image(self, who: Principal, product_id: str, image_id: int) -> None:
        with session_scope(self._sessions) as session:
            product = own_product(session, who, product_id)
            image = own_image(session, product, image_id)
            if not any(o.sha256 == image.sha256 for o in product.images if o.id != image.id):
                _drop_vectors(session, product.id, f"image:{image.sha256}")
            product.images.remove(image)
            _queue(session, product)

    def listing(self, who: Principal, supplier_id: str, *, limit: int, offset: int) -> list[Owned]:
        """The supplier's own products, every status, newest first."""
        with self._sessions() as session:
            supplier = own_supplier(session, who, supplier_id)
            products = session.scalars(
                select(Product)
                .where(Product.supplier_id == supplier.id)
                .options(selectinload(Product.images), selectinload(Product.supplier))
                .order_by(Product.id.desc())
                .limit(limit)
                .offset(offset)
            )
            checks = verification.active(session, [supplier.id])[supplier.id]
            return [(product, checks) for product in products]


def _new_id(session: Session, wanted: str | None) -> str:
    external = wanted or f"p-{secrets.token_hex(5)}"
    if session.scalar(select(Product.id).where(Product.external_id == external)):
        raise Conflict(f"A product with id {external!r} already exists; choose another id.")
    return external


def _drop_vectors(session: Session, product_id: int, source_key: str) -> None:
    """The photo's vectors go now (and from every index through the change log)."""
    stale = session.scalars(
        select(Embedding.id).where(
            Embedding.product_id == product_id, Embedding.source_key == source_key
        )
    ).all()
    session.execute(delete(Embedding).where(Embedding.id.in_(stale)))
    for embedding_id in stale:
        record_change(session, "vector", embedding_id)


def _queue(session: Session, product: Product) -> None:
    # updated_at too: the row changes, so a worker that holds it locked is waited for.
    product.status, product.status_reason, product.updated_at = "pending", None, utcnow()
    jobs.enqueue(session, "product", product.id)


def _loaded(session: Session, product_id: int) -> Owned:
    session.flush()
    product = repo.products_by_ids(session, [product_id])[product_id]
    return product, verification.active(session, [product.supplier_id])[product.supplier_id]
