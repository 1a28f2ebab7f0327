"""Every table of Sesame's database, in three groups: the catalog, people, operations."""

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

__all__ = [
    "NAMING", "Account", "ApiToken", "AuditEvent", "Base", "CatalogUpload", "Change", "Company",
    "Conversation", "Embedding", "IndexJob", "Message", "MessageTranslation", "Product",
    "ProductImage", "ProductTranslation", "Supplier", "Verification", "WsTicket", "utcnow",
]  # fmt: skip
