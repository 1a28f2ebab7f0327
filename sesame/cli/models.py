"""``sesame models``: embedding weights and translation packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sesame.cli.common import fail, setup_logging
from sesame.core.errors import SesameError
from sesame.embeddings.weights import resolve_weights
from sesame.settings import Settings
from sesame.translation.packages import (
    download_packages,
    install_package,
    list_installed,
    remove_package,
)

app = typer.Typer(help="Manage model weights.", no_args_is_help=True)


@app.command("download")
def models_download(
    languages: Annotated[
        str | None,
        typer.Option(help="Also fetch translation packages for these codes, e.g. zh,es,ja"),
    ] = None,
) -> None:
    """Download the open_clip weights (and translation packages) on a connected machine."""
    setup_logging()
    settings = Settings()
    cfg = settings.embeddings
    try:
        weights = resolve_weights(
            cfg.model, cfg.pretrained, cache_dir=cfg.cache_dir, allow_download=True
        )
        typer.echo(f"embeddings {weights.model_id}: {weights.path}")
        if cfg.runtime == "onnx":  # export now, so the first start need not
            from sesame.embeddings.onnx import export_for

            exported, _ = export_for(cfg.model, cfg.pretrained, onnx_dir=settings.onnx_dir,
                                     cache_dir=cfg.cache_dir)  # fmt: skip
            typer.echo(f"onnx export: {exported.folder}")
        if languages:
            codes = [code.strip() for code in languages.split(",") if code.strip()]
            for package in download_packages(codes, settings.argos_packages_dir):
                typer.echo(f"translation {package.from_code}->{package.to_code}: {package.path}")
    except SesameError as exc:
        raise fail(exc.message) from exc


@app.command("install")
def models_install(
    paths: Annotated[list[Path], typer.Argument(help="Local .argosmodel files")],
) -> None:
    """Install translation packages from local .argosmodel files (no network)."""
    settings = Settings()
    for path in paths:
        try:
            package = install_package(path, settings.argos_packages_dir)
        except SesameError as exc:
            raise fail(exc.message) from exc
        typer.echo(f"installed {package.from_code}->{package.to_code} ({package.path})")


@app.command("remove")
def models_remove(
    source: Annotated[str, typer.Argument(help="Source language code")],
    target: Annotated[str, typer.Argument(help="Target language code")],
) -> None:
    """Remove an installed translation package."""
    try:
        package = remove_package(Settings().argos_packages_dir, source, target)
    except SesameError as exc:
        raise fail(exc.message) from exc
    typer.echo(f"removed {package.from_code}->{package.to_code}")


@app.command("list")
def models_list() -> None:
    """Show the embedding model and the installed translation packages."""
    settings = Settings()
    cfg = settings.embeddings
    try:
        weights = resolve_weights(cfg.model, cfg.pretrained, cache_dir=cfg.cache_dir)
        typer.echo(f"embeddings: {weights.model_id} (ready: {weights.path})")
    except SesameError as exc:
        typer.echo(f"embeddings: {cfg.model}/{cfg.pretrained} (missing) - {exc.message}")
    packages = list_installed(settings.argos_packages_dir)
    if not packages:
        typer.echo(f"translation: no packages in {settings.argos_packages_dir}")
    for package in packages:
        typer.echo(f"translation: {package.from_code}->{package.to_code} {package.version}")


@app.command("quantize")
def models_quantize(
    sample: Annotated[int, typer.Option(min=20, max=5000, help="Catalog photos to check")] = 300,
) -> None:
    """Make int8 towers and switch to them only if they agree with fp32 on your catalog."""
    from sesame.runtime.int8_check import check_int8

    setup_logging()
    try:
        verdict = check_int8(Settings(), sample=sample)
    except SesameError as exc:
        raise fail(exc.message) from exc
    a = verdict.agreement
    typer.echo(
        f"top-10 agreement of int8 with fp32 over {a.gallery} catalog photos: "
        f"photo queries {a.images:.4f}, text queries {a.texts:.4f} "
        f"(threshold {verdict.threshold:.2f})"
    )
    if not verdict.approved:
        raise fail(
            f"Refused: int8 agrees {a.overall:.4f} < {verdict.threshold:.2f} with fp32 on this "
            "catalog, so it stays on fp32 (int8 would change what buyers find)."
        )
    typer.echo(f"int8 approved ({verdict.folder}); with SESAME_EMBEDDINGS__PRECISION=auto "
               "(the default) the next start runs it.")  # fmt: skip
