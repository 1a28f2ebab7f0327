"""Quotes: a matched supplier answers an RFQ; the buyer compares them side by side in one
currency and accepts one, which closes the RFQ and tells the others.

A quote opens (or joins) the conversation between the two companies, and its
message is posted there, so the talk goes on in each side's language. Suppliers
never see each other's quotes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sesame.accounts.roles import require_seller
from sesame.accounts.tokens import Principal
from sesame.catalog.db import session_scope
from sesame.catalog.models import Quote, Rfq, RfqMatch, Supplier, utcnow
from sesame.core.currency import checked_currency, convert, to_usd
from sesame.core.errors import Conflict, InvalidInput, NotFound
from sesame.trade.rfqs import RfqBoard, state_of
from sesame.trade.texts import FreeTexts, Shown
from sesame.translation.detect import LanguageDetector

INCOTERMS = frozenset({"EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"})
NOT_SELECTED = (
    "Thank you for your quote. This request for quotation was awarded to another supplier."
)


class Talk(Protocol):
    """What quotes need of conversations (the chat service provides it)."""

    def open_between(
        self, *, buyer_company_id: int, buyer_account_id: int, supplier_id: int
    ) -> int: ...

    def post(
        self, who: Principal, conversation_id: int, text: str, *, client_id: str | None = None
    ) -> object: ...


@dataclass
class QuoteDraft:
    unit_price: float
    currency: str
    moq: int
    lead_time_days: int
    incoterm: str
    valid_until: datetime
    message: str = ""


@dataclass(frozen=True, slots=True)
class QuoteView:
    quote: Quote
    supplier: Supplier
    message: Shown
    unit_price_converted: float  # in the view's currency


@dataclass(frozen=True, slots=True)
class RfqView:
    rfq: Rfq
    state: str
    side: str  # "buyer" or "supplier"
    text: Shown
    currency: str
    quotes: list[QuoteView]
    matched: list[tuple[Supplier, float]]  # the buyer's view only


class QuoteDesk:
    def __init__(
        self, *, sessions: Callable[[], Session], board: RfqBoard, talk: Talk, texts: FreeTexts,
        detector: Callable[[], LanguageDetector],
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._board = board
        self._talk = talk
        self._texts = texts
        self._detector = detector

    def submit(self, who: Principal, rfq_id: int, draft: QuoteDraft) -> tuple[Quote, object]:
        """Store the quote, then post its message in the companies' conversation."""
        supplier = require_seller(who, "quote")
        _check(draft)
        message = draft.message.strip()
        language = self._detector().detect(message, fallback=who.language) if message else None
        with session_scope(self._sessions) as session:
            rfq, side = self._board.rfq_for(session, who, rfq_id)
            if side != "supplier":
                raise InvalidInput("A company does not quote on its own request for quotation.")
            if (state := state_of(rfq)) != "open":
                raise Conflict(f"This request for quotation is {state}; it takes no more quotes.")
            quote = Quote(
                rfq_id=rfq.id, supplier_id=supplier, author_id=who.account_id,
                unit_price=draft.unit_price, currency=draft.currency,
                unit_price_usd=to_usd(draft.unit_price, draft.currency), moq=draft.moq,
                lead_time_days=draft.lead_time_days, incoterm=draft.incoterm,
                valid_until=draft.valid_until, message=message,
                language=language or who.language,
            )  # fmt: skip
            session.add(quote)
            try:
                session.flush()
            except IntegrityError as exc:
                raise Conflict("Your company has quoted on this request already.") from exc
            buyer_company, buyer_account = rfq.buyer_company_id, rfq.author_id
        conversation = self._talk.open_between(
            buyer_company_id=buyer_company, buyer_account_id=buyer_account or who.account_id,
            supplier_id=supplier,
        )  # fmt: skip
        text = message or f"We sent a quote for your request for quotation {rfq_id}."
        posted = self._talk.post(who, conversation, text, client_id=f"quote-{quote.id}")
        with session_scope(self._sessions) as session:
            row = session.get(Quote, quote.id)
            if row is not None:
                row.conversation_id = conversation
                quote = row
        return quote, posted

    def view(self, who: Principal, rfq_id: int, *, language: str | None,
             currency: str | None) -> RfqView:  # fmt: skip
        """The RFQ for one of its two sides, every text in the reader's language."""
        reader = language or who.language
        with self._sessions() as session:
            rfq, side = self._board.rfq_for(session, who, rfq_id)
            shown_in = checked_currency((currency or rfq.currency).upper())
            query = select(Quote, Supplier).join(Supplier, Supplier.id == Quote.supplier_id)
            query = query.where(Quote.rfq_id == rfq.id).order_by(Quote.unit_price_usd, Quote.id)
            if side == "supplier":  # a supplier sees its own quote only
                query = query.where(Quote.supplier_id == who.supplier_id)
            rows = session.execute(query).all()
            matched: list[tuple[Supplier, float]] = []
            if side == "buyer":
                for supplier, score in session.execute(
                    select(Supplier, RfqMatch.score)
                    .join(RfqMatch, RfqMatch.supplier_id == Supplier.id)
                    .where(RfqMatch.rfq_id == rfq.id)
                    .order_by(RfqMatch.rank)
                ):
                    matched.append((supplier, score))
        shown = self._texts.show([(rfq.text, rfq.language)]
                                 + [(q.message, q.language) for q, _ in rows], reader)  # fmt: skip
        quotes = [
            QuoteView(q, s, shown[i + 1], convert(q.unit_price, q.currency, shown_in))
            for i, (q, s) in enumerate(rows)
        ]
        return RfqView(rfq, state_of(rfq), side, shown[0], shown_in, quotes, matched)

    def inbox(self, who: Principal, *, language: str | None, limit: int,
              offset: int) -> list[tuple[Rfq, Shown, Quote | None]]:  # fmt: skip
        """The supplier's inbox, each request in the reader's language."""
        rows = self._board.inbox(who, limit=limit, offset=offset)
        shown = self._texts.show([(rfq.text, rfq.language) for rfq, _ in rows],
                                 language or who.language)  # fmt: skip
        return [(rfq, text, quote) for (rfq, quote), text in zip(rows, shown, strict=True)]

    def mine(self, who: Principal, *, language: str | None, limit: int,
             offset: int) -> list[tuple[Rfq, Shown, int]]:  # fmt: skip
        """The buyer's own requests, each in the reader's language, with its quote count."""
        rows = self._board.mine(who, limit=limit, offset=offset)
        shown = self._texts.show([(rfq.text, rfq.language) for rfq, _ in rows],
                                 language or who.language)  # fmt: skip
        return [(rfq, text, count) for (rfq, count), text in zip(rows, shown, strict=True)]

    def accept(self, who: Principal, rfq_id: int, quote_id: int) -> tuple[RfqView, list[object]]:
        """Award the RFQ to one quote: it closes, and every other quoting supplier is told."""
        with session_scope(self._sessions) as session:
            rfq, side = self._board.rfq_for(session, who, rfq_id)
            quote = session.get(Quote, quote_id)
            if side != "buyer" or quote is None or quote.rfq_id != rfq.id:
                raise NotFound(f"No quote {quote_id} on request for quotation {rfq_id}.")
            if (state := state_of(rfq)) != "open":
                raise Conflict(f"This request for quotation is {state} already.")
            rfq.status, rfq.accepted_quote_id, rfq.closed_at = "awarded", quote.id, utcnow()
            quote.status = "accepted"
            others = list(session.scalars(
                select(Quote).where(Quote.rfq_id == rfq.id, Quote.id != quote.id)
            ))  # fmt: skip
            for other in others:
                other.status = "not_selected"
            told = [o.conversation_id for o in others if o.conversation_id is not None]
        posted = [
            self._talk.post(who, conversation, NOT_SELECTED, client_id=f"rfq-{rfq_id}-closed")
            for conversation in told
        ]
        return self.view(who, rfq_id, language=None, currency=None), posted


def _check(draft: QuoteDraft) -> None:
    currency = checked_currency(draft.currency)
    if draft.incoterm.upper() not in INCOTERMS:
        raise InvalidInput(f"Unknown incoterm {draft.incoterm!r}; use one of "
                           f"{', '.join(sorted(INCOTERMS))}.")  # fmt: skip
    if draft.valid_until <= utcnow():
        raise InvalidInput("valid_until is in the past; a quote must still hold.")
    draft.currency, draft.incoterm = currency, draft.incoterm.upper()
