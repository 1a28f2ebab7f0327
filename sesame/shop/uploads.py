"""A supplier sends a catalog zip: it is saved, queued as a job, and its progress read back."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from sesame.accounts.tokens import Principal
from sesame.catalog import jobs
from sesame.catalog.db import session_scope
from sesame.catalog.models import CatalogUpload, Supplier
from sesame.core.errors import NotFound
from sesame.core.files import atomic_write
from sesame.shop.access import own_supplier

CHUNK = 1024 * 1024


class CatalogUploads:
    def __init__(self, *, sessions: Callable[[], Session], uploads_dir: Path) -> None:
        self._sessions = sessions
        self._dir = uploads_dir

    def create(self, who: Principal, supplier_id: str, source: IO[bytes]) -> CatalogUpload:
        """Save the zip and queue it; a worker checks and loads it (see ``GET`` for the result)."""
        with self._sessions() as session:
            own_supplier(session, who, supplier_id)  # 404 before anything is written
        name = f"{secrets.token_hex(8)}.zip"
        self._dir.mkdir(parents=True, exist_ok=True)
        atomic_write(self._dir / name, lambda sink: shutil.copyfileobj(source, sink, CHUNK))
        try:
            with session_scope(self._sessions) as session:
                supplier = own_supplier(session, who, supplier_id)
                upload = CatalogUpload(
                    supplier_id=supplier.id, account_id=who.account_id, path=name, state="queued"
                )
                session.add(upload)
                session.flush()
                jobs.enqueue(session, "upload", upload.id)
                session.expunge(upload)
                return upload
        except BaseException:
            (self._dir / name).unlink(missing_ok=True)
            raise

    def get(self, who: Principal, upload_id: int) -> tuple[CatalogUpload, str]:
        """The upload and its supplier's id, for a member of that supplier or an operator."""
        with self._sessions() as session:
            upload = session.get(CatalogUpload, upload_id)
            if upload is None or not (who.is_operator or upload.supplier_id == who.supplier_id):
                raise NotFound(f"No catalog upload {upload_id}.")
            supplier = session.get(Supplier, upload.supplier_id)
            return upload, supplier.external_id if supplier else ""
