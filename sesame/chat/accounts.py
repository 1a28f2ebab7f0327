"""Buyer and supplier-staff accounts: sign-up, sign-in by token, tickets, revocation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.catalog import repository as repo
from sesame.catalog.db import session_scope
from sesame.catalog.models import Account
from sesame.chat import tokens
from sesame.chat.tokens import AccountKind, Principal
from sesame.core.errors import InvalidInput, NotFound

__all__ = ["AccountKind", "Accounts", "Principal", "create_account"]
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DEFAULT_TOKEN_TTL = timedelta(days=30)


def create_account(
    session: Session,
    *,
    kind: AccountKind,
    name: str,
    language: str,
    supported_languages: set[str],
    email: str | None = None,
    supplier_external_id: str | None = None,
    token_ttl: timedelta = DEFAULT_TOKEN_TTL,
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
    token, _expires = tokens.issue_token(session, account, token_ttl)
    return account, token


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


class Accounts:
    """Sign-up, authentication, tokens and tickets over the database (framework-free)."""

    def __init__(
        self,
        *,
        sessions: Callable[[], Session],
        languages: set[str],
        token_ttl: timedelta = DEFAULT_TOKEN_TTL,
        ticket_ttl: timedelta = timedelta(seconds=60),
    ) -> None:
        self._sessions = sessions
        self._languages = languages
        self.token_ttl = token_ttl
        self.ticket_ttl = ticket_ttl

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
        with session_scope(self._sessions) as session:
            return create_account(
                session, kind=kind, name=name, language=language, email=email,
                supplier_external_id=supplier, supported_languages=self._languages,
                token_ttl=self.token_ttl,
            )  # fmt: skip

    def authenticate(self, token: str | None) -> Principal:
        with self._sessions() as session:
            return tokens.authenticate(session, token)

    def new_token(self, account_id: int) -> tuple[str, datetime]:
        """Another token for the account (a signed-in client renewing before expiry)."""
        with session_scope(self._sessions) as session:
            account = session.get(Account, account_id)
            if account is None:
                raise NotFound(f"No account {account_id}.")
            return tokens.issue_token(session, account, self.token_ttl)

    def revoke(self, account_id: int, token_id: int | None = None) -> int:
        """Revoke one token (or, with None, every token) of the account."""
        with session_scope(self._sessions) as session:
            if session.get(Account, account_id) is None:
                raise NotFound(f"No account {account_id}.")
            return tokens.revoke_tokens(session, account_id, token_id)

    def ticket(self, who: Principal) -> str:
        with session_scope(self._sessions) as session:
            return tokens.issue_ticket(session, who, self.ticket_ttl)

    def redeem(self, ticket: str | None) -> Principal:
        with session_scope(self._sessions) as session:
            return tokens.redeem_ticket(session, ticket)

    def token_is_valid(self, token_id: int) -> bool:
        with self._sessions() as session:
            return tokens.token_is_valid(session, token_id)
