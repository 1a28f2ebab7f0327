"""Alembic environment: runs against the engine Sesame passes in."""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext

from sesame.catalog.models import Base

config = context.config
engine = config.attributes["engine"]


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    # The FTS5 tables are made by hand in 0001; autogenerate must not drop them.
    return not (type_ == "table" and name is not None and name.startswith("products_fts"))


def run(connection: Any) -> None:
    with connection.begin():
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


with engine.connect() as connection:
    if connection.dialect.name != "sqlite":
        run(connection)
    else:
        # Batch mode rebuilds a table (copy, drop, rename). With foreign keys on, SQLite's
        # DROP TABLE first deletes every row, cascading to the children: switch them off
        # (outside any transaction, where the pragma works) and check them after.
        # The check reads every table, which takes minutes on a large catalog from a cold
        # disk, so it runs only when a migration did.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
        try:
            before = MigrationContext.configure(connection).get_current_revision()
            connection.rollback()  # the read began a transaction; run() begins its own
            run(connection)
            after = MigrationContext.configure(connection).get_current_revision()
            broken = (
                []
                if after == before
                else connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            )
            if broken:
                raise RuntimeError(f"The migration left rows without their parents: {broken[:5]}")
        finally:
            connection.rollback()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
