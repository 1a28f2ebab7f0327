"""What a products.jsonl line must be to be loaded: valid, new in the file, of a known
supplier (the upload's own, for a catalog upload), and within the supplier's cap."""

from __future__ import annotations

from dataclasses import dataclass, field

from sesame.catalog.records import ProductRecord
from sesame.ingest.embedder import Work
from sesame.ingest.jsonl import RecordError
from sesame.ingest.photos import PRODUCTS_FILE, StoredPhoto

SUPPLIERS_FILE = "suppliers.jsonl"


@dataclass
class Seen:
    """What one file held: external id -> (row id, changed), and how many lines were bad."""

    ids: dict[str, tuple[int, bool]] = field(default_factory=dict)
    invalid: int = 0


@dataclass
class Plan:
    record: ProductRecord
    work: Work
    photos: list[StoredPhoto] | None  # None: the rows are unchanged
    digest: str


@dataclass
class Known:
    """What the database held before the products file is read."""

    hashes: dict[str, str]
    counts: dict[int, int]
    suppliers: dict[str, int]
    owners: dict[str, int] = field(default_factory=dict)  # product external id -> supplier row
    scope: str | None = None  # a catalog upload: the one supplier its lines may name
    room: int | None = None  # how many more products that supplier may have


def accept(
    line: int, record: ProductRecord | RecordError, known: Known, seen: Seen,
    errors: list[RecordError],
) -> ProductRecord | None:  # fmt: skip
    """The record if it may be loaded; otherwise its problem joins ``errors``."""
    if isinstance(record, RecordError):
        errors.append(record)
        seen.invalid += 1
        return None
    problem = _problem(record, known, seen)
    if problem is not None:
        errors.append(RecordError(PRODUCTS_FILE, line, problem))
        seen.invalid += not problem.startswith("duplicate")
        return None
    seen.ids[record.id] = (0, True)
    if record.id not in known.hashes and known.room is not None:
        known.room -= 1
    return record


def _problem(record: ProductRecord, known: Known, seen: Seen) -> str | None:
    if record.id in seen.ids:
        return f"duplicate id {record.id!r}"
    if known.scope is not None and record.supplier_id != known.scope:
        return f"supplier_id {record.supplier_id!r} is not {known.scope!r}, this upload's supplier"
    if record.supplier_id not in known.suppliers:
        return f"supplier_id {record.supplier_id!r} is not in {SUPPLIERS_FILE} or the database"
    owner = known.owners.get(record.id)
    if known.scope is not None and owner not in (None, known.suppliers[known.scope]):
        return f"id {record.id!r} is another supplier's product; choose another id"
    if record.id not in known.hashes and known.room is not None and known.room <= 0:
        return "over the most products a supplier may have; delete some first"
    return None
