"""``sesame accounts``: accounts made by an operator."""

from __future__ import annotations

from typing import Annotated

import typer

from sesame.cli.common import fail
from sesame.core.errors import SesameError
from sesame.runtime.runtime import Runtime
from sesame.runtime.startup import Startup
from sesame.settings import Settings

app = typer.Typer(help="Manage buyer and supplier-staff accounts.", no_args_is_help=True)


@app.command("create")
def accounts_create(
    name: Annotated[str, typer.Option(help="Display name")],
    language: Annotated[str, typer.Option(help="Preferred language, e.g. zh")],
    supplier: Annotated[
        str | None, typer.Option(help="Supplier id: makes a supplier-staff account")
    ] = None,
    email: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Create a buyer (or, with --supplier, a supplier-staff) account; prints its token once."""
    runtime = Runtime(Settings())
    Startup(runtime).database()
    try:
        account, token = runtime.accounts.create(
            kind="supplier" if supplier else "buyer",
            name=name,
            language=language,
            email=email,
            supplier=supplier,
        )
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"account {account.id} ({account.kind}); token (shown once): {token}")
