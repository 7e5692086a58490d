"""The only reflection code: a connection (or, offline, a Table) -> TableSnapshot.

Reflection happens once per operation (or batch), on the connection that runs
the DDL, inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from migrate.changeset.ops import TableRef
from migrate.exceptions import NoSuchTableError


@dataclass(frozen=True)
class TableSnapshot:
    """What exists: one table as the database (or offline, the caller's Table) says."""

    ref: TableRef
    #: the table reflected into a private MetaData; never the caller's object
    table: sa.Table = field(compare=False)
    #: whether the table holds at least one row (None offline: unknown)
    has_rows: bool | None
    #: names of other tables that exist, among those the ops mention
    existing_tables: frozenset[str] = frozenset()
    #: reflected facts, offline=False when read from a database
    offline: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.table.columns]

    def column(self, name: str) -> sa.Column[Any] | None:
        for col in self.table.columns:
            if col.name == name:
                return col
        # names compare case-insensitively when the database folds them
        for col in self.table.columns:
            if col.name.lower() == name.lower():
                return col
        return None

    def indexes_on(self, column_name: str) -> list[sa.Index]:
        return [i for i in self.table.indexes if column_name in {c.name for c in i.columns}]

    def constraints_on(self, column_name: str) -> list[sa.Constraint]:
        found = []
        for cons in self.table.constraints:
            names = {c.name for c in getattr(cons, "columns", ())}
            if column_name in names:
                found.append(cons)
        return found


def snapshot(
    conn: sa.Connection,
    ref: TableRef,
    *,
    other_tables: tuple[str, ...] = (),
    want_rows: bool = False,
) -> TableSnapshot:
    """Reflect ``ref`` on ``conn``; raise NoSuchTableError naming it if absent."""
    meta = sa.MetaData()
    try:
        table = sa.Table(ref.name, meta, schema=ref.schema, autoload_with=conn, resolve_fks=False)
    except sa.exc.NoSuchTableError:
        where = f" in schema {ref.schema!r}" if ref.schema else ""
        raise NoSuchTableError(
            f"Table {ref.name!r} does not exist{where}; create it first or check the name"
        ) from None
    has_rows = None
    if want_rows:
        has_rows = (
            conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None
        )
    existing: frozenset[str] = frozenset()
    if other_tables:
        insp = sa.inspect(conn)
        existing = frozenset(n for n in other_tables if insp.has_table(n, schema=ref.schema))
    return TableSnapshot(ref=ref, table=table, has_rows=has_rows, existing_tables=existing)


def snapshot_from_table(table: sa.Table | None, ref: TableRef) -> TableSnapshot:
    """Offline: what the caller's Table object describes (a copy; never mutated)."""
    meta = sa.MetaData()
    if table is None:
        copy = sa.Table(ref.name, meta, schema=ref.schema)
    else:
        copy = table.to_metadata(meta)
    return TableSnapshot(ref=ref, table=copy, has_rows=None, offline=True)
