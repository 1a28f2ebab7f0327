"""int8 towers for speed figures only, in a benchmark's own data folder.

`sesame models quantize` approves int8 only when its top-10 agreement with fp32, on the
deployment's own catalog, is at least 0.98. A benchmark's weights are random (speed does
not depend on them), so that agreement says nothing about real weights. This measures and
prints it on rendered demo photos, then approves int8 in the benchmark's own ONNX folder
whatever the figure, so that the server runs int8 and its speed can be measured. It
refuses any folder outside the benchmark's data folder.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from sesame.demo.catalog import build_demo_records, demo_product_specs
from sesame.demo.render import render_product
from sesame.embeddings.quantize import Agreement, approve
from sesame.runtime.int8_check import measure_int8
from sesame.settings import Settings


def demo_sample(products: int = 120) -> tuple[list[Image.Image], list[str]]:
    """One rendered photo and the title of each of ``products`` demo products."""
    specs = demo_product_specs(products=products)
    _, records = build_demo_records(products=products)
    photos = [render_product(spec.look, spec.variations[0]) for spec in specs]
    return photos, [record["title"] for record in records]


def int8_for_speed(settings: Settings, bench: Path) -> Agreement:
    """Quantise the configured weights in ``settings``' ONNX folder and approve them there;
    refuses an ONNX folder outside ``bench``, the benchmark's own folder."""
    if not settings.onnx_dir.resolve().is_relative_to(bench.resolve()):
        raise SystemExit(f"{settings.onnx_dir} is not inside the benchmark's folder {bench}")
    agreement, folder = measure_int8(settings, demo_sample)
    approve(folder, agreement)
    print(
        f"<!-- int8 top-10 agreement with fp32 on {agreement.gallery} demo photos, random "
        f"weights: photos {agreement.images:.3f}, texts {agreement.texts:.3f} (not an accuracy "
        f"figure; approved in {folder} for speed only) -->",
        flush=True,
    )
    return agreement


def runtime_and_precision(runtime: str) -> tuple[str, str]:
    """A benchmark's runtime name (torch, onnx, onnx-int8) as SESAME_EMBEDDINGS__RUNTIME and
    SESAME_EMBEDDINGS__PRECISION."""
    return runtime.split("-")[0], "int8" if runtime.endswith("int8") else "fp32"


def bench_settings(data: Path, ckpt: Path, runtime: str, onnx: Path | None = None) -> Settings:
    """Settings for ``runtime`` (torch, onnx, onnx-int8) over the benchmark's folder."""
    engine, precision = runtime_and_precision(runtime)
    return Settings.model_validate({
        "data_dir": data,
        "embeddings": {
            "model": "ViT-B-32", "pretrained": str(ckpt), "runtime": engine,
            "precision": precision, "onnx_dir": onnx,
        },
        "limits": {"enabled": False},
    })  # fmt: skip
