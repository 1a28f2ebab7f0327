"""Accounts: sign-up, the caller, token renewal and revocation, WebSocket tickets."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, status

from sesame.api.deps import (
    AccountsDep,
    CurrentUser,
    PoolsDep,
    PreferencesDep,
    limited_by_account,
    per_ip,
    run_on,
)
from sesame.api.schemas_chat import (
    AccountOut,
    NewAccount,
    NewAccountOut,
    RevokeOut,
    RevokeRequest,
    TicketOut,
    TokenOut,
)
from sesame.api.schemas_trade import PreferencesIn, PreferencesOut
from sesame.catalog.models import utcnow

router = APIRouter(prefix="/v1", tags=["accounts"])


@router.post(
    "/accounts", status_code=status.HTTP_201_CREATED, dependencies=[Depends(per_ip("signup"))]
)
async def create_buyer_account(
    body: NewAccount, accounts: AccountsDep, pools: PoolsDep
) -> NewAccountOut:
    """Sign up as a buyer; the token is shown once."""
    who, token = await run_on(
        pools.database, accounts.create, kind="buyer", name=body.name, language=body.language,
        email=body.email, company_name=body.company,
    )  # fmt: skip
    expires = utcnow() + accounts.token_ttl
    return NewAccountOut(account=AccountOut.from_principal(who), token=token, expires_at=expires)


@router.get("/me")
async def me(user: CurrentUser) -> AccountOut:
    """The calling account."""
    return AccountOut.from_principal(user)


@router.get("/me/preferences")
async def my_preferences(
    user: CurrentUser, preferences: PreferencesDep, pools: PoolsDep
) -> PreferencesOut:
    """What you said you want; signed-in searches are re-ranked by it."""
    return PreferencesOut.of(await run_on(pools.database, preferences.get, user.account_id))


@router.put("/me/preferences")
async def set_preferences(
    body: PreferencesIn, user: CurrentUser, preferences: PreferencesDep, pools: PoolsDep
) -> PreferencesOut:
    """Countries, verified suppliers only, a price band (USD): they re-rank, never filter."""
    wanted = await run_on(pools.database, preferences.put, user.account_id, body.wanted(),
                          is_operator=user.is_operator)  # fmt: skip
    return PreferencesOut.of(wanted)


@router.post("/me/tokens", status_code=status.HTTP_201_CREATED)
async def renew_token(user: CurrentUser, accounts: AccountsDep, pools: PoolsDep) -> TokenOut:
    """A new token for the calling account (renew before the current one expires)."""
    token, expires = await run_on(pools.database, accounts.new_token, user.account_id)
    return TokenOut(token=token, expires_at=expires)


@router.post("/me/tokens/revoke")
async def revoke_tokens(
    user: CurrentUser, accounts: AccountsDep, pools: PoolsDep, body: RevokeRequest | None = None
) -> RevokeOut:
    """Revoke the token of this request, or every token of the account (``all``)."""
    everything = body is not None and body.all
    token_id = None if everything else user.token_id
    revoked = await run_on(pools.database, accounts.revoke, user.account_id, token_id)
    return RevokeOut(revoked=revoked)


@router.post(
    "/ws-tickets",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(limited_by_account("ticket"))],
)
async def ws_ticket(user: CurrentUser, accounts: AccountsDep, pools: PoolsDep) -> TicketOut:
    """A single-use ticket to open the live WebSocket (a token never goes in a URL)."""
    ticket = await run_on(pools.database, accounts.ticket, user)
    ttl: timedelta = accounts.ticket_ttl
    return TicketOut(ticket=ticket, expires_in=int(ttl.total_seconds()))
