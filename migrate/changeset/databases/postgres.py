"""PostgreSQL planner: what to emit for each operation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from migrate.changeset import ddl
from migrate.changeset.capabilities import Capabilities
from migrate.changeset.databases import common
from migrate.changeset.databases.constraints import ConstraintBook
from migrate.changeset.introspect import TableSnapshot
from migrate.changeset.ops import (
    UNCHANGED,
    AddColumnOp,
    AddConstraintOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    Op,
    RenameIndexOp,
    RenameTableOp,
)
from migrate.changeset.planner import Plan, render_table
from migrate.exceptions import NotSupportedError


def plan(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan:
    p = Plan()
    rt = render_table(snap)
    book = ConstraintBook(ops, caps, snap)
    for op in ops:
        match op:
            case AddColumnOp():
                common.add_column(p, op, caps, rt)
            case DropColumnOp():
                book.drop_column(p, op, rt)
            case RenameTableOp():
                rename_table(p, op, snap)
            case CreateIndexOp():
                common.create_index(p, op, rt)
            case DropIndexOp():
                common.drop_index(p, op, rt)
            case AddConstraintOp():
                book.add(p, op, rt)
            case DropConstraintOp():
                book.drop(p, op, rt)
            case RenameIndexOp():
                book.rename_index(p, op, rt)
            case AlterColumnOp():
                alter_column(p, op, caps, snap, rt)
            case _:
                raise NotSupportedError(f"{type(op).__name__} is not supported on PostgreSQL yet")
    book.finish(p)
    return p


def rename_table(p: Plan, op: RenameTableOp, snap: TableSnapshot) -> None:
    """RENAME TO, then the owned sequences that carry the old table's name.

    A serial or identity column's sequence is named ``<table>_<column>_seq`` by
    PostgreSQL; it is renamed to match the new table name (other names are left alone).
    """
    common.rename_table(p, op)
    old = snap.ref.name
    for column, sequence in snap.owned_sequences:
        if sequence == f"{old}_{column}_seq":
            new = f"{op.new_name}_{column}_seq"
            p.steps.append(ddl.RenameSequence(snap.ref.schema, sequence, new))


def alter_column(
    p: Plan, op: AlterColumnOp, caps: Capabilities, snap: TableSnapshot, rt: sa.Table
) -> None:
    """All attribute changes of one column in ONE ``ALTER TABLE``; a rename after it.

    A type change across type families (text -> integer, integer -> boolean, ...) gets
    ``USING "c"::newtype`` (or the caller's ``postgresql_using=``); a server default that
    would block the cast is dropped before the ``TYPE`` clause and restored, cast, after.
    Primary key changes drop and re-add the table's primary key constraint (same name).
    """
    ch = common.alter_changes(op, snap, caps)
    col = snap.column(op.column_name)
    assert col is not None
    options = dict(op.dialect_options)
    using = options.get("postgresql_using")
    clauses: list[ddl.ColumnClause] = []
    new_type = ch.get("type")
    if new_type is None and using is not None and op.type is not UNCHANGED:
        new_type = op.type  # an explicit USING always rewrites the column
    if new_type is not None:
        cast = using is None and common.type_family(col.type) != common.type_family(new_type)
        old_default = common.default_text_raw(col)
        dance = (
            (cast or using is not None)
            and old_default is not None
            and "server_default" not in ch
            and col.identity is None
        )
        if dance:
            clauses.append(ddl.SetDefault(None, col.type))
        clauses.append(ddl.SetType(new_type, using=using, cast_using=cast))
        if dance:
            arg = getattr(col.server_default, "arg", None)
            restored = sa.DefaultClause(
                arg if isinstance(arg, str) else sa.text(old_default or "")
            )
            clauses.append(ddl.SetDefault(restored, new_type, cast_to=new_type))
    if "nullable" in ch:
        clauses.append(ddl.SetNullable(ch["nullable"]))
    if "server_default" in ch:
        clauses.append(ddl.SetDefault(ch["server_default"], new_type or col.type))
    if "autoincrement" in ch:
        clauses.extend(_autoincrement_clauses(op, col, ch["autoincrement"]))
    if clauses:
        p.steps.append(ddl.AlterColumn(op.table, col.name, clauses))
    if ch.get("autoincrement"):
        p.steps.append(_identity_restart(op, col.name))
    if "primary_key" in ch:
        common.primary_key_steps(p, op, snap, rt, ch["primary_key"])
    if "name" in ch:
        p.steps.append(ddl.RenameColumn(op.table, col.name, ch["name"]))


def _autoincrement_clauses(
    op: AlterColumnOp, col: sa.Column[Any], want: bool
) -> list[ddl.ColumnClause]:
    """Identity on (``ADD GENERATED BY DEFAULT AS IDENTITY``) or off (identity or serial)."""
    if want:
        if col.server_default is not None:
            raise NotSupportedError(
                f"Cannot make column {col.name!r} of {op.table.fullname!r} autoincrement: it "
                "has a server default; drop it first (server_default=None)"
            )
        return [ddl.SetIdentity(True)]
    if col.identity is not None:
        return [ddl.SetIdentity(False)]
    return [ddl.SetDefault(None, col.type)]  # serial: its nextval() default goes


def _identity_restart(op: AlterColumnOp, column: str) -> sa.Select[Any]:
    """A new identity continues after the rows already there, not at 1."""

    def ident(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    qualified = ident(op.table.name)
    if op.table.schema:
        qualified = f"{ident(op.table.schema)}.{qualified}"
    current = (
        sa.select(sa.func.max(sa.column(column)))
        .select_from(sa.table(op.table.name, schema=op.table.schema))
        .scalar_subquery()
    )
    sequence = sa.func.pg_get_serial_sequence(qualified, column)
    return sa.select(sa.func.setval(sequence, sa.func.coalesce(current, 0) + 1, False))
