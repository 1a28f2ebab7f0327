"""Requests for quotation: a buyer posts what it needs (text in its own language and/or
a photo); the catalogs are searched with the same machinery as buyers' searches and
the best-matching suppliers see it in their inbox, in their own language.

An open RFQ past its deadline reads as ``expired`` everywhere, with no job run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PIL import Image
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from sesame.accounts.roles import require_buyer, require_seller
from sesame.accounts.tokens import Principal
from sesame.catalog.db import session_scope
from sesame.catalog.models import Quote, Rfq, RfqMatch, utcnow
from sesame.core.currency import checked_currency
from sesame.core.errors import InvalidInput, NotFound, RateLimited
from sesame.media.images import SUFFIXES, ImageLimits, check_photo, image_format
from sesame.media.store import MediaStore
from sesame.translation.detect import LanguageDetector


@dataclass(frozen=True, slots=True)
class RfqQuery:
    """What the matcher searches for: the request's text and/or photo, and its filters."""

    text: str
    language: str
    image: Image.Image | None
    countries: list[str]
    verified_only: bool
    limit: int


Matcher = Callable[[RfqQuery], list[tuple[int, float]]]  # -> (supplier row id, score), best first


@dataclass(frozen=True, slots=True)
class RfqLimits:
    max_open: int = 20
    per_day: int = 10
    matches: int = 20
    max_days: int = 180


@dataclass
class RfqDraft:
    text: str
    quantity: int
    unit: str
    target_price: float | None
    currency: str
    destination_country: str
    deadline: datetime
    countries: list[str] = field(default_factory=list)
    verified_only: bool = False


def state_of(rfq: Rfq, now: datetime | None = None) -> str:
    """open, awarded, cancelled, or expired (an open one past its deadline)."""
    deadline = rfq.deadline if rfq.deadline.tzinfo else rfq.deadline.replace(tzinfo=utcnow().tzinfo)
    if rfq.status == "open" and deadline <= (now or utcnow()):
        return "expired"
    return rfq.status


class RfqBoard:
    def __init__(
        self, *, sessions: Callable[[], Session], matcher: Matcher, media: MediaStore,
        detector: Callable[[], LanguageDetector], images: ImageLimits, limits: RfqLimits,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._matcher = matcher
        self._media = media
        self._detector = detector
        self._images = images
        self.limits = limits

    def post(self, who: Principal, draft: RfqDraft, photo: bytes | None = None) -> Rfq:
        company = require_buyer(who, "post requests for quotation")
        text = draft.text.strip()
        checked_currency(draft.currency)  # the schema already asks for upper case
        if not text and photo is None:
            raise InvalidInput("Say what you need: a text, a photo, or both.")
        if not utcnow() < draft.deadline <= utcnow() + timedelta(days=self.limits.max_days):
            raise InvalidInput(
                f"deadline must be in the future and within {self.limits.max_days} days."
            )
        with self._sessions() as session:
            self._check_limits(session, company)
        picture = check_photo(photo, self._images) if photo is not None else None
        language = self._detector().detect(text, fallback=who.language) if text else who.language
        query = RfqQuery(text, language, picture.image if picture else None,
                         draft.countries, draft.verified_only, self.limits.matches + 1)  # fmt: skip
        found = [(sid, score) for sid, score in self._matcher(query) if sid != who.supplier_id]
        path = None
        if photo is not None:
            path = self._media.put(photo, SUFFIXES.get(image_format(photo) or "JPEG", ".jpg"))
        with session_scope(self._sessions) as session:
            rfq = Rfq(
                buyer_company_id=company, author_id=who.account_id, text=text, language=language,
                image_path=path, quantity=draft.quantity, unit=draft.unit,
                target_price=draft.target_price, currency=draft.currency,
                destination_country=draft.destination_country, deadline=draft.deadline,
                countries=draft.countries, verified_only=draft.verified_only,
                match_note=None if found else "No supplier matched yet.",
            )  # fmt: skip
            session.add(rfq)
            session.flush()
            top = found[: self.limits.matches]
            session.add_all(RfqMatch(rfq_id=rfq.id, supplier_id=sid, rank=rank, score=score)
                            for rank, (sid, score) in enumerate(top, start=1))  # fmt: skip
            return rfq

    def _check_limits(self, session: Session, company: int) -> None:
        now, mine = utcnow(), Rfq.buyer_company_id == company
        count = select(func.count(Rfq.id)).where(mine)
        open_now = session.scalar(count.where(Rfq.status == "open", Rfq.deadline > now)) or 0
        today = session.scalar(count.where(Rfq.created_at > now - timedelta(days=1))) or 0
        if open_now >= self.limits.max_open:
            raise RateLimited(
                f"Your company has {open_now} open requests for quotation, the most allowed; "
                "accept a quote or wait for one to close before posting another.",
                retry_after=3600,
            )
        if today >= self.limits.per_day:
            raise RateLimited(
                f"Your company posted {today} requests for quotation in the last 24 hours, the "
                "most allowed per day; post again tomorrow.",
                retry_after=3600,
            )

    def rfq_for(self, session: Session, who: Principal, rfq_id: int) -> tuple[Rfq, str]:
        """The RFQ and the caller's side: "buyer" (its company's) or "supplier" (matched)."""
        rfq = session.get(Rfq, rfq_id)
        if rfq is not None and who.company_id is not None:
            if rfq.buyer_company_id == who.company_id:
                return rfq, "buyer"
            if who.supplier_id is not None:
                match = session.get(RfqMatch, (rfq.id, who.supplier_id))
                if match is not None:
                    return rfq, "supplier"
        raise NotFound(f"No request for quotation {rfq_id}.")  # the same for someone else's

    def inbox(self, who: Principal, *, limit: int, offset: int) -> list[tuple[Rfq, Quote | None]]:
        """RFQs matched to the caller's supplier, open ones first, newest first; with its quote."""
        supplier = require_seller(who, "read the RFQ inbox")
        now = utcnow()
        is_open = case((Rfq.status == "open", case((Rfq.deadline > now, 0), else_=1)), else_=1)
        with self._sessions() as session:
            rows = session.execute(
                select(Rfq, Quote)
                .join(RfqMatch, RfqMatch.rfq_id == Rfq.id)
                .outerjoin(Quote, (Quote.rfq_id == Rfq.id) & (Quote.supplier_id == supplier))
                .where(RfqMatch.supplier_id == supplier)
                .order_by(is_open, Rfq.created_at.desc(), Rfq.id.desc())
                .limit(limit)
                .offset(offset)
            ).all()
            return [(rfq, quote) for rfq, quote in rows]

    def mine(self, who: Principal, *, limit: int, offset: int) -> list[tuple[Rfq, int]]:
        """The caller's company's RFQs, newest first, each with its number of quotes."""
        company = require_buyer(who, "list requests for quotation")
        quotes = select(func.count(Quote.id)).where(Quote.rfq_id == Rfq.id).scalar_subquery()
        with self._sessions() as session:
            rows = session.execute(
                select(Rfq, quotes)
                .where(Rfq.buyer_company_id == company)
                .order_by(Rfq.created_at.desc(), Rfq.id.desc())
                .limit(limit)
                .offset(offset)
            ).all()
            return [(rfq, int(count)) for rfq, count in rows]
