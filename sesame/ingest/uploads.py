"""Catalog uploads: a supplier's zip of ``products.jsonl`` and photos, loaded as a job.

The zip is checked before anything is unpacked (member names, count, declared
sizes) and unpacked with a byte budget, so no zip can write outside its folder
or fill the disk. Its lines go through the same checks as ``sesame ingest``,
scoped to the upload's supplier; progress and the per-line errors
(``products.jsonl:17: ...``) are kept on the upload for its owner to read.
Loading is idempotent (unchanged lines are skipped), so a job taken over after
a crash simply runs again.
"""

from __future__ import annotations

import logging
import stat
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sesame.catalog.db import session_scope
from sesame.catalog.models import CatalogUpload, Product, Supplier, utcnow
from sesame.core.errors import InvalidInput, PayloadTooLarge, SesameError
from sesame.ingest.jsonl import count_lines
from sesame.ingest.photos import PRODUCTS_FILE
from sesame.ingest.pipeline import Ingestor

logger = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 1000
CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_files: int
    max_unpacked_bytes: int


def check_zip(path: Path, limits: ZipLimits) -> None:
    """Refuse, before unpacking, a file that is not a zip or that no upload may be."""
    if not zipfile.is_zipfile(path):
        raise InvalidInput("The upload is not a zip file; send a .zip with products.jsonl in it.")
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > limits.max_files:
            raise PayloadTooLarge(
                f"The zip holds {len(members):,} files, over the {limits.max_files:,} allowed; "
                "split the catalog into several uploads."
            )
        declared = sum(member.file_size for member in members)
        if declared > limits.max_unpacked_bytes:
            raise PayloadTooLarge(
                f"The zip unpacks to {declared:,} bytes, over the "
                f"{limits.max_unpacked_bytes:,} allowed; split it into several uploads."
            )
        for member in members:
            _check_member(member)
        if PRODUCTS_FILE not in {member.filename for member in members}:
            raise InvalidInput(f"The zip has no {PRODUCTS_FILE} at its top level.")


def _check_member(member: zipfile.ZipInfo) -> None:
    name = PurePosixPath(member.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts or ":" in member.filename:
        raise InvalidInput(f"The zip member {member.filename!r} points outside the upload.")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise InvalidInput(f"The zip member {member.filename!r} is a link; send plain files.")
    if member.flag_bits & 0x1:
        raise InvalidInput(f"The zip member {member.filename!r} is encrypted.")


def unpack(path: Path, into: Path, limits: ZipLimits) -> None:
    """Unpack a checked zip, stopping if its members inflate past what they declared."""
    budget = limits.max_unpacked_bytes
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            target = into / PurePosixPath(member.filename.replace("\\", "/"))
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as sink:
                while chunk := source.read(CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise PayloadTooLarge("The zip unpacks to more than it declares.")
                    sink.write(chunk)


class UploadProcessor:
    """Runs one catalog upload job: unpack, load the lines, keep progress and errors."""

    def __init__(
        self, *, sessions: Callable[[], Session], ingestor: Callable[..., Ingestor],
        uploads_dir: Path, limits: ZipLimits, max_products: int,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._ingestor = ingestor
        self._dir = uploads_dir
        self._limits = limits
        self._max_products = max_products

    def __call__(self, upload_id: int, renew: Callable[[], None] = lambda: None) -> None:
        with session_scope(self._sessions) as session:
            upload = session.get(CatalogUpload, upload_id)
            if upload is None:
                return
            supplier = session.get(Supplier, upload.supplier_id)
            if supplier is None:
                return
            held = session.scalar(
                select(func.count(Product.id)).where(Product.supplier_id == supplier.id)
            )
            upload.state, upload.processed_lines, upload.errors = "running", 0, []
            scope, zip_path = supplier.external_id, self._dir / upload.path
        room = max(self._max_products - int(held or 0), 0)
        try:
            errors, loaded = self._load(upload_id, zip_path, scope, room, renew)
        except SesameError as exc:
            self._end(upload_id, "failed", [exc.message], 0)
            return
        self._end(upload_id, "done", errors, loaded)

    def _load(
        self, upload_id: int, zip_path: Path, scope: str, room: int, renew: Callable[[], None]
    ) -> tuple[list[str], int]:
        with tempfile.TemporaryDirectory(prefix="upload-", dir=self._dir) as folder:
            root = Path(folder)
            check_zip(zip_path, self._limits)
            unpack(zip_path, root, self._limits)
            self._set(upload_id, total_lines=count_lines(root / PRODUCTS_FILE))
            done = 0

            def progress(lines: int) -> None:
                nonlocal done
                done += lines
                self._set(upload_id, processed_lines=done)
                renew()

            report = self._ingestor(progress=progress).run_products(
                root, supplier_id=scope, room=room
            )
        errors = [str(error) for error in report.errors]
        return errors, report.products_changed

    def _set(self, upload_id: int, **values: int) -> None:
        with session_scope(self._sessions) as session:
            upload = session.get(CatalogUpload, upload_id)
            if upload is not None:
                for name, value in values.items():
                    setattr(upload, name, value)

    def _end(self, upload_id: int, state: str, errors: list[str], loaded: int) -> None:
        if len(errors) > MAX_ERRORS_KEPT:
            errors = [*errors[:MAX_ERRORS_KEPT], f"... and {len(errors) - MAX_ERRORS_KEPT} more"]
        with session_scope(self._sessions) as session:
            upload = session.get(CatalogUpload, upload_id)
            if upload is None:
                return
            upload.state, upload.errors, upload.products_loaded = state, errors, loaded
            upload.finished_at = utcnow()
            if state == "done":
                upload.processed_lines = upload.total_lines
            zip_path = self._dir / upload.path
        zip_path.unlink(missing_ok=True)  # the photos are in the media store now
