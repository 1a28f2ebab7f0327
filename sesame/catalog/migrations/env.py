"""Alembic environment: runs against the engine Sesame passes in."""

from __future__ import annotations

from typing import Any

from alembic import context

from sesame.catalog.models import Base

config = context.config
engine = config.attributes["engine"]


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # The FTS5 tables are made by hand in 0001; autogenerate must not drop them.
    return not (type_ == "table" and name is not None and name.startswith("products_fts"))


with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
