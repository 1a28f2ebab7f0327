"""The `sesame` command line: serve, ingest, reindex, translate-pending, models, accounts."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Any

import typer
from tqdm import tqdm

from sesame.cli import accounts, models
from sesame.cli.common import fail, setup_logging
from sesame.core.errors import SesameError
from sesame.ingest.pipeline import PRODUCTS_FILE, IngestInterrupted, IngestReport
from sesame.runtime import parts
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import Startup, open_runtime
from sesame.settings import Settings

app = typer.Typer(
    help="Sesame: photo and multilingual search for SME suppliers.", no_args_is_help=True
)
app.add_typer(models.app, name="models")
app.add_typer(accounts.app, name="accounts")

MAX_ERRORS_SHOWN = 50


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: SESAME_API__HOST")] = None,
    port: Annotated[int | None, typer.Option(help="Default: SESAME_API__PORT")] = None,
    demo: Annotated[
        bool | None, typer.Option("--demo/--no-demo", help="Load the demo catalog if empty")
    ] = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs); parts load while it already answers."""
    import uvicorn

    from sesame.runtime.web import create_app

    setup_logging()
    settings = Settings()
    if demo is not None:
        settings.demo.autoload = demo
    uvicorn.run(
        create_app(settings),
        host=host or settings.api.host,
        port=port or settings.api.port,
        log_config=None,
        ws_max_size=settings.live.max_frame_bytes,
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
    setup_logging()
    if not directory.is_dir():
        raise fail(f"{directory} is not a folder.")
    try:
        runtime = open_runtime(Settings())
    except SesameError as exc:
        raise fail(exc.message) from exc
    stop = _StopOnSigint()
    try:
        with tqdm(total=_count_records(directory / PRODUCTS_FILE), unit="product",
                  desc="ingest") as bar, stop:  # fmt: skip
            ingestor = runtime.ingestor(
                batch_size=batch_size,
                progress=lambda n: _advance(bar, n),
                should_stop=stop.requested,
            )
            report = ingestor.run(directory, delete_missing=delete_missing)
    except IngestInterrupted as exc:
        raise fail(exc.message, 130) from None
    except KeyboardInterrupt:
        raise fail(
            "Interrupted: what was committed is kept; run the same command to finish.", 130
        ) from None
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    _print_report(report, runtime)
    if report.errors:
        raise typer.Exit(1)


def _advance(bar: tqdm[Any], done: int) -> None:
    bar.update(done)


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
    if report.pending_embeddings:
        why = runtime.slots.encoder.status.detail or "the model did not load."
        typer.secho(
            f"{report.pending_embeddings} products were stored without embeddings: "
            f"{why} Then run `sesame ingest` again.",
            fg=typer.colors.YELLOW,
        )
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        typer.secho(str(error), fg=typer.colors.RED, err=True)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        typer.secho(f"... and {len(report.errors) - MAX_ERRORS_SHOWN} more", err=True)


@app.command()
def reindex() -> None:
    """Rebuild the vector index from the embeddings stored in the database (no re-encoding).

    FAISS builds the new index beside the old file and swaps it in when complete.
    """
    setup_logging()
    settings = Settings()
    runtime = Runtime(settings)
    startup = Startup(runtime)
    try:
        startup.database()
        database = runtime.slots.database.get()
        encoder = parts.load_encoder(settings)
        count = parts.rebuild_vector_index(settings, encoder, database)
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"Index rebuilt: {count} vectors for {encoder.model_id}.")


@app.command("translate-pending")
def translate_pending() -> None:
    """Translate the messages stored untranslated, now that models may be installed."""
    setup_logging()
    runtime = Runtime(Settings())
    startup = Startup(runtime)
    startup.database()
    startup.translation()
    try:
        done, left = runtime.translations.translate_pending()
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"translated {done}; still untranslated {left}")
