"""What every command shares: logging set-up and a clean exit with a message."""

from __future__ import annotations

import logging

import typer

from sesame.runtime.logs import install_redaction

OUR_LOGGERS = ("sesame", "uvicorn")


def setup_logging(verbose: bool = False) -> None:
    install_redaction()
    # Libraries that log on the root logger (open_clip) stay at WARNING.
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.INFO)


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)
