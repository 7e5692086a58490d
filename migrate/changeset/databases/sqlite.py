"""SQLite planner: native ALTER where the version and the column allow, else a rebuild."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from migrate.changeset import ddl
from migrate.changeset.capabilities import Capabilities, native_add_column
from migrate.changeset.databases import common
from migrate.changeset.databases.constraints import (
    ConstraintBook,
    sqlite_drop_column,
    sqlite_index_only_drop,
)
from migrate.changeset.ops import (
    AddColumnOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropIndexOp,
    Op,
    RenameIndexOp,
    RenameTableOp,
)
from migrate.changeset.rebuild import RebuildPlan, plan_rebuild
from migrate.changeset.snapshot import TableSnapshot
from migrate.changeset.sqlite_schema import references_identifier
from migrate.changeset.steps import (
    Plan,
    backfill,
    column_for_render,
    python_default_value,
    render_table,
)
from migrate.exceptions import NotSupportedError


def needs(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> frozenset[str]:
    """A rebuild works from the stored schema, which the runner then reads for us."""
    if all_native(ops, caps, snap):
        return frozenset()
    return frozenset({"sqlite_schema"})


def all_native(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> bool:
    """Every op is native, also counting indexes the same batch creates before a DROP COLUMN.

    A DROP COLUMN of a column an earlier op of the batch renamed is planned by rebuild:
    ``snap`` knows the column (and what depends on it) only by its old name.
    """
    indexed: set[str] = set()
    renamed: set[str] = set()
    for op in ops:
        if isinstance(op, CreateIndexOp):
            indexed.update(c.lower() for c in op.columns)
        elif isinstance(op, AlterColumnOp) and isinstance(op.name, str):
            renamed.add(op.name.lower())
        elif isinstance(op, DropColumnOp) and op.column_name.lower() in indexed | renamed:
            return False  # SQLite's DROP COLUMN would refuse, or miss what depends on it
        if not native(op, caps, snap):
            return False
    return True


def native(op: Op, caps: Capabilities, snap: TableSnapshot) -> bool:
    """Whether SQLite's own ALTER TABLE (or CREATE/DROP INDEX) can do ``op``."""
    match op:
        case AddColumnOp():
            return native_add_column(op.column)
        case DropColumnOp():
            return caps.native_drop_column and (
                not drop_blockers(snap, op) or sqlite_index_only_drop(snap, op) is not None
            )
        case RenameTableOp() | CreateIndexOp() | DropIndexOp():
            return True
        case RenameIndexOp():
            # drop and re-create from the stored text; the planner names a missing index
            return True
        case AlterColumnOp():
            return caps.native_rename_column and native_rename_only(op, caps, snap)
    return False


def plan(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan:
    """Native statements when every op allows them, else ONE rebuild for all of them."""
    if not all_native(ops, caps, snap):
        return rebuild(ops, snap)
    p = Plan()
    snap = common.batch_snapshot(snap, ops)  # later ops see what earlier ones did
    rt = render_table(snap)
    for op in ops:  # every op passed native() above
        changes = common.alter_changes(op, snap, caps) if isinstance(op, AlterColumnOp) else None
        match op:
            case AddColumnOp():
                add_column(p, op, rt)
            case DropColumnOp() if not drop_blockers(snap, op):
                common.drop_column(p, op, rt)
            case DropColumnOp():
                shrink = sqlite_index_only_drop(snap, op)
                assert shrink is not None
                sqlite_drop_column(p, op, shrink, rt)
            case RenameIndexOp():
                ConstraintBook(ops, caps, snap).rename_index(p, op, rt)
            case RenameTableOp():
                common.rename_table(p, op)
            case CreateIndexOp():
                common.create_index(p, op, rt)
            case DropIndexOp():
                common.drop_index(p, op, rt)
            case AlterColumnOp():
                rename_column(p, op, caps, snap)
            case _:
                raise NotSupportedError(needs_rebuild(op, caps, snap))
        if len(ops) > 1:
            common.advance(snap, rt, op, changes)
    return p


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
    # a reflected CHECK has no columns, only its text: SQLite refuses to drop a column
    # any CHECK of the table mentions
    found += [
        f"CheckConstraint {c.name or '(unnamed)'}"
        for c in snap.table.constraints
        if isinstance(c, sa.CheckConstraint)
        and not c.columns
        and references_identifier(str(c.sqltext), name)
    ]
    col = snap.column(name)
    if col is not None and col.foreign_keys:
        found.append("a foreign key")
    return found


def native_rename_only(op: AlterColumnOp, caps: Capabilities, snap: TableSnapshot) -> bool:
    """The alter only renames the column: native ``RENAME COLUMN`` (SQLite 3.25+)."""
    if snap.column(op.column_name) is None:
        return False  # validate() names the missing column
    if isinstance(op.autoincrement, bool):
        # the AUTOINCREMENT keyword is only in the stored CREATE TABLE, which the
        # rebuild reads (and leaves alone when the keyword is already as asked)
        return False
    return set(common.alter_changes(op, snap, caps)) <= {"name"}


def rename_column(p: Plan, op: AlterColumnOp, caps: Capabilities, snap: TableSnapshot) -> None:
    ch = common.alter_changes(op, snap, caps)
    if "name" in ch:
        p.steps.append(ddl.RenameColumn(op.table, op.column_name, ch["name"]))


def needs_rebuild(op: Op, caps: Capabilities, snap: TableSnapshot) -> str:
    return (
        f"{type(op).__name__} on SQLite {'.'.join(map(str, caps.server_version))} needs a "
        f"table rebuild of {snap.ref.fullname!r}"
    )


def rebuild(ops: Sequence[Op], snap: TableSnapshot) -> Plan:
    """SQLite's 12-step rebuild (see :mod:`migrate.changeset.rebuild`), one copy for all ops.

    A table rename in the same batch runs natively after the rebuild.
    """
    if snap.sqlite is None:
        raise NotSupportedError(f"rebuilding {snap.ref.fullname!r} needs its stored schema")
    renames = [op for op in ops if isinstance(op, RenameTableOp)]
    rp = plan_rebuild(snap.sqlite, [op for op in ops if not isinstance(op, RenameTableOp)])
    p = from_rebuild_plan(rp, renames[-1].new_name if renames else None)
    for op in renames:
        common.rename_table(p, op)
    return p


def from_rebuild_plan(rp: RebuildPlan, final_name: str | None = None) -> Plan:
    """The runner's Plan for a :class:`~migrate.changeset.rebuild.RebuildPlan`.

    ``final_name``: the table's name after a rename that follows the rebuild in the same
    plan (the foreign key check then looks at it under that name).
    """
    renamed = final_name or rp.table
    return Plan(
        steps=[
            ddl.CopyRows(sql, rp.copy_source, rp.copy_key)
            if i == rp.copy_index
            else ddl.RawSQL(sql)
            for i, sql in enumerate(rp.statements)
        ],
        fk_check_tables=tuple(renamed if t == rp.table else t for t in rp.fk_check_tables),
        fk_check_schema=rp.schema,
        legacy_alter_table=rp.legacy_alter_table,
        copies=rp.copies,
        needs_foreign_keys_off=rp.needs_foreign_keys_off,
        child_tables=tuple(rp.child_tables),
        self_referencing=rp.self_referencing,
        sqlite_functions=rp.functions,
    )
