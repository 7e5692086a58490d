"""Planning: (ops, capabilities, snapshot) -> Plan, as pure functions.

Checks that hold on every dialect live here (bad input is refused before any
statement runs); what to emit is decided by ``databases/<dialect>.py``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from migrate.changeset import ddl
from migrate.changeset.capabilities import Capabilities
from migrate.changeset.databases import planner_for
from migrate.changeset.naming import fold
from migrate.changeset.ops import (
    UNCHANGED,
    AddColumnOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropIndexOp,
    Op,
    RenameTableOp,
)
from migrate.changeset.snapshot import TableSnapshot

# what plans are made of, and the helpers the dialect planners share, live in ``steps``
# (below both the planners and the runner); their names stay importable from here
from migrate.changeset.steps import (
    BACKFILL_BATCH_SIZE,
    Backfill,
    Plan,
    Step,
    backfill,
    column_for_render,
    default_literal,
    populatable,
    python_default_value,
    render_table,
)
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidOperationError,
    NoSuchColumnError,
    NoSuchObjectError,
    NotSupportedError,
)

__all__ = [
    "BACKFILL_BATCH_SIZE",
    "Backfill",
    "Plan",
    "Step",
    "backfill",
    "column_for_render",
    "default_literal",
    "fold",
    "needs",
    "plan",
    "populatable",
    "python_default_value",
    "render_table",
    "validate",
]

log = logging.getLogger("migrate.changeset")

#: MySQL/MariaDB ``ALGORITHM=`` and ``LOCK=`` values accepted on every operation.
MYSQL_ALGORITHMS = ("DEFAULT", "INSTANT", "INPLACE", "NOCOPY", "COPY")
MYSQL_LOCKS = ("DEFAULT", "NONE", "SHARED", "EXCLUSIVE")


def plan(
    ops: Sequence[Op],
    caps: Capabilities,
    snap: TableSnapshot,
    *,
    batch: bool = False,
    options: Mapping[str, Any] | None = None,
    validated: bool = False,
    types_checked: bool = False,
) -> Plan:
    """Validate ``ops`` against ``snap`` and ask the dialect's planner for steps.

    ``batch``: the ops come from one :func:`~migrate.changeset.alter_table` block, so
    consecutive ALTER TABLE clauses are merged into one statement where the dialect allows.
    ``options``: dialect options of the whole operation (``mysql_algorithm``,
    ``mysql_lock``); options of another dialect are ignored, like SQLAlchemy's dialect
    keywords.
    ``validated``: :func:`needs` already validated these ops against this snapshot.
    ``types_checked``: the caller renders every step before anything is sent or written,
    and calls :func:`check_types_render` when that fails (offline SQL: the new columns'
    types are not rendered twice; bench W5).
    """
    if not validated:
        validate(ops, snap, caps)
    if not types_checked:
        check_types_render(ops, caps)
    if batch:
        ops = coalesce_alters(ops)
    algorithm, lock = mysql_alter_options(ops, options or {})
    p = planner_for(caps).plan(ops, caps, snap)
    # the batch size of a backfill is this module's BACKFILL_BATCH_SIZE (tunable)
    for steps in (p.steps, p.after_commit):
        steps[:] = [
            dataclasses.replace(s, batch_size=BACKFILL_BATCH_SIZE) if isinstance(s, Backfill) else s
            for s in steps
        ]
    if batch and caps.multi_clause_alter:
        p.steps = merge_clauses(p.steps, caps)
    if caps.family == "mysql" and (algorithm or lock):
        p.steps = [with_mysql_options(s, algorithm, lock) for s in p.steps]
    return p


def mysql_alter_options(
    ops: Sequence[Op], options: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """``mysql_algorithm``/``mysql_lock`` from ``options`` and the ops' dialect options,
    checked (upper-cased) on every dialect so a typo fails everywhere."""
    merged = options  # copied only when an op adds its own (rare)
    for op in ops:
        if isinstance(op, AlterColumnOp) and op.dialect_options:
            mysql = {k: v for k, v in op.dialect_options if k.startswith(("mysql_", "mariadb_"))}
            merged = {**merged, **mysql}
    if not merged:
        return None, None
    found: list[str | None] = []
    for key, allowed in (("algorithm", MYSQL_ALGORITHMS), ("lock", MYSQL_LOCKS)):
        value = merged.get(f"mysql_{key}", merged.get(f"mariadb_{key}"))
        if value is None:
            found.append(None)
            continue
        if not isinstance(value, str) or value.upper() not in allowed:
            raise InvalidOperationError(f"mysql_{key}={value!r} is not one of {', '.join(allowed)}")
        found.append(value.upper())
    return found[0], found[1]


def with_mysql_options(step: Step, algorithm: str | None, lock: str | None) -> Step:
    """Append ``ALGORITHM=``/``LOCK=`` to the ALTER TABLE and index statements of a plan."""
    alters = (ddl.AlterTableElement, sa.schema.AddConstraint, sa.schema.DropConstraint)
    indexes = (sa.schema.CreateIndex, sa.schema.DropIndex)
    if isinstance(step, alters + indexes):
        return ddl.WithAlterOptions(step, algorithm, lock)
    return step


def coalesce_alters(ops: Sequence[Op]) -> list[Op]:
    """Merge back-to-back alters of one column into one op (later changes win).

    ``alter_column("a", type=...)`` then ``rename_column("a", "b")`` (or an alter of "b"
    after a rename to "b") is one column change: MySQL restates the whole column once,
    PostgreSQL puts every clause in one statement.
    """
    out: list[Op] = []
    for op in ops:
        prev = out[-1] if out else None
        if isinstance(op, AlterColumnOp) and isinstance(prev, AlterColumnOp):
            current = prev.column_name if prev.name is UNCHANGED else prev.name
            if fold(op.column_name) == fold(current):
                fields = {**prev.changes(), **op.changes()}
                options = dict(prev.dialect_options) | dict(op.dialect_options)
                out[-1] = AlterColumnOp(
                    prev.table,
                    prev.column_name,
                    dialect_options=tuple(sorted(options.items())),
                    **fields,
                )
                continue
        out.append(op)
    return out


def needs(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> frozenset[str]:
    """Extra facts the dialect's planner needs beyond the snapshot (e.g. ``sqlite_schema``).

    Validates first: bad input is refused before anything more is read.
    """
    validate(ops, snap, caps)
    return planner_for(caps).needs(ops, caps, snap)


def _clause_columns(step: Step, caps: Capabilities) -> tuple[str | None, str | None] | None:
    """(column added, column touched) by a mergeable ALTER TABLE clause; None: not mergeable."""
    match step:
        case ddl.AddColumn():
            return step.column.name, None
        case ddl.DropColumn():
            return None, step.column_name
        case ddl.AlterColumnDefault():
            return None, step.column.name
        case ddl.AlterColumnNullable():
            return None, step.column_name
        case ddl.ModifyColumn():
            # CHANGE COLUMN a b: a later clause on b needs the next statement
            new = step.column.name
            return (new if fold(new) != fold(step.old_name) else None), step.old_name
        case ddl.DropConstraintByName():
            return None, None
        case ddl.RenameColumn() if caps.family == "mysql":
            return step.new_name, step.old_name
        case ddl.AlterColumn():
            return None, step.column_name
    return None


def merge_clauses(steps: list[Step], caps: Capabilities) -> list[Step]:
    """Merge runs of ALTER TABLE clauses on one table into single statements.

    A clause that touches a column added earlier in the same run starts a new statement:
    neither PostgreSQL nor MySQL lets one ALTER TABLE refer to a column it adds.
    """
    merged: list[Step] = []
    run: list[ddl.AlterTableElement] = []
    added: set[str] = set()

    def flush() -> None:
        if len(run) == 1:
            merged.append(run[0])
        elif run:
            merged.append(ddl.AlterTableClauses(run[0].table, list(run)))
        run.clear()
        added.clear()

    for step in steps:
        cols = _clause_columns(step, caps)
        if cols is None:
            flush()
            merged.append(step)
            continue
        assert isinstance(step, ddl.AlterTableElement)
        adds, touches = cols
        again = bool(adds and fold(adds) in added) or bool(touches and fold(touches) in added)
        if run and (step.table != run[0].table or again):
            # MySQL: DROP COLUMN b, ADD COLUMN b in one statement keeps b's indexes
            flush()
        run.append(step)
        # a column added or changed in this run: another clause on it starts a new statement
        for name in (adds, touches):
            if name:
                added.add(fold(name))
    flush()
    return merged


def check_types_render(ops: Sequence[Op], caps: Capabilities) -> None:
    """A new column whose type the dialect cannot render is refused, naming it (SPEC §7)."""
    for op in ops:
        if isinstance(op, AddColumnOp):
            from migrate.changeset.databases.common import render_type

            try:
                render_type(op.column.type, caps)
            except NotSupportedError as exc:
                raise NotSupportedError(
                    f"Cannot add column {op.column.name!r} to table {op.table.fullname!r}: {exc}"
                ) from None


def validate(ops: Sequence[Op], snap: TableSnapshot, caps: Capabilities | None = None) -> None:
    """Refuse bad input that every dialect would refuse, before anything runs.

    Column names compare as the database compares them: exactly on PostgreSQL (``"ID"``
    and ``id`` are two columns there), case-insensitively elsewhere.
    """
    names: set[str]
    same: Callable[[str], str]
    if caps is not None and caps.case_sensitive_names:
        same = str  # the compared form
        names = {c.name for c in snap.table.columns}  # a quoted_name is equal to its str
    else:
        same = fold
        names = set()
        for c in snap.table.columns:  # a loop, not a comprehension: once per operation (W5)
            names.add(fold(c.name))
    # the index names, read when the first op about indexes comes (most ops are not)
    indexes: set[str] | None = None
    table = snap.ref  # its fullname, for the messages
    if snap.null_key_columns:
        cols = ", ".join(repr(c) for c in snap.null_key_columns)
        raise InvalidOperationError(
            f"Cannot make {cols} of table {table.fullname!r} the primary key: some rows hold "
            "NULL there, and key columns are NOT NULL; fill them first. Nothing was changed"
        )
    for op in ops:
        if indexes is None and isinstance(op, (DropColumnOp, CreateIndexOp, DropIndexOp)):
            indexes = {str(i.name) for i in snap.table.indexes if i.name}
        if isinstance(op, AddColumnOp):
            col = op.column
            if same(col.name) in names:
                raise DuplicateObjectError(
                    f"Column {col.name!r} already exists in table {table.fullname!r}; "
                    "alter it instead, or choose another name"
                )
            if (
                snap.has_rows
                and not col.nullable
                and col.server_default is None
                and col.default is None
                and not col.primary_key
            ):
                raise InvalidOperationError(
                    f"Cannot add NOT NULL column {col.name!r} to non-empty table "
                    f"{table.fullname!r} without a default: give it a server_default or a "
                    "default, or make it nullable, fill it, then alter(nullable=False)"
                )
            names.add(same(col.name))
        elif isinstance(op, DropColumnOp):
            if same(op.column_name) not in names:
                raise NoSuchColumnError(
                    f"Table {table.fullname!r} has no column {op.column_name!r} "
                    f"(columns: {', '.join(sorted(c.name for c in snap.table.columns))})"
                )
            names.discard(same(op.column_name))
            assert indexes is not None
            indexes -= {
                i.name for i in snap.table.indexes if op.column_name in {c.name for c in i.columns}
            }
        elif isinstance(op, RenameTableOp):
            if op.new_name in snap.existing_tables:
                raise DuplicateObjectError(
                    f"Cannot rename table {table.fullname!r} to {op.new_name!r}: "
                    "a table of that name already exists"
                )
        elif isinstance(op, AlterColumnOp):
            if same(op.column_name) not in names:
                raise NoSuchColumnError(
                    f"Table {table.fullname!r} has no column {op.column_name!r} "
                    f"(columns: {', '.join(sorted(c.name for c in snap.table.columns))})"
                )
            new = op.name
            if isinstance(new, str) and same(new) != same(op.column_name):
                if same(new) in names:
                    raise DuplicateObjectError(
                        f"Cannot rename column {op.column_name!r} of table {table.fullname!r} to "
                        f"{new!r}: a column of that name already exists"
                    )
                names.discard(same(op.column_name))
                names.add(same(new))
        elif isinstance(op, CreateIndexOp):
            for name in op.columns:
                if same(name) not in names:
                    raise NoSuchColumnError(
                        f"Cannot create index {op.name!r} on table {table.fullname!r}: it has no "
                        f"column {name!r}"
                    )
            assert indexes is not None
            if op.name in indexes:
                raise DuplicateObjectError(
                    f"Table {table.fullname!r} already has an index {op.name!r}; drop it first or "
                    "choose another name"
                )
            indexes.add(op.name)
        elif isinstance(op, DropIndexOp):
            assert indexes is not None
            if not snap.offline and op.index_name not in indexes:
                raise NoSuchObjectError(
                    f"Table {table.fullname!r} has no index {op.index_name!r} "
                    f"(indexes: {', '.join(sorted(indexes)) or 'none'})"
                )
            indexes.discard(op.index_name)
