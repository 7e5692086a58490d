"""SQLite planner: native ALTER where the version and the column allow, else a rebuild."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from migrate.changeset import ddl
from migrate.changeset.capabilities import Capabilities
from migrate.changeset.databases import common
from migrate.changeset.introspect import TableSnapshot
from migrate.changeset.ops import (
    AddColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropIndexOp,
    Op,
    RenameTableOp,
)
from migrate.changeset.planner import (
    Plan,
    backfill,
    column_for_render,
    python_default_value,
    render_table,
)
from migrate.exceptions import NotSupportedError


def plan(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan:
    p = Plan()
    rt = render_table(snap)
    for op in ops:
        match op:
            case AddColumnOp() if native_add_column(op.column):
                add_column(p, op, rt)
            case DropColumnOp() if caps.native_drop_column and not drop_blockers(snap, op):
                common.drop_column(p, op, rt)
            case RenameTableOp():
                common.rename_table(p, op)
            case CreateIndexOp():
                common.create_index(p, op, rt)
            case DropIndexOp():
                common.drop_index(p, op, rt)
            case _:
                raise NotSupportedError(needs_rebuild(op, caps, snap))
    return p


def native_add_column(col: sa.Column[Any]) -> bool:
    """SQLite's ADD COLUMN rules (sqlite.org/lang_altertable.html#altertabaddcol)."""
    if col.primary_key or col.unique:
        return False
    default = col.server_default
    if default is not None and not _constant_default(default):
        return False
    if not col.nullable and default is None:
        # NOT NULL needs a non-NULL server default; a Python-only default would have to
        # become a permanent server default, which the column does not declare
        return False
    return True


def _constant_default(default: Any) -> bool:
    arg = getattr(default, "arg", None)
    if isinstance(arg, str):
        return True
    if isinstance(arg, sa.sql.elements.TextClause):
        text = arg.text.strip().upper()
        return not text.startswith("(") and not text.startswith("CURRENT_")
    return False


def add_column(p: Plan, op: AddColumnOp, rt: sa.Table) -> None:
    col = op.column
    render = column_for_render(col, rt)
    p.steps.append(ddl.AddColumn(op.table, render))
    kind, value = python_default_value(col) if op.populate_default else ("none", None)
    if kind != "none" and value is not None:
        p.steps.append(backfill(rt, col.name, value, kind))


def drop_blockers(snap: TableSnapshot, op: DropColumnOp) -> list[str]:
    """What keeps SQLite's native DROP COLUMN from working on this column."""
    name = op.column_name
    found = [f"index {i.name}" for i in snap.indexes_on(name)]
    found += [f"{type(c).__name__} {c.name or '(unnamed)'}" for c in snap.constraints_on(name)]
    col = snap.column(name)
    if col is not None and col.foreign_keys:
        found.append("a foreign key")
    return found


def needs_rebuild(op: Op, caps: Capabilities, snap: TableSnapshot) -> str:
    return (
        f"{type(op).__name__} on SQLite {'.'.join(map(str, caps.server_version))} needs a "
        f"table rebuild of {snap.ref.fullname!r}, which is not available yet"
    )
