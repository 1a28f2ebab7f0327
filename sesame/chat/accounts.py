"""Buyer and supplier-staff accounts, and bearer-token authentication.

Tokens are 256-bit random strings shown once at creation; the database keeps
only their SHA-256, so a leaked database does not leak usable tokens.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.models import Account, ApiToken, utcnow
from sesame.core.errors import InvalidInput, NotFound, Unauthorized

AccountKind = Literal["buyer", "supplier"]
TOKEN_PREFIX = "ses_"  # noqa: S105 - a prefix, not a secret
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the account and, for supplier staff, their supplier."""

    account_id: int
    kind: AccountKind
    language: str
    supplier_id: int | None
    name: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(
    session: Session,
    *,
    kind: AccountKind,
    name: str,
    language: str,
    supported_languages: set[str],
    email: str | None = None,
    supplier_external_id: str | None = None,
) -> tuple[Account, str]:
    """Create an account and its first token; returns both (the token only this once)."""
    language = language.strip().lower()
    if language not in supported_languages:
        known = ", ".join(sorted(supported_languages))
        raise InvalidInput(f"Unsupported language {language!r}; this deployment supports {known}.")
    if not name.strip():
        raise InvalidInput("The account name is empty.")
    if email is not None and not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an e-mail address.")
    if email is not None and session.scalar(select(Account.id).where(Account.email == email)):
        raise InvalidInput(f"An account with e-mail {email!r} already exists.")
    supplier_id = _supplier_for(session, kind, supplier_external_id)
    account = Account(
        kind=kind, name=name.strip(), email=email, language=language, supplier_id=supplier_id
    )
    session.add(account)
    session.flush()
    return account, issue_token(session, account)


def _supplier_for(session: Session, kind: AccountKind, external_id: str | None) -> int | None:
    if kind == "buyer":
        if external_id is not None:
            raise InvalidInput("A buyer account does not belong to a supplier.")
        return None
    if external_id is None:
        raise InvalidInput("A supplier staff account needs the supplier's id.")
    supplier = repo.supplier_by_external_id(session, external_id)
    if supplier is None:
        raise NotFound(f"No supplier with id {external_id!r}.")
    return supplier.id


def issue_token(session: Session, account: Account) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(account_id=account.id, token_hash=hash_token(token)))
    session.flush()
    return token


def revoke_tokens(session: Session, account_id: int) -> int:
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = utcnow()
    return len(tokens)


def authenticate(session: Session, token: str | None) -> Principal:
    """The caller behind a bearer token; Unauthorized if it is missing, unknown or revoked."""
    if not token:
        raise Unauthorized("Send an API token: 'Authorization: Bearer <token>'.")
    row = session.execute(
        select(Account)
        .join(ApiToken, ApiToken.account_id == Account.id)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        raise Unauthorized("The API token is unknown or revoked.")
    kind: AccountKind = "supplier" if row.kind == "supplier" else "buyer"
    return Principal(row.id, kind, row.language, row.supplier_id, row.name)


class Accounts:
    """Sign-up and authentication over the database (framework-free)."""

    def __init__(self, *, sessions: Callable[[], Session], languages: set[str]) -> None:
        self._sessions = sessions
        self._languages = languages

    def create(
        self,
        *,
        kind: AccountKind,
        name: str,
        language: str,
        email: str | None = None,
        supplier: str | None = None,
    ) -> tuple[Account, str]:
        """Create and commit an account; returns it and its token (shown only this once)."""
        with self._sessions() as session:
            account, token = create_account(
                session,
                kind=kind,
                name=name,
                language=language,
                email=email,
                supplier_external_id=supplier,
                supported_languages=self._languages,
            )
            session.commit()
        return account, token

    def authenticate(self, token: str | None) -> Principal:
        with self._sessions() as session:
            return authenticate(session, token)
