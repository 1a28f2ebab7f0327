"""Bearer tokens and WebSocket tickets: issued, checked, expired and revoked.

Tokens are 256-bit random strings shown once; the database keeps only their
SHA-256, so a leaked database does not leak usable tokens. They expire, and an
account can revoke them. A WebSocket cannot carry an Authorization header from
a browser, and a token in a URL ends up in logs, so sockets open with a ticket:
single use, valid for a minute, bound to the token that asked for it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sesame.catalog.models import Account, ApiToken, Company, Supplier, WsTicket, utcnow
from sesame.core.errors import Unauthorized

AccountKind = Literal["buyer", "supplier", "operator"]
Role = Literal["admin", "staff", "operator"]
TOKEN_PREFIX = "ses_"  # noqa: S105 - a prefix, not a secret
TICKET_PREFIX = "wst_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the account, its role, its company and that company's supplier profile.

    ``kind`` is how the account appears by default: "buyer" when its company buys,
    "supplier" for a company that only sells, "operator" for the platform's staff.
    """

    account_id: int
    kind: AccountKind
    language: str
    supplier_id: int | None  # the company's supplier profile (row id), if it sells
    name: str
    token_id: int = 0
    role: Role = "admin"
    company_id: int | None = None
    buys: bool = True
    supplier_ref: str | None = None  # the supplier profile's public id, used in paths

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, account: Account, ttl: timedelta) -> tuple[str, datetime]:
    """A new token for ``account``; returns it (shown only this once) and its expiry."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + ttl
    session.add(ApiToken(account_id=account.id, token_hash=hash_token(token), expires_at=expires))
    session.flush()
    return token, expires


def authenticate(session: Session, token: str | None) -> Principal:
    """The caller behind a bearer token; Unauthorized if missing, unknown, expired or revoked."""
    if not token:
        raise Unauthorized("Send an API token: 'Authorization: Bearer <token>'.")
    row = session.execute(
        select(Account, ApiToken)
        .join(ApiToken, ApiToken.account_id == Account.id)
        .where(ApiToken.token_hash == hash_token(token))
    ).one_or_none()
    if row is None:
        raise Unauthorized("The API token is unknown; sign up again or ask an operator for one.")
    account, api_token = row
    if api_token.revoked_at is not None:
        raise Unauthorized("The API token was revoked; use another token of this account.")
    if not _unexpired(api_token, utcnow()):
        raise Unauthorized(
            "The API token has expired; get a new one with POST /v1/me/tokens before the "
            "next one expires, or ask an operator (`sesame accounts token`)."
        )
    return principal_of(session, account, api_token.id)


def principal_of(session: Session, account: Account, token_id: int) -> Principal:
    """The principal of an account: its role, its company and the company's supplier."""
    company = session.get(Company, account.company_id) if account.company_id else None
    supplier = (
        session.execute(
            select(Supplier.id, Supplier.external_id).where(Supplier.company_id == company.id)
        ).one_or_none()
        if company is not None
        else None
    )
    role: Role = account.role if account.role in ("admin", "staff", "operator") else "staff"  # type: ignore[assignment]
    if role == "operator":
        kind: AccountKind = "operator"
    else:
        kind = "buyer" if company is None or company.buys else "supplier"
    return Principal(
        account.id, kind, account.language, supplier[0] if supplier else None, account.name,
        token_id, role, company.id if company else None, bool(company and company.buys),
        supplier[1] if supplier else None,
    )  # fmt: skip


def token_is_valid(session: Session, token_id: int) -> bool:
    """Whether the token is still neither revoked nor expired (re-checked by open sockets)."""
    api_token = session.get(ApiToken, token_id)
    return (
        api_token is not None and api_token.revoked_at is None and _unexpired(api_token, utcnow())
    )


def revoke_tokens(session: Session, account_id: int, token_id: int | None = None) -> int:
    """Revoke one token of the account (or all of them); returns how many were revoked."""
    query = update(ApiToken).where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        query = query.where(ApiToken.id == token_id)
    result = session.execute(query.values(revoked_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def issue_ticket(session: Session, who: Principal, ttl: timedelta) -> str:
    ticket = TICKET_PREFIX + secrets.token_urlsafe(32)
    session.add(
        WsTicket(ticket_hash=hash_token(ticket), token_id=who.token_id, expires_at=utcnow() + ttl)
    )
    session.flush()
    return ticket


def redeem_ticket(session: Session, ticket: str | None) -> Principal:
    """The principal behind a ticket, marking it used; Unauthorized if it cannot be used."""
    refused = Unauthorized(
        "The WebSocket ticket is missing, unknown, used or expired: get a new one with "
        "POST /v1/ws-tickets and connect with ?ticket=<ticket> within a minute."
    )
    if not ticket:
        raise refused
    now = utcnow()
    claimed = session.execute(
        update(WsTicket)
        .where(
            WsTicket.ticket_hash == hash_token(ticket),
            WsTicket.used_at.is_(None),
            WsTicket.expires_at > now,
        )
        .values(used_at=now)
        .returning(WsTicket.token_id)
    ).scalar_one_or_none()
    if claimed is None:
        raise refused
    api_token = session.get(ApiToken, claimed)
    account = session.get(Account, api_token.account_id) if api_token else None
    if api_token is None or account is None or not token_is_valid(session, claimed):
        raise refused
    return principal_of(session, account, claimed)


def _unexpired(api_token: ApiToken, now: datetime) -> bool:
    expires = api_token.expires_at
    if expires is None:
        return True
    return (expires if expires.tzinfo else expires.replace(tzinfo=now.tzinfo)) > now
