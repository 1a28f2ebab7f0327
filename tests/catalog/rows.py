"""Raw rows for migration tests: a database at an old revision has no ORM models to use."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import command

from sesame.catalog.db import _alembic_config


def tables_at(engine: sa.Engine, revision: str) -> dict[str, sa.Table]:
    """The database migrated to ``revision``, and its tables as they are there."""
    command.upgrade(_alembic_config(engine), revision)
    meta = sa.MetaData()
    with warnings.catch_warnings():  # products' lower(title) index is not reflected: unused
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        meta.reflect(engine)
    return dict(meta.tables)


def adder(db: sa.Connection, tables: dict[str, sa.Table]) -> Callable[..., int]:
    """``add(table, **values)``: insert a row, return its id."""

    def add(table: str, **values: Any) -> int:
        return int(db.execute(tables[table].insert().values(**values)).inserted_primary_key[0])

    return add
