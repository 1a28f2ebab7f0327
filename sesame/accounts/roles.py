"""Role checks every service shares: what only a company admin, or only a platform
operator, may do (403 with a sentence naming who may)."""

from __future__ import annotations

from sesame.accounts.tokens import Principal
from sesame.core.errors import Forbidden


def require_admin(who: Principal, what: str) -> None:
    if who.role != "admin":
        raise Forbidden(f"Only a company admin can {what}.")


def require_operator(who: Principal, what: str) -> None:
    if not who.is_operator:
        raise Forbidden(f"Only platform operators can {what}.")


def require_buyer(who: Principal, what: str) -> int:
    """The caller's company id, if that company buys; 403 otherwise."""
    if who.company_id is None or not who.buys or who.is_operator:
        raise Forbidden(f"Only members of a company that buys can {what}.")
    return who.company_id


def require_seller(who: Principal, what: str) -> int:
    """The caller's supplier id, if the company sells; 403 otherwise."""
    if who.supplier_id is None or who.is_operator:
        raise Forbidden(
            f"Only members of a company that sells can {what}; an admin opens its supplier "
            "profile with POST /v1/suppliers."
        )
    return who.supplier_id
