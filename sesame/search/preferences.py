"""What a signed-in buyer says it wants (personal ranking), stored per account."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from sesame.catalog.db import session_scope
from sesame.catalog.models import Preference, utcnow
from sesame.core.errors import Forbidden, InvalidInput


@dataclass(frozen=True, slots=True)
class Wanted:
    countries: Sequence[str] = ()
    verified_only: bool = False
    price_min_usd: float | None = None
    price_max_usd: float | None = None


class Preferences:
    def __init__(self, *, sessions: Callable[[], Session]) -> None:
        self._sessions = sessions

    def get(self, account_id: int) -> Wanted:
        with self._sessions() as session:
            row = session.get(Preference, account_id)
        if row is None:
            return Wanted()
        return Wanted(row.countries, row.verified_only, row.price_min_usd, row.price_max_usd)

    def put(self, account_id: int, wanted: Wanted, *, is_operator: bool = False) -> Wanted:
        if is_operator:
            raise Forbidden("Operators do not buy; preferences are for buyers.")
        low, high = wanted.price_min_usd, wanted.price_max_usd
        if low is not None and high is not None and low > high:
            raise InvalidInput(f"price_min_usd ({low}) is above price_max_usd ({high}).")
        with session_scope(self._sessions) as session:
            session.merge(Preference(
                account_id=account_id, countries=sorted({c.upper() for c in wanted.countries}),
                verified_only=wanted.verified_only, price_min_usd=low, price_max_usd=high,
                updated_at=utcnow(),
            ))  # fmt: skip
        return self.get(account_id)
