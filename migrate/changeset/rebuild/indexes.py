"""Rebuild planning for index operations: create, drop, rename."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex

from migrate.changeset.ops import (
    CreateIndexOp,
)
from migrate.changeset.rebuild._table import (
    DIALECT,
    IndexState,
    TableState,
    same,
)
from migrate.changeset.sqlite_schema import (
    ParsedIndex,
    parse_create_index,
)
from migrate.exceptions import (
    DuplicateObjectError,
    NoSuchObjectError,
)

log = logging.getLogger("migrate.changeset")


def create_index(t: TableState, op: CreateIndexOp) -> None:
    name = op.name
    if any(same(ix.name, name) for ix in t.indexes) or (
        name.lower() in t.schema.object_names
        and not any(same(i.name, name) for i in t.schema.indexes)
    ):
        raise DuplicateObjectError(f"an index or table named {name!r} already exists")
    for c in op.columns:
        t.col(c)  # validates
    throwaway = sa.Table(
        t.old.name,
        sa.MetaData(),
        *[sa.Column(c.final, sa.types.NullType()) for c in t.cols],
    )
    sqlite_kw = {k: v for k, v in op.dialect_kw if k.startswith("sqlite_")}
    index = sa.Index(
        name,
        *[throwaway.c[t.col(c).final] for c in op.columns],
        unique=op.unique,
        **sqlite_kw,
    )
    sql = str(CreateIndex(index).compile(dialect=DIALECT))
    p = parse_create_index(sql)
    parsed = ParsedIndex(name, t.old.name, p.unique, p.columns, p.where, sql)
    t.indexes.append(IndexState(name, parsed, parsed.render(), "new"))
    t.changed = True


def find_index(t: TableState, name: str) -> IndexState:
    for ix in t.indexes:
        if same(ix.name, name):
            return ix
    if name.lower().startswith("sqlite_autoindex"):
        raise NoSuchObjectError(
            f"{name!r} is the index of a UNIQUE or PRIMARY KEY constraint; "
            "drop the constraint instead"
        )
    raise NoSuchObjectError(f"table {t.old.name!r} has no index {name!r}")


def drop_index(t: TableState, name: str) -> None:
    t.indexes.remove(find_index(t, name))
    t.changed = True


def rename_index(t: TableState, name: str, new_name: str) -> None:
    ix = find_index(t, name)
    if any(same(i.name, new_name) for i in t.indexes if i is not ix):
        raise DuplicateObjectError(f"an index named {new_name!r} already exists")
    p = ix.parsed
    ix.parsed = ParsedIndex(new_name, p.table, p.unique, p.columns, p.where, p.sql)
    ix.name = new_name
    ix.sql = ix.parsed.render()
    t.changed = True
