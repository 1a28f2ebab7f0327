"""Check a buyer's filters against the catalog: unknown values are refused, not ignored.

An unknown country or category would silently return nothing; saying so, with
the values that do exist, is more useful to the buyer. Values are matched
case-insensitively and replaced by the catalog's own spelling ("foshan" ->
"Foshan"), and an empty list means "do not filter on this".
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sesame.catalog.columns import known_values
from sesame.core.errors import InvalidInput
from sesame.core.filters import Filters, Op


def checked_filters(session: Session, filters: Filters) -> Filters:
    """``filters`` with keyword values in the catalog's spelling; InvalidInput if unknown."""
    if (
        filters.price_min_usd is not None
        and filters.price_max_usd is not None
        and filters.price_min_usd > filters.price_max_usd
    ):
        raise InvalidInput(
            f"price_min_usd ({filters.price_min_usd}) is above "
            f"price_max_usd ({filters.price_max_usd})."
        )
    update: dict[str, frozenset[str] | None] = {}
    for name, criterion in Filters.criteria().items():
        wanted = getattr(filters, name)
        if criterion.op is not Op.ONE_OF or wanted is None:
            continue
        update[name] = _known(criterion.payload, wanted, known_values(session, criterion.payload))
    return filters.model_copy(update=update)


def _known(field: str, wanted: frozenset[str], existing: list[str]) -> frozenset[str] | None:
    if not wanted:
        return None
    spelled = {value.casefold(): value for value in existing}
    unknown = sorted(value for value in wanted if value.casefold() not in spelled)
    if unknown:
        listed = ", ".join(existing) or "none yet"
        raise InvalidInput(f"Unknown {field} {', '.join(map(repr, unknown))}; known: {listed}.")
    return frozenset(spelled[value.casefold()] for value in wanted)
