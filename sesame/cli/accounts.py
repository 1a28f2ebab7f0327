"""``sesame accounts``: accounts made by an operator."""

from __future__ import annotations

from typing import Annotated

import typer

from sesame.accounts.tokens import AccountKind
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
    operator: Annotated[bool, typer.Option(help="A platform operator")] = False,
) -> None:
    """Create a buyer, supplier-staff (--supplier) or operator (--operator) account.

    Prints its token once. Operators verify suppliers, hide reviews and read the audit trail.
    """
    if operator and supplier:
        raise fail("An operator belongs to no supplier: give --operator or --supplier, not both.")
    runtime = Runtime(Settings())
    Startup(runtime).database()
    kind: AccountKind = "operator" if operator else "supplier" if supplier else "buyer"
    try:
        who, token = runtime.accounts.create(
            kind=kind, name=name, language=language, email=email, supplier=supplier
        )
        runtime.accounts.audit_shell("account.create", who.account_id, {"role": who.role})
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"account {who.account_id} ({who.role}); token (shown once): {token}")


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
        runtime.accounts.audit_shell("account.token", account, {})
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
        runtime.accounts.audit_shell("account.revoke", account, {"revoked": revoked})
    except SesameError as exc:
        raise fail(exc.message) from exc
    finally:
        runtime.close()
    typer.echo(f"account {account}: {revoked} tokens revoked")
