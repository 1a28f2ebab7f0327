"""Product photos named by a catalog line: read, checked like uploads, stored by content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.models import Product, ProductImage
from sesame.catalog.records import ProductRecord
from sesame.core.errors import SesameError
from sesame.ingest.jsonl import RecordError
from sesame.media.images import MIME_TYPES, SUFFIXES, decode_image, image_format
from sesame.media.store import MediaStore, sha256_hex

PRODUCTS_FILE = "products.jsonl"


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_pixels: int
    max_bytes: int


@dataclass
class LoadedImage:
    sha256: str
    data: bytes
    image: Image.Image | None = None


def read_photos(
    directory: Path, line: int, record: ProductRecord, limits: ImageLimits
) -> tuple[list[LoadedImage], list[RecordError]]:
    """The record's photos that exist, fit the limits and decode; the rest as errors."""
    loaded: list[LoadedImage] = []
    errors: list[RecordError] = []
    root = directory.resolve()
    for relative in record.images:
        path = (root / relative).resolve()
        where = f"product {record.id!r} image {relative!r}"
        if not path.is_relative_to(root) or not path.is_file():
            errors.append(RecordError(PRODUCTS_FILE, line, f"{where}: file not found"))
            continue
        if path.stat().st_size > limits.max_bytes:
            errors.append(
                RecordError(PRODUCTS_FILE, line, f"{where}: over {limits.max_bytes} bytes")
            )
            continue
        data = path.read_bytes()
        try:
            image = decode_image(data, max_pixels=limits.max_pixels, max_bytes=limits.max_bytes)
        except SesameError as exc:
            errors.append(RecordError(PRODUCTS_FILE, line, f"{where}: {exc.message}"))
            continue
        loaded.append(LoadedImage(sha256_hex(data), data, image))
    return loaded, errors


def write_product(
    session: Session,
    media: MediaStore,
    product: Product | None,
    record: ProductRecord,
    *,
    images: list[LoadedImage],
    supplier_id: int,
    digest: str,
) -> Product:
    """Insert or update the product's row and replace its image rows (files stored first)."""
    if product is None:
        product = Product(external_id=record.id)
        session.add(product)
    repo.apply_product_record(product, record, supplier_id=supplier_id, digest=digest)
    product.images.clear()
    for position, image in enumerate(images):
        fmt = image_format(image.data) or "JPEG"
        size = image.image.size if image.image else (0, 0)
        product.images.append(
            ProductImage(
                position=position,
                sha256=image.sha256,
                path=media.put(image.data, SUFFIXES.get(fmt, ".bin")),
                mime=MIME_TYPES.get(fmt, "application/octet-stream"),
                width=size[0],
                height=size[1],
            )
        )
    session.flush()
    return product
