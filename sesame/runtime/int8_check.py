"""``sesame models quantize``: int8 towers, checked on this deployment's own catalog."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from sesame.catalog.models import Product, ProductImage
from sesame.core.errors import InvalidInput
from sesame.embeddings.onnx import OnnxEncoder, export_for
from sesame.embeddings.quantize import (
    APPROVAL,
    MIN_AGREEMENT,
    Agreement,
    approve,
    quantize_towers,
    top_k_agreement,
)
from sesame.media.images import ImageLimits, decode_image
from sesame.runtime.parts import image_limits, media_store, open_database
from sesame.settings import Settings


@dataclass(frozen=True, slots=True)
class Int8Verdict:
    agreement: Agreement
    threshold: float
    approved: bool
    folder: Path


def check_int8(settings: Settings, *, sample: int = 300, threshold: float = MIN_AGREEMENT
               ) -> Int8Verdict:  # fmt: skip
    """Quantise the configured weights, measure top-10 agreement, approve or refuse."""
    agreement, folder = measure_int8(settings, lambda: catalog_sample(settings, sample))
    passed = agreement.overall >= threshold
    if passed:
        approve(folder, agreement)
    return Int8Verdict(agreement, threshold, passed, folder)


def measure_int8(
    settings: Settings, sample: Callable[[], tuple[list[Image.Image], list[str]]]
) -> tuple[Agreement, Path]:
    """Withdraw any earlier approval, quantise the configured weights, and measure int8's
    top-10 agreement with fp32 on ``sample()``'s photos and texts; and the export folder."""
    cfg = settings.embeddings
    exported, model_id = export_for(
        cfg.model, cfg.pretrained, onnx_dir=settings.onnx_dir, cache_dir=cfg.cache_dir,
        allow_download=cfg.allow_download,
    )  # fmt: skip
    (exported.folder / APPROVAL).unlink(missing_ok=True)  # a new check replaces the old
    photos, titles = sample()
    quantize_towers(exported.folder)
    from open_clip import get_tokenizer

    tokenizer = get_tokenizer(cfg.model)
    fp32 = OnnxEncoder(exported, tokenizer, model_id=model_id, threads=cfg.onnx_threads)
    int8 = OnnxEncoder(exported, tokenizer, model_id=model_id, threads=cfg.onnx_threads,
                       int8=True)  # fmt: skip
    return top_k_agreement(fp32, int8, photos, titles), exported.folder


def catalog_sample(settings: Settings, sample: int) -> tuple[list[Image.Image], list[str]]:
    """Up to ``sample`` product photos (one per product, spread over the catalog) and
    their titles; refuses an empty catalog, where agreement would mean nothing."""
    database, store, limits = open_database(settings), media_store(settings), image_limits(settings)
    try:
        with database.sessions() as session:
            rows = session.execute(
                select(Product.title, func.min(ProductImage.path))
                .join(ProductImage, ProductImage.product_id == Product.id)
                .group_by(Product.id, Product.title).order_by(Product.id)
            ).all()  # fmt: skip
    finally:
        database.close()
    if len(rows) < 20:
        raise InvalidInput(
            f"The catalog has {len(rows)} products with photos; int8 is checked on at least "
            "20 of the deployment's own: ingest the catalog first (`sesame ingest`)."
        )
    step = max(1, len(rows) // sample)
    chosen = rows[::step][:sample]
    return [_photo(store.path(path), limits) for _, path in chosen], [t for t, _ in chosen]


def _photo(path: Path, limits: ImageLimits) -> Image.Image:
    return decode_image(path.read_bytes(), max_pixels=limits.max_pixels,
                        max_bytes=limits.max_bytes, min_side=limits.min_side)  # fmt: skip
