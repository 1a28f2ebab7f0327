"""The `sesame` command line: serve, ingest, reindex, models."""

from __future__ import annotations

import logging
import signal
from pathlib import Path
from typing import Annotated, Any

import typer
from tqdm import tqdm

from embeddings.weights import resolve_weights
from sesame.accounts import create_account
from sesame.errors import SesameError
from sesame.index_sync import rebuild_index
from sesame.ingest import PRODUCTS_FILE, IngestInterrupted, IngestReport
from sesame.runtime import Runtime
from sesame.settings import Settings
from translation.packages import (
    download_packages,
    install_package,
    list_installed,
    remove_package,
)

app = typer.Typer(
    help="Sesame: photo and multilingual search for SME suppliers.", no_args_is_help=True
)
models_app = typer.Typer(help="Manage model weights.", no_args_is_help=True)
app.add_typer(models_app, name="models")
accounts_app = typer.Typer(help="Manage buyer and supplier-staff accounts.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")

MAX_ERRORS_SHOWN = 50


OUR_LOGGERS = ("api", "catalog", "embeddings", "index", "sesame", "translation", "uvicorn")


def _setup_logging(verbose: bool = False) -> None:
    # Libraries that log on the root logger (open_clip) stay at WARNING.
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.INFO)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: SESAME_API__HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Default: SESAME_API__PORT")] = None,
    demo: Annotated[
        bool | None, typer.Option("--demo/--no-demo", help="Load the demo catalog if empty")
    ] = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from api.app import create_app

    _setup_logging()
    settings = Settings()
    if demo is not None:
        settings.demo.autoload = demo
    uvicorn.run(
        create_app(settings),
        host=host or settings.api.host,
        port=port or settings.api.port,
        log_config=None,
    )


@app.command()
def ingest(
    directory: Annotated[Path, typer.Argument(help="Folder with suppliers.jsonl, products.jsonl")],
    delete_missing: Annotated[
        bool, typer.Option(help="Delete products and suppliers that are not in the files")
    ] = False,
    batch_size: Annotated[int | None, typer.Option(min=1, max=1024)] = None,
) -> None:
    """Load a catalog folder: validate, store, embed and index (safe to re-run)."""
    _setup_logging()
    if not directory.is_dir():
        raise _fail(f"{directory} is not a folder.")
    runtime = Runtime.open(Settings())
    total = _count_records(directory / PRODUCTS_FILE)
    stop = _StopOnSigint()
    try:
        with tqdm(total=total, unit="product", desc="ingest") as bar, stop:

            def advance(done: int) -> None:
                bar.update(done)

            ingestor = runtime.ingestor(
                batch_size=batch_size, progress=advance, should_stop=stop.requested
            )
            report = ingestor.run(directory, delete_missing=delete_missing)
    except IngestInterrupted as exc:
        raise _fail(exc.message, 130) from None
    except KeyboardInterrupt:
        raise _fail(
            "Interrupted: what was committed is kept; run the same command to finish.", 130
        ) from None
    except SesameError as exc:
        raise _fail(exc.message) from exc
    finally:
        runtime.close()
    _print_report(report, runtime)
    if report.errors:
        raise typer.Exit(1)


def _count_records(path: Path) -> int:
    """Non-blank lines of a JSONL file (the progress bar's total); 0 if it is missing."""
    if not path.is_file():
        return 0
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


class _StopOnSigint:
    """First Ctrl-C: finish the current batch and stop; a second one stops at once."""

    def __init__(self) -> None:
        self._requested = False
        self._previous: Any = None

    def requested(self) -> bool:
        return self._requested

    def _handle(self, _signum: int, _frame: object) -> None:
        if self._requested:
            raise KeyboardInterrupt
        self._requested = True
        typer.secho("Stopping after the current batch (Ctrl-C again to stop now)...", err=True)

    def __enter__(self) -> _StopOnSigint:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *_exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)


def _print_report(report: IngestReport, runtime: Runtime) -> None:
    typer.echo(
        f"suppliers: {report.suppliers_changed} added/updated, {report.suppliers_unchanged} "
        f"unchanged, {report.suppliers_deleted} deleted\n"
        f"products: {report.products_changed} added/updated, {report.products_unchanged} "
        f"unchanged, {report.products_deleted} deleted; {report.embeddings_added} embeddings added"
    )
    if report.pending_embeddings and runtime.encoder_error is not None:
        typer.secho(
            f"{report.pending_embeddings} products were stored without embeddings: "
            f"{runtime.encoder_error.message} Then run `sesame ingest` again.",
            fg=typer.colors.YELLOW,
        )
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        typer.secho(f"... and {len(report.errors) - MAX_ERRORS_SHOWN} more", err=True)


@app.command()
def reindex() -> None:
    """Rebuild the vector index from the embeddings stored in the database (no re-encoding)."""
    _setup_logging()
    runtime = Runtime.open(Settings())
    try:
        encoder, index = runtime.encoder(), runtime.index()
        count = rebuild_index(index, runtime.session_factory, encoder.model_id)
    except SesameError as exc:
        raise _fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"Index rebuilt: {count} vectors for {encoder.model_id}.")


@models_app.command("download")
def models_download(
    languages: Annotated[
        str | None,
        typer.Option(help="Also fetch translation packages for these codes, e.g. zh,es,ja"),
    ] = None,
) -> None:
    """Download the open_clip weights (and translation packages) on a connected machine."""
    _setup_logging()
    settings = Settings()
    cfg = settings.embeddings
    try:
        weights = resolve_weights(
            cfg.model, cfg.pretrained, cache_dir=cfg.cache_dir, allow_download=True
        )
        typer.echo(f"embeddings {weights.model_id}: {weights.path}")
        if languages:
            codes = [code.strip() for code in languages.split(",") if code.strip()]
            for package in download_packages(codes, settings.argos_packages_dir):
                typer.echo(f"translation {package.from_code}->{package.to_code}: {package.path}")
    except SesameError as exc:
        raise _fail(exc.message) from exc


@models_app.command("install")
def models_install(
    paths: Annotated[list[Path], typer.Argument(help="Local .argosmodel files")],
) -> None:
    """Install translation packages from local .argosmodel files (no network)."""
    settings = Settings()
    for path in paths:
        try:
            package = install_package(path, settings.argos_packages_dir)
        except SesameError as exc:
            raise _fail(exc.message) from exc
        typer.echo(f"installed {package.from_code}->{package.to_code} ({package.path})")


@models_app.command("remove")
def models_remove(
    source: Annotated[str, typer.Argument(help="Source language code")],
    target: Annotated[str, typer.Argument(help="Target language code")],
) -> None:
    """Remove an installed translation package."""
    try:
        package = remove_package(Settings().argos_packages_dir, source, target)
    except SesameError as exc:
        raise _fail(exc.message) from exc
    typer.echo(f"removed {package.from_code}->{package.to_code}")


@models_app.command("list")
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


@app.command("translate-pending")
def translate_pending() -> None:
    """Translate the messages stored untranslated, now that models may be installed."""
    _setup_logging()
    runtime = Runtime.open(Settings(), load_model=False)
    try:
        done, left = runtime.chat().translate_pending()
    finally:
        runtime.close()
    typer.echo(f"translated {done}; still untranslated {left}")


@accounts_app.command("create")
def accounts_create(
    name: Annotated[str, typer.Option(help="Display name")],
    language: Annotated[str, typer.Option(help="Preferred language, e.g. zh")],
    supplier: Annotated[
        str | None, typer.Option(help="Supplier id: makes a supplier-staff account")
    ] = None,
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a buyer (or, with --supplier, a supplier-staff) account; prints its token once."""
    settings = Settings()
    runtime = Runtime.open(settings, load_model=False, load_translation=False)
    try:
        with runtime.session_factory() as session:
            account, token = create_account(
                session,
                kind="supplier" if supplier else "buyer",
                name=name,
                language=language,
                email=email,
                supplier_external_id=supplier,
                supported_languages=set(settings.translation.languages),
            )
            session.commit()
    except SesameError as exc:
        raise _fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"account {account.id} ({account.kind}); token (shown once): {token}")
