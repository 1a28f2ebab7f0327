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
from sesame.media.images import MIME_TYPES, SUFFIXES, ImageLimits, check_photo, image_format
from sesame.media.store import MediaStore, sha256_hex

PRODUCTS_FILE = "products.jsonl"


@dataclass
class LoadedImage:
    sha256: str
    data: bytes
    image: Image.Image | None = None  # reduced for the encoder
    size: tuple[int, int] = (0, 0)  # of the original, upright


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
            photo = check_photo(data, limits)
        except SesameError as exc:
            errors.append(RecordError(PRODUCTS_FILE, line, f"{where}: {exc.message}"))
            continue
        loaded.append(LoadedImage(sha256_hex(data), data, photo.image, (photo.width, photo.height)))
    return loaded, errors


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    sha256: str
    path: str  # relative to the media store
    mime: str
    size: tuple[int, int]


def store_photos(media: MediaStore, images: list[LoadedImage]) -> list[StoredPhoto]:
    """Write the photo files (content-addressed: a file already there is kept)."""
    stored = []
    for image in images:
        fmt = image_format(image.data) or "JPEG"
        path = media.put(image.data, SUFFIXES.get(fmt, ".bin"))
        mime = MIME_TYPES.get(fmt, "application/octet-stream")
        stored.append(StoredPhoto(image.sha256, path, mime, image.size))
    return stored


def write_product(
    session: Session,
    product: Product | None,
    record: ProductRecord,
    *,
    photos: list[StoredPhoto],
    supplier_id: int,
    digest: str,
) -> Product:
    """Insert or update the product's row and replace its image rows (files stored first)."""
    if product is None:
        product = Product(external_id=record.id)
        session.add(product)
    repo.apply_product_record(product, record, supplier_id=supplier_id, digest=digest)
    product.images.clear()
    for position, photo in enumerate(photos):
        product.images.append(
            ProductImage(
                position=position,
                sha256=photo.sha256,
                path=photo.path,
                mime=photo.mime,
                width=photo.size[0],
                height=photo.size[1],
            )
        )
    session.flush()
    return product
