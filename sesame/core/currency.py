"""Approximate conversion to USD, so price filters compare like with like.

Rates are deliberately static (a search filter needs stable, explainable
numbers); a deployment that needs fresher ones replaces this table.
"""

from __future__ import annotations

from sesame.core.errors import InvalidInput

# Units of currency per 1 USD (November 2026, rounded).
USD_RATES: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "CNY": 7.2,
    "INR": 84.0,
    "VND": 25_400.0,
    "BRL": 5.7,
    "MXN": 19.5,
    "TRY": 34.0,
    "IDR": 15_800.0,
    "JPY": 150.0,
    "THB": 35.0,
}


def to_usd(amount: float, currency: str) -> float:
    """Convert ``amount`` in ``currency`` to US dollars (KeyError for unknown codes)."""
    return round(amount / USD_RATES[currency.upper()], 4)


def convert(amount: float, source: str, target: str) -> float:
    """``amount`` in ``source`` expressed in ``target``, through USD (KeyError if unknown)."""
    return round(amount / USD_RATES[source.upper()] * USD_RATES[target.upper()], 4)


def checked_currency(code: str) -> str:
    """``code`` upper-cased, or InvalidInput listing the codes this table knows."""
    if code.upper() not in USD_RATES:
        raise InvalidInput(f"Unknown currency {code!r}; use one of {', '.join(sorted(USD_RATES))}.")
    return code.upper()
