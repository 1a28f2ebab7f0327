"""Every table of Sesame's database, in four groups: the catalog, people, operations, trade."""

from sesame.catalog.models.base import NAMING, Base, utcnow
from sesame.catalog.models.catalog import (
    Embedding,
    Product,
    ProductImage,
    ProductTranslation,
    Supplier,
)
from sesame.catalog.models.operations import (
    AuditEvent,
    CatalogUpload,
    Change,
    IndexJob,
    KeywordLog,
    Verification,
)
from sesame.catalog.models.people import (
    Account,
    ApiToken,
    Company,
    Conversation,
    Message,
    MessageTranslation,
    WsTicket,
)
from sesame.catalog.models.trade import (
    Preference,
    ProductView,
    Quote,
    Review,
    Rfq,
    RfqMatch,
    TextTranslation,
)

__all__ = [
    "NAMING",
    "Account",
    "ApiToken",
    "AuditEvent",
    "Base",
    "CatalogUpload",
    "Change",
    "Company",
    "Conversation",
    "Embedding",
    "IndexJob",
    "KeywordLog",
    "Message",
    "MessageTranslation",
    "Preference",
    "Product",
    "ProductImage",
    "ProductTranslation",
    "ProductView",
    "Quote",
    "Review",
    "Rfq",
    "RfqMatch",
    "Supplier",
    "TextTranslation",
    "Verification",
    "WsTicket",
    "utcnow",
]  # fmt: skip
