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


def _database_runtime() -> Runtime:
    runtime = Runtime(Settings())
    Startup(runtime).database()
    return runtime


@app.command("token")
def accounts_token(account: Annotated[int, typer.Option(help="Account id")]) -> None:
    """Issue a new token for an account (e.g. after its tokens expired); prints it once."""
    runtime = _database_runtime()
    try:
        token, expires = runtime.accounts.new_token(account)
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"account {account}; token (shown once, expires {expires:%Y-%m-%d}): {token}")


@app.command("revoke")
def accounts_revoke(account: Annotated[int, typer.Option(help="Account id")]) -> None:
    """Revoke every token of an account; open WebSockets close at their next re-check."""
    runtime = _database_runtime()
    try:
        revoked = runtime.accounts.revoke(account)
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"account {account}: {revoked} tokens revoked")
