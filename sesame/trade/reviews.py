"""Reviews: a buyer company reviews a supplier once it really dealt with it, the supplier
replies once in public, operators hide abuse; the rating stays exact.

"Dealt with" means a conversation in which the supplier replied, or a quote of
that supplier the buyer accepted. Every write locks the supplier's row and
recomputes rating and review count from the visible reviews in the same
transaction, so parallel writers never lose one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sesame.accounts.roles import require_buyer, require_operator
from sesame.accounts.tokens import Principal
from sesame.catalog import repository as repo
from sesame.catalog.audit import record_audit
from sesame.catalog.db import session_scope
from sesame.catalog.models import Conversation, Message, Quote, Review, Rfq, Supplier, utcnow
from sesame.catalog.ratings import lock_supplier, refresh_rating
from sesame.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from sesame.trade.texts import FreeTexts, Shown
from sesame.translation.detect import LanguageDetector

MAX_TEXT = 5000


@dataclass(frozen=True, slots=True)
class ReviewView:
    review: Review
    text: Shown
    reply: Shown | None


class Reviews:
    def __init__(
        self, *, sessions: Callable[[], Session], detector: Callable[[], LanguageDetector],
        texts: FreeTexts,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._detector = detector
        self._texts = texts

    def write(self, who: Principal, supplier_id: str, *, rating: int, text: str) -> Review:
        company = require_buyer(who, "review suppliers")
        text = _checked(rating, text)
        with session_scope(self._sessions) as session:
            supplier = _supplier(session, supplier_id)
            if supplier.company_id == company:
                raise InvalidInput("A company does not review its own supplier profile.")
            if not dealt_with(session, company, supplier.id):
                raise Forbidden(
                    "Review a supplier after a real interaction: a conversation in which it "
                    "replied, or a quote of it that your company accepted."
                )
            lock_supplier(session, supplier.id)
            if (existing := _of_company(session, company, supplier.id)) is not None:
                raise Conflict(
                    f"Your company has reviewed this supplier already (review {existing.id}); "
                    f"change it with PATCH /v1/reviews/{existing.id}."
                )
            review = Review(
                supplier_id=supplier.id, buyer_company_id=company, author_id=who.account_id,
                rating=rating, text=text, language=self._language(text, who),
            )  # fmt: skip
            session.add(review)
            try:
                refresh_rating(session, supplier)
            except IntegrityError as exc:  # the same company's review raced in
                raise Conflict("Your company has reviewed this supplier already.") from exc
            return review

    def edit(self, who: Principal, review_id: int, *, rating: int | None,
             text: str | None) -> Review:  # fmt: skip
        with session_scope(self._sessions) as session:
            review = self._own(session, who, review_id)
            supplier = lock_supplier(session, review.supplier_id)
            new_text = _checked(rating or review.rating, review.text if text is None else text)
            if rating is not None:
                review.rating = rating
            if text is not None:
                review.text, review.language = new_text, self._language(new_text, who)
            review.updated_at = utcnow()
            refresh_rating(session, supplier)
            return review

    def reply(self, who: Principal, review_id: int, text: str) -> Review:
        """The supplier's one public reply."""
        text = text.strip()
        if not text or len(text) > MAX_TEXT:
            raise InvalidInput(f"A reply has 1 to {MAX_TEXT} characters.")
        with session_scope(self._sessions) as session:
            review = session.get(Review, review_id)
            if (
                review is None
                or review.hidden_at is not None
                or (who.supplier_id != review.supplier_id)
            ):
                raise NotFound(f"No review {review_id}.")
            if review.reply_text is not None:
                raise Conflict("This review has its reply already; a review gets one reply.")
            review.reply_text, review.replied_at = text, utcnow()
            review.reply_language = self._language(text, who)
            return review

    def hide(self, who: Principal, review_id: int, reason: str) -> Review:
        require_operator(who, "hide reviews")
        with session_scope(self._sessions) as session:
            review = session.get(Review, review_id)
            if review is None:
                raise NotFound(f"No review {review_id}.")
            supplier = lock_supplier(session, review.supplier_id)
            if review.hidden_at is None:
                review.hidden_at, review.hidden_reason = utcnow(), reason
                refresh_rating(session, supplier)
                record_audit(session, actor_id=who.account_id, action="review.hide",
                             target=f"review:{review.id}", details={"reason": reason})  # fmt: skip
            return review

    def listing(self, supplier_id: str, *, language: str | None, limit: int,
                offset: int) -> list[ReviewView]:  # fmt: skip
        """Visible reviews, newest first, each with its reply, for a reader of ``language``."""
        with self._sessions() as session:
            supplier = _supplier(session, supplier_id)
            rows = list(
                session.scalars(
                    select(Review)
                    .where(Review.supplier_id == supplier.id, Review.hidden_at.is_(None))
                    .order_by(Review.created_at.desc(), Review.id.desc())
                    .limit(limit)
                    .offset(offset)
                )
            )
        return self.views(rows, language)

    def views(self, rows: list[Review], language: str | None) -> list[ReviewView]:
        texts = [(r.text, r.language) for r in rows]
        replies = [(r.reply_text or "", r.reply_language or r.language) for r in rows]
        if language is None:
            return [ReviewView(r, _as_is(*t), _as_is(*p) if r.reply_text else None)
                    for r, t, p in zip(rows, texts, replies, strict=True)]  # fmt: skip
        shown = self._texts.show(texts + replies, language)
        return [
            ReviewView(r, shown[i], shown[len(rows) + i] if r.reply_text else None)
            for i, r in enumerate(rows)
        ]

    def _own(self, session: Session, who: Principal, review_id: int) -> Review:
        review = session.get(Review, review_id)
        if review is None or review.buyer_company_id != who.company_id:
            raise NotFound(f"No review {review_id}.")
        return review

    def _language(self, text: str, who: Principal) -> str:
        return self._detector().detect(text, fallback=who.language) if text else who.language


def dealt_with(session: Session, company_id: int, supplier_id: int) -> bool:
    """A conversation in which the supplier replied, or an accepted quote of it."""
    replied = session.scalar(
        select(Message.id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.buyer_company_id == company_id, Conversation.supplier_id == supplier_id)
        .where(Message.sender_side == "supplier")
        .limit(1)
    )
    if replied is not None:
        return True
    accepted = session.scalar(
        select(Quote.id)
        .join(Rfq, Rfq.id == Quote.rfq_id)
        .where(Rfq.buyer_company_id == company_id, Quote.supplier_id == supplier_id)
        .where(Quote.status == "accepted")
        .limit(1)
    )
    return accepted is not None


def _supplier(session: Session, supplier_id: str) -> Supplier:
    supplier = repo.supplier_by_external_id(session, supplier_id)
    if supplier is None:
        raise NotFound(f"No supplier with id {supplier_id!r}.")
    return supplier


def _of_company(session: Session, company_id: int, supplier_id: int) -> Review | None:
    return session.scalar(
        select(Review).where(
            Review.buyer_company_id == company_id, Review.supplier_id == supplier_id
        )
    )


def _checked(rating: int, text: str) -> str:
    if not 1 <= rating <= 5:
        raise InvalidInput("rating is a whole number from 1 to 5.")
    text = text.strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"A review has at most {MAX_TEXT} characters; this one has {len(text)}.")
    return text


def _as_is(text: str, language: str) -> Shown:
    return Shown(text, language, text, language, translated=False)
