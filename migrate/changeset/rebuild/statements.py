"""The statements of a rebuild, from the table the operations leave: create the new
table, copy the rows, drop the old one, rename, recreate indexes, triggers and views."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from migrate.changeset.rebuild._table import (
    TableState,
    same,
)
from migrate.changeset.sqlite_schema import (
    ParsedTable,
    qualify_create,
    quote,
    quote_string,
    render_create_table,
    significant,
    tokenize,
)

log = logging.getLogger("migrate.changeset")


@dataclass(frozen=True)
class RebuildPlan:
    """The statements of one rebuild and what the runner must do around them.

    Runner contract (:func:`migrate.changeset.runner.execute`): if ``needs_foreign_keys_off``
    and ``PRAGMA foreign_keys`` is on, turn it off *before* ``BEGIN`` (it is a no-op
    inside a transaction); inside the transaction set ``PRAGMA legacy_alter_table`` to
    ``legacy_alter_table``; run ``statements``; ``PRAGMA foreign_key_check`` each of
    ``fk_check_tables``; commit; restore both pragmas.
    """

    table: str
    temp_name: str
    statements: list[str] = field(default_factory=list)
    fk_check_tables: list[str] = field(default_factory=list)
    needs_foreign_keys_off: bool = False
    legacy_alter_table: bool = False
    #: how many times table data is copied (0 or 1)
    copies: int = 0
    #: other tables whose foreign keys reference this one
    child_tables: list[str] = field(default_factory=list)
    #: the table (old or new) has a foreign key to itself; with foreign keys on, the
    #: new table would be a child of the old one while both exist
    self_referencing: bool = False
    #: the attached database of ``table`` (``None``: ``main``); qualifies the pragmas too
    schema: str | None = None
    #: the new table as created (under ``temp_name``, old column names), None if no-op
    new_table: ParsedTable | None = None
    #: indexes that vanish because a column they need was dropped
    dropped_indexes: list[str] = field(default_factory=list)
    #: the row copy ``statements[copy_index]``, None when no rows are copied
    copy_index: int | None = None
    #: the old table, qualified and quoted (what the copy reads)
    copy_source: str = ""
    #: a name for the old table's rowid (to copy in rowid ranges); None: WITHOUT ROWID
    copy_key: str | None = None
    #: SQL functions (no arguments) the statements call: registered on the connection
    #: before they run (a callable default evaluated per row)
    functions: dict[str, Callable[[], Any]] = field(default_factory=dict)


def plan(t: TableState, temp_name: str | None) -> RebuildPlan:
    schema, old = t.schema, t.old
    if not t.changed:
        log.info("table %r: nothing to change, no rebuild", old.name)
        return RebuildPlan(table=old.name, temp_name=temp_name or "")
    if temp_name is None:
        temp_name = f"_migrate_tmp_{old.name}"
        n = 0
        while temp_name.lower() in schema.object_names:
            n += 1
            temp_name = f"_migrate_tmp{n}_{old.name}"
    new = old.replace(columns=[c.defn for c in t.cols], constraints=t.constraints)
    q = f"{quote(schema.schema)}." if schema.schema else ""
    qual = schema.schema
    stmts: list[str] = [f"DROP VIEW {q}{quote(v.name)}" for v in schema.views]
    stmts.append(render_create_table(dataclasses.replace(new, schema=qual), temp_name))

    target: list[str] = []
    select: list[str] = []
    old_generated = {c.name.lower() for c in old.columns if c.generated is not None}
    for c in t.cols:
        if c.defn.generated is not None:
            continue
        if c.source is not None and c.source.lower() not in old_generated:
            target.append(quote(c.temp))
            select.append(quote(c.source))
        elif c.source is None and c.insert_expr is not None:
            target.append(quote(c.temp))
            select.append(c.insert_expr)
    if not old.without_rowid and not new.without_rowid and new.rowid_alias is None:
        names = {c.name.lower() for c in old.columns} | {c.temp.lower() for c in t.cols}
        alias = next((a for a in ("rowid", "_rowid_", "oid") if a not in names), None)
        if alias is not None:
            target.insert(0, alias)
            select.insert(0, alias)
    copy_index = None
    if target:
        copy_index = len(stmts)
        stmts.append(
            f"INSERT INTO {q}{quote(temp_name)} ({', '.join(target)}) "
            f"SELECT {', '.join(select)} FROM {q}{quote(old.name)}"
        )
    old_names = {c.name.lower() for c in old.columns}
    copy_key = (
        None
        if old.without_rowid
        else next((a for a in ("rowid", "_rowid_", "oid") if a not in old_names), None)
    )
    if old.autoincrement and new.autoincrement:
        seq = f"{q}sqlite_sequence"
        stmts.append(f"DELETE FROM {seq} WHERE name = {quote_string(temp_name)}")
        stmts.append(
            f"INSERT INTO {seq} (name, seq) SELECT {quote_string(temp_name)}, seq "
            f"FROM {seq} WHERE name = {quote_string(old.name)}"
        )
    stmts.append(f"DROP TABLE {q}{quote(old.name)}")
    stmts.append(f"ALTER TABLE {q}{quote(temp_name)} RENAME TO {quote(old.name)}")
    stmts.extend(qualify_create(ix.sql, qual) for ix in t.indexes if ix.namespace == "old")
    stmts.extend(qualify_create(t.sql, qual) for t in schema.triggers)
    stmts.extend(qualify_create(v.sql, qual) for v in schema.views)
    stmts.extend(rename_statements(t, q))
    stmts.extend(qualify_create(ix.sql, qual) for ix in t.indexes if ix.namespace == "new")

    has_fks = bool(
        schema.child_foreign_keys
        or any(k.kind == "foreign_key" for k in old.constraints + new.constraints)
        or any(c.references for c in (*old.columns, *new.columns))
    )
    children = list(schema.children)
    refs = [k.ref_table for k in (*old.constraints, *new.constraints) if k.ref_table] + [
        significant(tokenize(c.references))[1].name
        for c in (*old.columns, *new.columns)
        if c.references
    ]
    return RebuildPlan(
        table=old.name,
        temp_name=temp_name,
        statements=stmts,
        fk_check_tables=[old.name, *children] if has_fks else [],
        needs_foreign_keys_off=has_fks,
        legacy_alter_table=True,
        copies=1,
        child_tables=children,
        self_referencing=any(same(r, old.name) for r in refs),
        schema=qual,
        copy_index=copy_index,
        copy_source=f"{q}{quote(old.name)}",
        copy_key=copy_key,
        new_table=new,
        dropped_indexes=list(t.dropped_indexes),
        functions=dict(t.functions),
    )


def rename_statements(t: TableState, q: str) -> list[str]:
    moves = [(c.temp, c.final) for c in t.cols if c.temp != c.final]
    if not moves:
        return []
    table = q + quote(t.old.name)
    current = {c.temp.lower() for c in t.cols}

    def stmt(a: str, b: str) -> str:
        return f"ALTER TABLE {table} RENAME COLUMN {quote(a)} TO {quote(b)}"

    # a target that is still some column's name (swaps, chains, case changes):
    # go through unused names first
    if not any(b.lower() in current for _a, b in moves):
        return [stmt(a, b) for a, b in moves]
    out: list[str] = []
    parked = []
    for i, (a, b) in enumerate(moves):
        park = f"_migrate_rename_{i}"
        out.append(stmt(a, park))
        parked.append((park, b))
    out.extend(stmt(a, b) for a, b in parked)
    return out
