"""PostgreSQL planner: what to emit for each operation."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from migrate.changeset import ddl
from migrate.changeset.capabilities import Capabilities, dialect_from_name, plain_column
from migrate.changeset.databases import common
from migrate.changeset.databases.constraints import ConstraintBook
from migrate.changeset.naming import fold
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
    TableRef,
    ValidateConstraintOp,
)
from migrate.changeset.snapshot import TableSnapshot
from migrate.changeset.steps import (
    Plan,
    python_default_value,
    render_table,
)
from migrate.exceptions import InvalidOperationError, NotSupportedError


def needs(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> frozenset[str]:
    """Nothing beyond the snapshot (see ``sqlite.needs``)."""
    return frozenset()


def plan(ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> Plan:
    p = Plan()
    light = _light_plan(ops, snap)
    columns: common.ColumnList | None = None
    rt: Any = _NO_RENDER_TABLE
    if light:
        if len(ops) > 1:
            columns = common.ColumnList(snap.table)
    else:
        snap = common.batch_snapshot(snap, ops)
        if _uses_render_table(ops, snap):
            rt = render_table(snap)
    # a light plan drops only columns no constraint needs re-created for: no book
    book = _NO_BOOK if light else ConstraintBook(ops, caps, snap)
    for op in ops:
        changes = None
        col: sa.Column[Any] | None = None
        if isinstance(op, AlterColumnOp):
            col = (columns or snap).column(op.column_name)
            assert col is not None, "validate() checks the column exists"
            changes = common.column_changes(op, col, caps)
        match op:  # the op classes are unrelated: the order of the cases is the commonest first
            case AlterColumnOp():
                assert col is not None and changes is not None
                alter_column(p, op, caps, snap, rt, col, changes)
            case AddColumnOp():
                create_enum_types(p, op.column.type, snap)
                if op.populate_default and common.callable_default(op.column):
                    add_column_backfill(p, op, caps, snap, rt, ops)
                else:
                    common.add_column(p, op, caps, None if light else rt)
            case DropColumnOp() if light:
                common.drop_column(p, op, rt)
            case DropColumnOp():
                book.drop_column(p, op, rt)
            case RenameTableOp():
                rename_table(p, op, snap)
            case CreateIndexOp():
                common.create_index(p, op, rt)
                p.autocommit |= bool(dict(op.dialect_kw).get("postgresql_concurrently"))
            case DropIndexOp():
                common.drop_index(p, op, rt)
                p.autocommit |= bool(dict(op.dialect_kw).get("postgresql_concurrently"))
            case ValidateConstraintOp():
                p.steps.append(ddl.ValidateConstraint(op.table, op.constraint_name))
            case AddConstraintOp():
                book.add(p, op, rt)
            case DropConstraintOp():
                book.drop(p, op, rt)
            case RenameIndexOp():
                book.rename_index(p, op, rt)
            case _:
                raise NotSupportedError(f"{type(op).__name__} is not supported on PostgreSQL yet")
        if len(ops) > 1:
            if columns is not None:
                columns.advance(op, changes)
            else:
                common.advance(snap, rt, op, changes)
    if not light:
        book.finish(p)
    return p


class _NotBuilt:
    """Stands in for the render table (or the constraint book) when no step of the
    plan reads it (see :func:`_light_plan` and :func:`_uses_render_table`); any use is
    a planner bug and fails loudly."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{self.what} not built for this plan (read {name!r})")


_NO_RENDER_TABLE: Any = _NotBuilt("render table")
_NO_BOOK: Any = _NotBuilt("constraint book")


def _light_plan(ops: Sequence[Op], snap: TableSnapshot) -> bool:
    """Whether ``ops`` are plain column changes, planned without any Table copy.

    A copy (``Table.to_metadata``, for the batch's snapshot and for the render table)
    costs more than the rest of an operation together (bench W5). Plain changes read
    only the columns as earlier ops of the batch leave them (a
    :class:`~common.ColumnList`): adding a column that is not part of the primary key
    and brings no constraint, index, schema type (Enum, Boolean) or default computed
    per row or by SQL; altering a column but not its primary key flag or to an Enum;
    dropping a column that is in no index and not in the primary key. Their steps are
    built from names and detached column copies, whose DDL is the same as attached
    (a column outside the primary key renders without looking at its table).
    """
    keyed: set[str] | None = None  # columns of the primary key or an index
    for op in ops:
        match op:
            case AddColumnOp():
                if not _plain_new_column(op):
                    return False
            case AlterColumnOp():
                if op.primary_key is not UNCHANGED or isinstance(op.type, sa.Enum):
                    return False
            case DropColumnOp():
                if keyed is None:
                    table = snap.table
                    # iterating the constraint, not its .columns: no read-only view
                    # memoized on it
                    keyed = {fold(c.name) for c in table.primary_key}
                    if table.indexes:
                        keyed |= {fold(c.name) for index in table.indexes for c in index.columns}
                if fold(op.column_name) in keyed:
                    return False
            case _:
                return False
    return True


def _plain_new_column(op: AddColumnOp) -> bool:
    col = op.column
    if (
        not plain_column(col)
        or col.computed is not None
        or isinstance(col.type, sa.types.SchemaType)
    ):
        return False
    if op.populate_default:
        kind, _ = python_default_value(col)
        return kind != "sql" and not common.callable_default(col)
    return True


def _uses_render_table(ops: Sequence[Op], snap: TableSnapshot) -> bool:
    """Whether planning ``ops`` (not a light plan) reads :func:`steps.render_table`'s
    copy. Conservative: only single operations whose steps are built from names are
    exempt."""
    if len(ops) != 1:
        return True  # common.advance keeps the render table in step between ops
    match ops[0]:
        case RenameTableOp() | ValidateConstraintOp():
            return False
        case AlterColumnOp(primary_key=pk):
            return pk is not UNCHANGED  # only common.primary_key_steps reads it
        case DropColumnOp():
            # ConstraintBook.drop_column reads it only to re-create a composite index or
            # primary key without the column
            table = snap.table
            return bool(table.indexes) or len(table.primary_key.columns) > 1
    return True


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
    if op.rename_constraints:
        rename_embedded_names(p, op, snap)


def _renamed(name: str, old: str, new: str) -> str | None:
    """``<old>_...`` -> ``<new>_...``, ``ix_<old>_...`` -> ``ix_<new>_...``; else None."""
    for prefix in ("", "ix_", "uq_", "fk_", "ck_", "pk_"):
        head = f"{prefix}{old}_"
        if name.startswith(head) or name == f"{prefix}{old}":
            return f"{prefix}{new}{name[len(prefix) + len(old) :]}"[:63]
    return None


def rename_embedded_names(p: Plan, op: RenameTableOp, snap: TableSnapshot) -> None:
    """``rename_constraints=True``: constraints and indexes named after the old table.

    ``<old>_pkey``, ``<old>_<col>_key``, ``<old>_<col>_fkey``, ``<old>_<col>_check`` and
    indexes ``ix_<old>_...`` / ``<old>_...`` get the new table name in place of the old
    (``ALTER TABLE new RENAME CONSTRAINT``; ``ALTER INDEX RENAME`` for plain indexes).
    Renaming a primary key or unique constraint renames its index too.
    """
    table = TableRef(op.new_name, op.table.schema)
    old = snap.ref.name
    for cons in sorted(snap.table.constraints, key=lambda c: str(c.name)):
        name = cons.name
        if not isinstance(name, str) and isinstance(cons, sa.PrimaryKeyConstraint):
            name = f"{old}_pkey" if cons.columns else None  # offline: PostgreSQL's default
        if not isinstance(name, str):
            continue
        new = _renamed(name, old, op.new_name)
        if new is not None and new != name:
            p.steps.append(ddl.RenameConstraint(table, name, new))
    for index in sorted(snap.table.indexes, key=lambda i: str(i.name)):
        if not isinstance(index.name, str):
            continue
        new = _renamed(index.name, old, op.new_name)
        if new is not None and new != index.name:
            p.steps.append(ddl.RenameIndex(table, index.name, new))


def add_column_backfill(
    p: Plan,
    op: AddColumnOp,
    caps: Capabilities,
    snap: TableSnapshot,
    rt: sa.Table,
    ops: Sequence[Op] = (),
) -> None:
    """A column whose Python default is a callable: evaluated per row, in batches.

    ``ADD COLUMN`` (nullable, no default: catalog-only), then a :class:`Backfill` run
    after that committed: ``BACKFILL_BATCH_SIZE`` (10,000) rows per batch by primary
    key, each batch its own transaction with an Engine, progress logged at INFO on
    ``migrate.changeset``; then ``SET NOT NULL`` if the column is NOT NULL. Never one
    UPDATE over the whole table. Offline SQL cannot render it (``OfflineError``).

    Per row where the table allows it (SPEC §4): a table without a primary key, or an
    empty one, gets the callable evaluated once instead (a temporary server default,
    like a constant), unless the column is (or the operation makes it) part of a primary
    key or unique constraint: then the fill runs per row (by ``ctid`` on a table without
    a primary key) in the operation's own steps, before the constraint is added.
    With an Engine the fill is not atomic with the ``ADD COLUMN``: if a
    batch fails, the column stays (nullable, partly filled) and the error is raised; with
    a caller's Connection/Session everything is in the caller's transaction.
    """
    key = tuple(c.name for c in snap.table.primary_key.columns)
    keyed = common.key_column(op.column, ops)
    if snap.has_rows is False or not (key or keyed):
        common.add_column(p, op, caps, rt)
        return
    # a key column of a table without a primary key: its rows by their ctid
    common.add_column_per_row(p, op, caps, rt, key or ("ctid",), in_steps=keyed)


def create_enum_types(p: Plan, type_: sa.types.TypeEngine[Any], snap: TableSnapshot) -> None:
    """``CREATE TYPE name AS ENUM (...)`` for a named Enum the database does not have yet.

    Offline, the type is created unless a column of the Table object already uses it.
    Dropping the last column of an enum type leaves the type (as ``DROP COLUMN`` does).
    """
    if not isinstance(type_, sa.Enum) or not type_.native_enum or not type_.name:
        return
    existing = _enum_labels(type_.name, type_.schema, snap)
    if existing is not None:
        missing = [label for label in type_.enums if label not in existing]
        if missing:
            name = f"{type_.schema}.{type_.name}" if type_.schema else type_.name
            raise InvalidOperationError(
                f"enum type {name!r} exists with the labels {list(existing)}, which lack "
                f"{missing} of the column's Enum {list(type_.enums)}: add them first "
                f"(alter the column to the Enum with more values), or use another name"
            )
        return
    enum = postgresql.ENUM(*type_.enums, name=type_.name, schema=type_.schema)
    p.steps.append(postgresql.CreateEnumType(enum))


def _enum_labels(name: str, schema: str | None, snap: TableSnapshot) -> tuple[str, ...] | None:
    """The labels of enum type ``name`` as it exists, or None when it does not."""
    if snap.pg_enums is not None and (schema, name) in snap.pg_enums:
        return snap.pg_enums[(schema, name)]
    for col in snap.table.columns:
        if isinstance(col.type, sa.Enum) and col.type.name == name:
            if (col.type.schema or None) == (schema or None):
                return tuple(col.type.enums)
    return None


def enum_add_values(p: Plan, op: AlterColumnOp, col: sa.Column[Any], new: sa.Enum) -> bool:
    """``alter(type=Enum(same name, more values))``: ``ALTER TYPE ... ADD VALUE`` each.

    True when handled (the column's type itself does not change). The old values must
    stay, in order; a removed or reordered value raises NotSupportedError. PostgreSQL
    12+ runs ``ADD VALUE`` inside a transaction, but a new value cannot be used before
    that transaction commits.
    """
    old = col.type
    if not isinstance(old, sa.Enum) or old.name != new.name or not new.name:
        return False
    before, after = list(old.enums), list(new.enums)
    if before == after:
        return True
    kept = [v for v in after if v in before]
    if kept != before:
        raise NotSupportedError(
            f"Enum type {new.name!r}: values can only be added on PostgreSQL (removed or "
            f"reordered: {sorted(set(before) - set(after)) or before}); create a new type "
            "and alter the column to it instead"
        )
    schema = new.schema if new.schema is not None else getattr(old, "schema", None)
    for i, value in enumerate(after):
        if value in before:
            continue
        following = next((v for v in after[i + 1 :] if v in before), None)
        if following is not None:
            step = ddl.AlterEnumAddValue(schema, new.name, value, before=following)
        else:
            step = ddl.AlterEnumAddValue(schema, new.name, value, after=after[i - 1] if i else None)
        p.steps.append(step)
    return True


def alter_column(
    p: Plan,
    op: AlterColumnOp,
    caps: Capabilities,
    snap: TableSnapshot,
    rt: sa.Table,
    col: sa.Column[Any],
    ch: dict[str, Any],
) -> None:
    """All attribute changes of one column in ONE ``ALTER TABLE``; a rename after it.

    A type change across type families (text -> integer, integer -> boolean, ...) gets
    ``USING "c"::newtype`` (or the caller's ``postgresql_using=``); a server default that
    would block the cast is dropped before the ``TYPE`` clause and restored, cast, after.
    Primary key changes drop and re-add the table's primary key constraint (same name).
    ``col``: the column as it is now; ``ch``: ``common.column_changes(op, col, caps)``.
    """
    if len(ch) == 1 and "name" in ch:  # a pure rename, the commonest alter (bench W5)
        p.steps.append(ddl.RenameColumn(op.table, col.name, ch["name"]))
        return
    if isinstance(op.type, sa.Enum) and enum_add_values(p, op, col, op.type):
        op = dataclasses.replace(op, type=UNCHANGED)
        ch = common.column_changes(op, col, caps)
    elif op.type is not UNCHANGED:
        create_enum_types(p, op.type, snap)
    options = dict(op.dialect_options) if op.dialect_options else {}
    using = options.get("postgresql_using")
    safe_not_null = bool(options.get("postgresql_safe_not_null")) and ch.get("nullable") is False
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
            restored = sa.DefaultClause(arg if isinstance(arg, str) else sa.text(old_default or ""))
            clauses.append(ddl.SetDefault(restored, new_type, cast_to=new_type))
    if "nullable" in ch and not safe_not_null:
        clauses.append(ddl.SetNullable(ch["nullable"]))
    if "server_default" in ch:
        clauses.append(ddl.SetDefault(ch["server_default"], new_type or col.type))
    identity: list[ddl.ColumnClause] = []
    if "autoincrement" in ch:
        identity = _autoincrement_clauses(op, col, ch)
    serial_goes = common.is_serial(col) and (
        ch.get("autoincrement") is False or ("server_default" in ch and "autoincrement" in ch)
    )
    if serial_goes:
        # the serial's own sequence goes with its default (else a later identity would
        # leave the column owning two sequences)
        if "server_default" not in ch:
            clauses.extend(identity)
            identity = []
        if clauses:
            p.steps.append(ddl.AlterColumn(op.table, col.name, clauses))
        p.steps.append(ddl.DropOwnedSequence(op.table, col.name))
        clauses = identity
    else:
        clauses.extend(identity)
    if clauses:
        p.steps.append(ddl.AlterColumn(op.table, col.name, clauses))
    if safe_not_null:
        safe_set_not_null(p, op.table, col.name)
    if ch.get("autoincrement"):
        p.steps.append(_identity_restart(op, col.name))
    if "primary_key" in ch:
        common.primary_key_steps(p, op, snap, rt, ch["primary_key"])
    if "name" in ch:
        p.steps.append(ddl.RenameColumn(op.table, col.name, ch["name"]))


def _autoincrement_clauses(
    op: AlterColumnOp, col: sa.Column[Any], ch: dict[str, Any]
) -> list[ddl.ColumnClause]:
    """Identity on (``ADD GENERATED BY DEFAULT AS IDENTITY``) or off (identity or serial).

    A serial whose default the same alter drops (``server_default=None,
    autoincrement=True``) becomes an identity column."""
    if ch["autoincrement"]:
        dropped = "server_default" in ch and ch["server_default"] is None
        if col.server_default is not None and not dropped:
            raise NotSupportedError(
                f"Cannot make column {col.name!r} of {op.table.fullname!r} autoincrement: it "
                "has a server default; drop it first (server_default=None)"
            )
        return [ddl.SetIdentity(True)]
    if col.identity is not None:
        return [ddl.SetIdentity(False)]
    if "server_default" in ch:
        return []  # the serial's default is replaced already
    return [ddl.SetDefault(None, col.type)]  # serial: its nextval() default goes


def _identity_restart(op: AlterColumnOp, column: str) -> sa.Select[Any]:
    """A new identity continues after the rows already there, not at 1.

    ``pg_get_serial_sequence`` reads its first argument as SQL text (a possibly
    schema-qualified table name, case-folded unless quoted), its second as a plain column
    name. Both are typed string literals, so the statement also renders offline.
    """
    table = sa.table(op.table.name, schema=op.table.schema)
    # quoted as PostgreSQL parses the text (the same on every driver)
    qualified = dialect_from_name("postgresql").identifier_preparer.format_table(table)
    current = sa.select(sa.func.max(sa.column(column))).select_from(table).scalar_subquery()
    sequence = sa.func.pg_get_serial_sequence(
        sa.literal(qualified, sa.String), sa.literal(column, sa.String)
    )
    return sa.select(sa.func.setval(sequence, sa.func.coalesce(current, 0) + 1, False))


def safe_set_not_null(p: Plan, table: TableRef, column: str) -> None:
    """``postgresql_safe_not_null=True``: SET NOT NULL without a long scan under lock.

    ``ADD CONSTRAINT <t>_<c>_not_null CHECK (c IS NOT NULL) NOT VALID`` (brief lock, no
    scan) commits first; then ``VALIDATE CONSTRAINT`` (scans under SHARE UPDATE EXCLUSIVE:
    reads and writes go on), ``SET NOT NULL`` (PostgreSQL 12+ sees the validated check and
    skips its own scan) and ``DROP CONSTRAINT``, each committed on its own with an Engine.
    If validation fails (NULLs exist) the check is dropped again and the error raised.
    """
    name = f"{table.name}_{column}_not_null"[:63]
    p.steps.append(ddl.AddNotNullCheck(table, name, column))
    p.after_commit.append(ddl.ValidateConstraint(table, name))
    p.after_commit.append(ddl.AlterColumnNullable(table, column, False))
    p.after_commit.append(ddl.DropConstraintByName(table, name, "check"))
    p.cleanup.append(ddl.DropConstraintByName(table, name, "check"))
