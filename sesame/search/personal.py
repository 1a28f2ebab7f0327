"""Personal ranking for a signed-in buyer: what it said it wants and what it did.

Each supplier of a result gets a factor ``1 + min(CAP, sum of its boosts)``:

| signal | boost |
| --- | --- |
| the buyer's company accepted a quote of this supplier | 0.15 |
| the buyer's company talked with it (a conversation with messages) | 0.10 |
| the buyer looked at its products (the last 100 views) | 0.05 |
| in a country of the buyer's preferences | 0.05 |
| verified, and the buyer prefers verified suppliers | 0.05 |
| its best product is priced within the buyer's price band | 0.03 |

``CAP`` is 0.25, so a personal signal reorders matches of similar relevance and
never lifts a weak match over a clearly better one; the best supplier of the
anonymous order stays on the first page whatever the boosts
(``sesame.search.grouping``). Each moved supplier says why (``reasons``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sesame.catalog.models import (
    Conversation,
    Message,
    Preference,
    Product,
    ProductView,
    Quote,
    Rfq,
    Supplier,
)
from sesame.catalog.verification import is_verified

CAP = 0.25
VIEWS_KEPT = 100
BOOSTS = {"accepted": 0.15, "contacted": 0.10, "viewed": 0.05, "country": 0.05,
          "verified": 0.05, "price": 0.03}  # fmt: skip
# What each boost says to the buyer (the API's ``reasons``; apps translate the codes).
REASONS = {
    "accepted": "Your company accepted a quote from it",
    "contacted": "Your company talked with it",
    "viewed": "You looked at its products",
    "country": "In a country you prefer",
    "verified": "Verified, as you prefer",
    "price": "Priced within your band",
}


@dataclass(frozen=True, slots=True)
class Signals:
    accepted: frozenset[int]
    contacted: frozenset[int]
    viewed: frozenset[int]
    countries: frozenset[str]
    verified_only: bool
    price_min_usd: float | None
    price_max_usd: float | None


class PersonalBoost:
    def __init__(self, signals: Signals, sessions: Callable[[], Session]) -> None:
        self.signals = signals
        self._sessions = sessions

    def factors(self, candidates: dict[int, Sequence[int]]) -> dict[int, tuple[float, list[str]]]:
        """Supplier id -> (factor, reason codes: keys of ``REASONS``), for each supplier."""
        s = self.signals
        best = {sid: products[0] for sid, products in candidates.items() if products}
        with self._sessions() as session:
            suppliers = {row.id: row for row in session.execute(
                select(Supplier.id, Supplier.country, Supplier.verified_until)
                .where(Supplier.id.in_(sorted(candidates)))
            )}  # fmt: skip
            prices = {row.id: row for row in session.execute(
                select(Product.id, Product.price_min_usd, Product.price_max_usd)
                .where(Product.id.in_(sorted(best.values())))
            )}  # fmt: skip
        out: dict[int, tuple[float, list[str]]] = {}
        for sid in candidates:
            supplier, price = suppliers.get(sid), prices.get(best.get(sid, -1))
            banded = price is not None and _within(price.price_min_usd, price.price_max_usd, s)
            found = {
                "accepted": sid in s.accepted,
                "contacted": sid in s.contacted,
                "viewed": sid in s.viewed,
                "country": supplier is not None and supplier.country in s.countries,
                "verified": s.verified_only and supplier is not None
                            and is_verified(supplier.verified_until),
                "price": banded,
            }  # fmt: skip
            codes = [name for name, on in found.items() if on]
            out[sid] = (1 + min(CAP, sum(BOOSTS[name] for name in codes)), codes)
        return out


def _within(low: float | None, high: float | None, s: Signals) -> bool:
    if low is None or high is None or (s.price_min_usd is None and s.price_max_usd is None):
        return False
    return (s.price_min_usd is None or high >= s.price_min_usd) and (
        s.price_max_usd is None or low <= s.price_max_usd
    )


def signals_of(session: Session, account_id: int, company_id: int | None) -> Signals:
    """What the buyer said (preferences) and did (talks, accepted quotes, recent views)."""
    pref = session.get(Preference, account_id)
    contacted: set[int] = set()
    accepted: set[int] = set()
    if company_id is not None:
        contacted = set(session.scalars(
            select(Conversation.supplier_id).distinct()
            .join(Message, Message.conversation_id == Conversation.id)
            .where(Conversation.buyer_company_id == company_id)
        ))  # fmt: skip
        accepted = set(session.scalars(
            select(Quote.supplier_id).join(Rfq, Rfq.id == Quote.rfq_id)
            .where(Rfq.buyer_company_id == company_id, Quote.status == "accepted")
        ))  # fmt: skip
    viewed = set(session.scalars(
        select(ProductView.supplier_id).where(ProductView.account_id == account_id)
        .order_by(ProductView.viewed_at.desc()).limit(VIEWS_KEPT)
    ))  # fmt: skip
    return Signals(
        frozenset(accepted), frozenset(contacted), frozenset(viewed),
        frozenset(pref.countries if pref else ()), bool(pref and pref.verified_only),
        pref.price_min_usd if pref else None, pref.price_max_usd if pref else None,
    )  # fmt: skip


def record_view(session: Session, account_id: int, product: Product) -> None:
    """Remember that the account looked at the product; only the latest few are kept."""
    session.add(ProductView(account_id=account_id, supplier_id=product.supplier_id,
                            product_id=product.id))  # fmt: skip
    session.flush()
    stale = (
        select(ProductView.id).where(ProductView.account_id == account_id)
        .order_by(ProductView.viewed_at.desc(), ProductView.id.desc()).offset(VIEWS_KEPT)
    )  # fmt: skip
    old = list(session.scalars(stale))
    if old:
        session.execute(delete(ProductView).where(ProductView.id.in_(old)))
