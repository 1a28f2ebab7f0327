"""Catalog reads behind search results: a supplier, a product (in the reader's
language), and a stored product photo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog import verification
from sesame.catalog.db import session_scope
from sesame.catalog.models import Product, ProductImage, Supplier, Verification
from sesame.core.errors import NotFound
from sesame.media.store import MediaStore
from sesame.search.personal import record_view
from sesame.search.product_text import ProductTexts, TranslatedText


@dataclass(frozen=True, slots=True)
class ProductPage:
    product: Product
    translated: TranslatedText | None
    verifications: list[Verification]


@dataclass(frozen=True, slots=True)
class SupplierPage:
    supplier: Supplier
    verifications: list[Verification]


@dataclass(frozen=True, slots=True)
class StoredImage:
    path: Path
    mime: str


class CatalogBrowser:
    def __init__(
        self, *, sessions: Callable[[], Session], media: MediaStore, texts: ProductTexts
    ) -> None:
        self._sessions = sessions
        self._media = media
        self._texts = texts

    def supplier(self, supplier_id: str) -> SupplierPage:
        with self._sessions() as session:
            supplier = repo.supplier_by_external_id(session, supplier_id)
            if supplier is None:
                raise NotFound(f"No supplier with id {supplier_id!r}.")
            return SupplierPage(supplier, verification.active(session, [supplier.id])[supplier.id])

    def product(
        self, product_id: str, *, language: str | None = None, viewer: int | None = None
    ) -> ProductPage:
        """One product with its images and supplier, optionally translated for the reader;
        a signed-in ``viewer`` (account id) has the view remembered for its ranking."""
        with session_scope(self._sessions) as session:
            product = repo.product_by_external_id(session, product_id)
            if product is None:
                raise NotFound(f"No product with id {product_id!r}.")
            checks = verification.active(session, [product.supplier_id])[product.supplier_id]
            if viewer is not None:
                record_view(session, viewer, product)
        translated = None
        if language is not None:
            translated = self._texts.for_reader(language, product)
        return ProductPage(product, translated, checks)

    def image(self, image_id: int) -> StoredImage:
        with self._sessions() as session:
            image = session.get(ProductImage, image_id)
            if image is None:
                raise NotFound(f"No image with id {image_id}.")
            return StoredImage(self._media.path(image.path), image.mime)
