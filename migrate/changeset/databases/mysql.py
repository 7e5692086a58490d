"""MySQL and MariaDB planner: what to emit for each operation."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from migrate.changeset import ddl
from migrate.changeset.capabilities import Capabilities
from migrate.changeset.databases import common
from migrate.changeset.databases.constraints import ConstraintBook
from migrate.changeset.ops import (
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
from migrate.changeset.snapshot import TableSnapshot
from migrate.changeset.steps import Plan, render_table
from migrate.exceptions import NotSupportedError


def needs(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> frozenset[str]:
    """Nothing beyond the snapshot (see ``sqlite.needs``)."""
    return frozenset()


def plan(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan:
    p = Plan()
    snap = common.batch_snapshot(snap, ops)
    rt = render_table(snap)
    book = ConstraintBook(ops, caps, snap)
    for op in ops:
        changes = common.alter_changes(op, snap, caps) if isinstance(op, AlterColumnOp) else None
        match op:
            case AddColumnOp() if (
                op.populate_default
                and snap.has_rows is not False
                and common.callable_default(op.column)
                and common.key_column(op.column, ops)
            ):
                key = tuple(c.name for c in snap.table.primary_key.columns)
                common.add_column_per_row(p, op, caps, rt, key, in_steps=True)
            case AddColumnOp():
                common.add_column(p, op, caps, rt)
            case DropColumnOp():
                book.drop_column(p, op, rt)
            case RenameTableOp():
                common.rename_table(p, op)
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
                raise NotSupportedError(
                    f"{type(op).__name__} is not supported on MySQL/MariaDB yet"
                )
        if len(ops) > 1:
            common.advance(snap, rt, op, changes)
    book.finish(p)
    return p


def alter_column(
    p: Plan, op: AlterColumnOp, caps: Capabilities, snap: TableSnapshot, rt: sa.Table
) -> None:
    """ONE ``CHANGE COLUMN old <full spec>``, the spec built from the reflected column.

    Everything the caller did not mention is restated as the database has it: type with
    charset and collation, NULL/NOT NULL, DEFAULT, ON UPDATE, AUTO_INCREMENT, COMMENT,
    generated expression. A new string type without its own charset/collation keeps the
    column's. Primary key changes drop and re-add the primary key after the CHANGE.
    """
    ch = common.alter_changes(op, snap, caps)
    if not ch:
        return
    if "primary_key" in ch and "name" in ch:
        raise NotSupportedError(
            "Changing primary_key and name of a column in one alter is not supported on "
            "MySQL/MariaDB; rename it first, then change primary_key"
        )
    col = common.column_named(rt, snap.column(op.column_name).name)  # type: ignore[union-attr]
    render = col._copy()
    render.autoincrement = col is rt._autoincrement_column
    if "name" in ch:
        render.name = render.key = ch["name"]
    if "type" in ch:
        render.type = keep_charset(ch["type"], col.type)
        if not isinstance(render.type, sa.Integer):
            render.autoincrement = False
    if "nullable" in ch:
        render.nullable = ch["nullable"]
    if "server_default" in ch:
        render.server_default = ch["server_default"]
    if "autoincrement" in ch:
        render.autoincrement = ch["autoincrement"]
    if ch.get("primary_key"):
        render.nullable = False
    changed = {"primary_key"} != set(ch)
    if changed:
        holder = sa.Table(op.table.name, sa.MetaData(), schema=op.table.schema)
        render.primary_key = bool(render.autoincrement)
        holder.append_column(render)
        keep_zero = bool(ch.get("autoincrement"))
        session = keep_zero and not caps.is_mariadb  # MySQL has no SET STATEMENT
        if session:
            p.steps.extend(ddl.RawSQL(sql) for sql in ddl.KEEP_ZERO_ON)
        p.steps.append(ddl.ModifyColumn(op.table, col.name, render, keep_zero=keep_zero))
        if session:
            p.steps.append(ddl.RawSQL(ddl.KEEP_ZERO_OFF))
    if "primary_key" in ch:
        common.primary_key_steps(p, op, snap, rt, ch["primary_key"], one_statement=True)


def keep_charset(
    new: sa.types.TypeEngine[Any], old: sa.types.TypeEngine[Any]
) -> sa.types.TypeEngine[Any]:
    """A string type that names no charset/collation keeps the column's."""
    if not isinstance(new, sa.String) or not isinstance(old, sa.String):
        return new
    if getattr(new, "charset", None) or getattr(new, "collation", None):
        return new
    charset = getattr(old, "charset", None)
    collation = getattr(old, "collation", None)
    if not charset and not collation:
        return new
    kept = copy.copy(new)  # a render copy; the caller's type object is never changed
    kept.charset = charset  # type: ignore[attr-defined]
    kept.collation = collation
    return kept
