"""Who may touch what (OWASP API1 and API3), in one place.

Company members (admin or staff) manage only their own company's supplier
profile and products. A supplier or product of another company answers 404
exactly as one that does not exist, so ids cannot be probed. Fields that carry
trust (verification, rating, review counts) are the platform's: operators set
them, nobody else.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.accounts.roles import require_admin, require_operator
from sesame.accounts.tokens import Principal
from sesame.catalog import repository as repo
from sesame.catalog.models import Product, ProductImage, Supplier
from sesame.core.errors import Forbidden, NotFound

__all__ = [
    "own_image",
    "own_product",
    "own_supplier",
    "refuse_platform_fields",
    "require_admin",
    "require_operator",
]
PLATFORM_FIELDS = frozenset({"verified", "rating", "review_count", "response_rate"})


def own_supplier(session: Session, who: Principal, supplier_id: str) -> Supplier:
    """The caller's own supplier profile named ``supplier_id``; 404 for any other."""
    supplier = repo.supplier_by_external_id(session, supplier_id)
    if supplier is None or who.is_operator or supplier.id != who.supplier_id:
        raise NotFound(f"No supplier with id {supplier_id!r}.")
    return supplier


def own_product(session: Session, who: Principal, product_id: str) -> Product:
    """The caller's own product; 404 for any other (the same answer as for none)."""
    product = session.scalar(select(Product).where(Product.external_id == product_id))
    if product is None or who.is_operator or product.supplier_id != who.supplier_id:
        raise NotFound(f"No product with id {product_id!r}.")
    return product


def own_image(session: Session, product: Product, image_id: int) -> ProductImage:
    image = session.get(ProductImage, image_id)
    if image is None or image.product_id != product.id:
        raise NotFound(f"Product {product.external_id!r} has no image {image_id}.")
    return image


def refuse_platform_fields(fields: set[str], who: Principal) -> None:
    """Suppliers never set their own verification, rating or review counts."""
    touched = sorted(fields & PLATFORM_FIELDS)
    if touched and not who.is_operator:
        raise Forbidden(
            f"{', '.join(touched)} can be set only by platform operators "
            "(verification through POST /v1/suppliers/{id}/verifications, ratings from reviews)."
        )
