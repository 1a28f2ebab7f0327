"""Types shared by the request and response bodies."""

from __future__ import annotations

from collections.abc import Sized
from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel

from sesame.catalog.models import Verification


def next_offset(found: Sized, *, limit: int, offset: int) -> int | None:
    """The offset of the next page, when ``found`` (asked for ``limit + 1``) ran over it."""
    return offset + limit if len(found) > limit else None


def _utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class VerificationOut(BaseModel):
    """One thing the platform checked about a supplier, and for how long it holds."""

    id: int
    checks: list[str]
    note: str
    source: str
    verified_at: UtcDatetime
    expires_at: UtcDatetime | None

    @classmethod
    def of(cls, row: Verification) -> VerificationOut:
        return cls(
            id=row.id, checks=list(row.checks), note=row.note, source=row.source,
            verified_at=row.created_at, expires_at=row.expires_at,
        )  # fmt: skip
