"""Buyer and supplier-staff accounts: sign-up, sign-in by token, tickets, revocation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sesame.accounts import tokens
from sesame.accounts.tokens import AccountKind, Principal, Role
from sesame.catalog import repository as repo
from sesame.catalog.audit import record_audit
from sesame.catalog.db import session_scope
from sesame.catalog.models import Account, Company
from sesame.core.errors import Forbidden, InvalidInput, NotFound

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
    company_name: str | None = None,
) -> tuple[Account, str]:
    """Create an account and its first token; returns both (the token only this once).

    A buyer signs up with a company of its own, of which it is the admin; supplier
    staff join the company behind that supplier; an operator belongs to no company.
    """
    language, name = _checked(session, name, language, email, supported_languages)
    company_id: int | None
    match kind:
        case "buyer":
            if supplier_external_id is not None:
                raise InvalidInput("A buyer account does not belong to a supplier.")
            company = Company(name=(company_name or name).strip(), buys=True, sells=False)
            session.add(company)
            session.flush()
            company_id, role = company.id, "admin"
        case "supplier":
            company_id, role = _supplier_company(session, supplier_external_id), "staff"
        case _:
            company_id, role = None, "operator"
    account = Account(name=name, email=email, language=language, company_id=company_id, role=role)
    session.add(account)
    session.flush()
    token, _expires = tokens.issue_token(session, account, token_ttl)
    return account, token


def _checked(
    session: Session, name: str, language: str, email: str | None, supported: set[str]
) -> tuple[str, str]:
    language = language.strip().lower()
    if language not in supported:
        known = ", ".join(sorted(supported))
        raise InvalidInput(f"Unsupported language {language!r}; this deployment supports {known}.")
    if not name.strip():
        raise InvalidInput("The account name is empty.")
    if email is not None and not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an e-mail address.")
    if email is not None and session.scalar(select(Account.id).where(Account.email == email)):
        raise InvalidInput(f"An account with e-mail {email!r} already exists.")
    return language, name.strip()


def _supplier_company(session: Session, external_id: str | None) -> int:
    """The company behind a supplier (made now for a supplier imported without one)."""
    if external_id is None:
        raise InvalidInput("A supplier staff account needs the supplier's id.")
    supplier = repo.supplier_by_external_id(session, external_id)
    if supplier is None:
        raise NotFound(f"No supplier with id {external_id!r}.")
    if supplier.company_id is None:
        company = Company(name=supplier.name, buys=False, sells=True)
        session.add(company)
        session.flush()
        supplier.company_id = company.id
    return supplier.company_id


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
        company_name: str | None = None,
    ) -> tuple[Principal, str]:
        """Create and commit an account; returns who it is and its token (shown only once)."""
        with session_scope(self._sessions) as session:
            account, token = create_account(
                session, kind=kind, name=name, language=language, email=email,
                supplier_external_id=supplier, supported_languages=self._languages,
                token_ttl=self.token_ttl, company_name=company_name,
            )  # fmt: skip
            return tokens.principal_of(session, account, 0), token

    def add_member(
        self, admin: Principal, *, name: str, language: str, email: str | None, role: Role
    ) -> tuple[Principal, str]:
        """A new member of the admin's company; returns who it is and its token (shown once)."""
        if admin.role != "admin" or admin.company_id is None:
            raise Forbidden("Only a company admin invites members.")
        if role not in ("admin", "staff"):
            raise InvalidInput("A member's role is admin or staff.")
        with session_scope(self._sessions) as session:
            language, name = _checked(session, name, language, email, self._languages)
            account = Account(name=name, email=email, language=language,
                              company_id=admin.company_id, role=role)  # fmt: skip
            session.add(account)
            session.flush()
            token, _expires = tokens.issue_token(session, account, self.token_ttl)
            return tokens.principal_of(session, account, 0), token

    def members(self, who: Principal) -> tuple[Company, list[Account]]:
        """The caller's company and its members."""
        if who.company_id is None:
            raise NotFound("Operators belong to no company.")
        with self._sessions() as session:
            company = session.get(Company, who.company_id)
            if company is None:
                raise NotFound("The company of this account no longer exists.")
            people = session.scalars(
                select(Account).where(Account.company_id == company.id).order_by(Account.id)
            )
            return company, list(people)

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

    def audit_shell(self, action: str, account_id: int, details: dict[str, object]) -> None:
        """Keep an operator's CLI action on accounts in the audit trail."""
        with session_scope(self._sessions) as session:
            record_audit(session, actor_id=None, action=action, target=f"account:{account_id}",
                         details={"via": "cli", **details})  # fmt: skip

    def token_is_valid(self, token_id: int) -> bool:
        with self._sessions() as session:
            return tokens.token_is_valid(session, token_id)
