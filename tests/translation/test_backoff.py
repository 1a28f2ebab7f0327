"""A translation that failed is retried with back-off, not on every read.

The translator is a stand-in whose model fails (the seam); the database and the
message translations service are real.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from sesame.catalog.db import make_engine, make_session_factory, migrate
from sesame.catalog.models import Account, Company, Conversation, Message, Supplier
from sesame.chat.translating import Backoff, MessageTranslations
from sesame.translation.base import TranslationUnavailable, UnavailableReason


class FailingModel:
    def __init__(self) -> None:
        self.calls = 0

    def translate(self, text: str, source: str, target: str) -> str:
        self.calls += 1
        raise TranslationUnavailable(
            "The es->zh model failed: out of memory",
            reason=UnavailableReason.MODEL_FAILED, source=source, target=target,
        )  # fmt: skip

    def can_translate(self, source: str, target: str) -> bool:
        return True


def stored_message(factory: sessionmaker[Session]) -> Message:
    with factory() as session:
        supplier = Supplier(external_id="s", name="S", country="CN", city="", languages=[],
                            content_hash="x")  # fmt: skip
        company = Company(name="Ana Co", buys=True, sells=False)
        session.add(company)
        session.flush()
        buyer = Account(name="Ana", language="es", company_id=company.id, role="admin")
        session.add_all([supplier, buyer])
        session.flush()
        conversation = Conversation(
            buyer_id=buyer.id, buyer_company_id=company.id, supplier_id=supplier.id
        )
        session.add(conversation)
        session.flush()
        message = Message(conversation_id=conversation.id, sender_id=buyer.id,
                          sender_side="buyer", text="Hola", language="es")  # fmt: skip
        session.add(message)
        session.commit()
        return message


def test_a_failed_model_is_retried_only_after_the_back_off(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    migrate(engine)
    factory = make_session_factory(engine)
    model = FailingModel()
    translations = MessageTranslations(
        sessions=factory, translator=lambda: model,
        backoff=Backoff(first=timedelta(seconds=30)),
    )  # fmt: skip
    message = stored_message(factory)
    rows = translations.record(message.id, translations.translate("Hola", "es", ["zh"]))
    assert rows["zh"].status == "untranslated"
    with factory() as session:
        again = session.get(Message, message.id)
        assert again is not None
        now = rows["zh"].updated_at
        assert not translations.due(again, "zh", now)  # a read right after: no model call
        assert not translations.due(again, "zh", now + timedelta(seconds=29))
        assert translations.due(again, "zh", now + timedelta(seconds=31))
    assert model.calls == 1
    engine.dispose()
