"""Keeping the caller's Table and MetaData objects in step with the database.

The one place that touches SQLAlchemy internals (``Table._columns``,
``MetaData._add_table``); called only after an operation succeeded, so a
failed operation leaves the caller's objects as they were.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def remove_column(table: sa.Table, name: str) -> sa.Column[Any] | None:
    """Remove column ``name``; indexes on it shrink or vanish, constraints on it go."""
    col = next((c for c in table.columns if c.name == name), None)
    if col is None:
        return None
    for index in list(table.indexes):
        cols = [c for c in index.columns if c.name != name]
        if len(cols) == len(index.columns):
            continue
        table.indexes.discard(index)
        if cols:
            sa.Index(index.name, *cols, unique=index.unique, **index.kwargs)
    for cons in list(table.constraints):
        if isinstance(cons, sa.PrimaryKeyConstraint):
            if name in cons.columns:
                cons._reload([c for c in cons.columns if c.name != name])
        elif isinstance(cons, (sa.ForeignKeyConstraint, sa.UniqueConstraint)):
            if name in {c.name for c in cons.columns}:
                table.constraints.discard(cons)
        elif isinstance(cons, sa.CheckConstraint):
            if name in {c.name for c in getattr(cons, "columns", ())}:
                table.constraints.discard(cons)
    for fk in list(table.foreign_keys):
        if fk.parent is col:
            table.foreign_keys.discard(fk)
    table._columns.remove(col)
    return col


def rename_table(table: sa.Table, new_name: str) -> None:
    """Re-key ``table`` in its MetaData under ``new_name``; no stale key is left."""
    meta = table.metadata
    meta.remove(table)
    table.name = new_name
    table.fullname = f"{table.schema}.{new_name}" if table.schema else new_name
    taken = meta.tables.get(table.key)
    if taken is not None:
        # a Table object still registered under the new name, already dropped
        # from the database (the rename succeeded, so nothing else has that name)
        meta.remove(taken)
    meta._add_table(new_name, table.schema, table)


def deregister(table: sa.Table) -> None:
    """Remove ``table`` from its MetaData (legacy ``Table.deregister``)."""
    if table.key in table.metadata.tables:
        table.metadata.remove(table)
