"""Step builders shared by the server databases (PostgreSQL, MySQL/MariaDB)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from migrate.changeset import _tables, ddl
from migrate.changeset.capabilities import Capabilities, dialect_from_name
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
    RenameTableOp,
)
from migrate.changeset.snapshot import TableSnapshot
from migrate.changeset.steps import (
    Backfill,
    Plan,
    backfill,
    column_for_render,
    default_literal,
    python_default_value,
)
from migrate.exceptions import InvalidOperationError, NotSupportedError


def add_column(p: Plan, op: AddColumnOp, caps: Capabilities, rt: sa.Table | None) -> None:
    """ADD COLUMN, filling existing rows from a Python default without a table rewrite.

    A constant (or once-evaluated callable) default is added as a temporary server
    DEFAULT and dropped right after (catalog-only on PostgreSQL 11+, instant on MySQL 8 /
    MariaDB 10.3+); a SQL expression default is added nullable, filled by one UPDATE,
    then made NOT NULL if asked. ``rt`` None: the column is rendered detached (a light
    plan, see ``postgres._light_plan``; never with a SQL expression default).
    """
    col = op.column
    # A column not declared primary key is never rendered AUTO_INCREMENT/SERIAL, even
    # when a primary key added on it later in this plan makes it the render table's
    # autoincrement column (steps compile after the whole plan is built).
    auto: dict[str, Any] = {}
    if not col.primary_key and col.autoincrement is not True:
        auto["autoincrement"] = False
    kind, value = python_default_value(col) if op.populate_default else ("none", None)
    if kind == "scalar" and value is not None:
        render = column_for_render(col, rt, **auto)
        render.server_default = sa.DefaultClause(default_literal(value, col.type))
        p.steps.append(ddl.AddColumn(op.table, render))
        p.steps.append(ddl.AlterColumnDefault(op.table, render, None))
    elif kind == "sql":
        assert rt is not None, "the UPDATE backfill reads the render table"
        render = column_for_render(col, rt, nullable=True, **auto)
        p.steps.append(ddl.AddColumn(op.table, render))
        p.steps.append(backfill(rt, render.key, value, kind))
        if not col.nullable:
            p.steps.append(set_not_null(op, caps, col, rt))
    elif rt is None:
        # a light plan: a column outside the primary key renders the same without a
        # copy (``autoincrement`` only matters for primary key columns)
        p.steps.append(ddl.AddColumn(op.table, col))
    else:
        render = column_for_render(col, rt, **auto)
        p.steps.append(ddl.AddColumn(op.table, render))


def callable_default(column: sa.Column[Any]) -> bool:
    """A Python callable default (``uuid.uuid4``, ``datetime.now``, a lambda)."""
    default = column.default
    return (
        default is not None
        and column.server_default is None
        and bool(getattr(default, "is_callable", False))
    )


def key_column(column: sa.Column[Any], ops: Sequence[Op]) -> bool:
    """Whether ``column`` is (or the ops make it) part of a primary key or unique
    constraint: existing rows need a value each (SPEC §4), never one for all."""
    if column.primary_key or column.unique:
        return True
    for op in ops:
        if isinstance(op, AddConstraintOp) and isinstance(
            op.constraint, (sa.PrimaryKeyConstraint, sa.UniqueConstraint)
        ):
            cons = op.constraint
            pending = getattr(cons, "_pending_colargs", ())
            names = [c.name for c in cons.columns] or [getattr(c, "name", c) for c in pending]
            if column.name in names:
                return True
    return False


def add_column_per_row(
    p: Plan,
    op: AddColumnOp,
    caps: Capabilities,
    rt: sa.Table,
    key: tuple[str, ...],
    *,
    in_steps: bool,
) -> None:
    """``ADD COLUMN`` (nullable, no default), a :class:`Backfill` calling the column's
    default once per row (by ``key``, in batches; ``()``: one row at a time by ``LIMIT
    1``), then NOT NULL if asked. ``in_steps``: in the operation's own steps (a key
    constraint added after it needs the values), else after it committed."""
    col = op.column
    render = column_for_render(col, rt, nullable=True)
    p.steps.append(ddl.AddColumn(op.table, render))
    fill = col.default.arg  # type: ignore[union-attr]

    def value() -> Any:
        return fill(None)

    target = p.steps if in_steps else p.after_commit
    # the batch size: planner.plan sets it (planner.BACKFILL_BATCH_SIZE, tunable); without
    # a key, one row per UPDATE ... LIMIT 1
    target.append(Backfill(op.table, col.name, value, col.type, key))
    if not col.nullable:
        target.append(set_not_null(op, caps, col, rt))


def set_not_null(
    op: AddColumnOp, caps: Capabilities, col: sa.Column[Any], rt: sa.Table
) -> ddl.AlterTableElement:
    if caps.family == "mysql":
        final = column_for_render(col, None)
        # replaces the nullable render copy, found by key (a name lookup misses a
        # Column whose key= differs from its name)
        rt.append_column(final, replace_existing=True)
        return ddl.ModifyColumn(op.table, col.name, final)
    return ddl.AlterColumnNullable(op.table, col.name, False)


def drop_column(p: Plan, op: DropColumnOp, rt: sa.Table) -> None:
    p.steps.append(ddl.DropColumn(op.table, op.column_name))


def rename_table(p: Plan, op: RenameTableOp) -> None:
    p.steps.append(ddl.RenameTable(op.table, op.new_name))


def create_index(p: Plan, op: CreateIndexOp, rt: sa.Table) -> None:
    cols = [column_named(rt, name) for name in op.columns]
    index = sa.Index(op.name, *cols, unique=op.unique, **dict(op.dialect_kw))
    p.steps.append(sa.schema.CreateIndex(index))


def column_named(table: sa.Table, name: str) -> sa.Column[Any]:
    """``table``'s column called ``name`` (KeyError if none), found by name, never by its
    ``.c`` key: a caller's Column may have a ``key=`` other than its name, and render
    copies keep it. Like ``TableSnapshot.column``, an exact match first, then one that
    differs only in case."""
    found = next((c for c in table.columns if c.name == name), None)
    if found is None:
        lower = fold(name)
        found = next((c for c in table.columns if fold(c.name) == lower), None)
    if found is None:
        raise KeyError(name)
    return found


def columns_named(table: sa.Table, names: Sequence[str]) -> list[sa.Column[Any] | str]:
    """For a constraint on ``table``: its columns called ``names``; a name ``table`` does
    not have stays a string (SQLAlchemy resolves strings by ``.c`` key, not by name)."""
    out: list[sa.Column[Any] | str] = []
    for name in names:
        try:
            out.append(column_named(table, name))
        except KeyError:
            out.append(name)
    return out


def drop_index(p: Plan, op: DropIndexOp, rt: sa.Table) -> None:
    index = sa.Index(op.index_name, _table=rt, **dict(op.dialect_kw))
    p.steps.append(sa.schema.DropIndex(index))


def add_constraint(p: Plan, op: AddConstraintOp, rt: sa.Table) -> None:
    copy = op.constraint._copy()
    rt.append_constraint(copy)
    p.steps.append(sa.schema.AddConstraint(copy))


def drop_constraint(p: Plan, op: DropConstraintOp, rt: sa.Table) -> None:
    p.steps.append(
        ddl.DropConstraintByName(op.table, op.constraint_name, op.kind or "", op.cascade)
    )


# ---- ALTER COLUMN ------------------------------------------------------------------------


def dialect_for(caps: Capabilities) -> Dialect:
    """A Dialect of the planner's family, to check that types and defaults render."""
    return dialect_from_name("mariadb" if caps.is_mariadb else caps.family)


def render_type(type_: sa.types.TypeEngine[Any], caps: Capabilities) -> str:
    """The type's DDL spelling; a type the dialect cannot render is refused."""
    try:
        return str(type_.compile(dialect=dialect_for(caps)))
    except (sa.exc.CompileError, sa.exc.UnsupportedCompilationError) as exc:
        raise NotSupportedError(
            f"Type {type_!r} cannot be rendered for {caps.family}: {exc}; "
            "choose a type this database supports"
        ) from None


def server_default_clause(value: Any) -> sa.DefaultClause | None:
    """A fresh DefaultClause from what ``server_default=`` accepts (None drops it)."""
    if value is None:
        return None
    if isinstance(value, sa.DefaultClause):
        return sa.DefaultClause(value.arg)
    if isinstance(value, (str, sa.sql.ClauseElement)):
        return sa.DefaultClause(value)
    raise InvalidOperationError(
        f"server_default must be a string, text(), a DefaultClause or None, not {value!r}"
    )


def default_text(default: Any, type_: sa.types.TypeEngine[Any], caps: Capabilities) -> str | None:
    """How a server default renders in DDL, to compare an old one with a new one."""
    if default is None:
        return None
    arg = getattr(default, "arg", None)
    if isinstance(arg, sa.sql.elements.TextClause):
        return arg.text
    clause = server_default_clause(default)
    if clause is None:
        return None
    d = dialect_for(caps)
    holder = sa.Column("x", type_, server_default=clause)
    return d.ddl_compiler(d, None).get_column_default_string(holder)  # type: ignore[arg-type]


def is_autoincrement(col: sa.Column[Any]) -> bool:
    """Whether the (reflected) column generates its values."""
    if col.identity is not None or col.autoincrement is True:
        return True
    text = default_text_raw(col)
    return text is not None and text.lower().startswith("nextval(")


def is_serial(col: sa.Column[Any]) -> bool:
    """A PostgreSQL serial: no identity, a ``nextval(...)`` server default."""
    text = default_text_raw(col)
    return col.identity is None and text is not None and text.lower().startswith("nextval(")


def default_text_raw(col: sa.Column[Any]) -> str | None:
    arg = getattr(col.server_default, "arg", None)
    if arg is None:
        return None
    return arg.text if isinstance(arg, sa.sql.elements.TextClause) else str(arg)


def alter_changes(op: AlterColumnOp, snap: TableSnapshot, caps: Capabilities) -> dict[str, Any]:
    """What ``op`` really changes compared with the snapshot's column (no-ops dropped).

    ``server_default`` comes back as a fresh DefaultClause or None.
    """
    col = snap.column(op.column_name)
    assert col is not None, "validate() checks the column exists"
    return column_changes(op, col, caps)


def column_changes(op: AlterColumnOp, col: sa.Column[Any], caps: Capabilities) -> dict[str, Any]:
    """:func:`alter_changes` against ``col``, the column as it is now."""
    out: dict[str, Any] = {}
    if op.name is not UNCHANGED and op.name != col.name:
        out["name"] = op.name
    if op.type is not UNCHANGED:
        new = render_type(op.type, caps)
        try:
            old = render_type(col.type, caps)
        except NotSupportedError:
            old = None
        if new != old:
            out["type"] = op.type
    if op.nullable is not UNCHANGED and bool(op.nullable) != bool(col.nullable):
        out["nullable"] = bool(op.nullable)
    if op.server_default is not UNCHANGED:
        new_default = server_default_clause(op.server_default)
        type_ = out.get("type", col.type)
        if new_default is None:
            if col.server_default is not None and col.computed is None:
                out["server_default"] = None
        elif default_text(new_default, type_, caps) != default_text(
            col.server_default, type_, caps
        ):
            out["server_default"] = new_default
    if op.primary_key is not UNCHANGED and bool(op.primary_key) != bool(col.primary_key):
        out["primary_key"] = bool(op.primary_key)
    if op.autoincrement is not UNCHANGED and op.autoincrement != "auto":
        generates = is_autoincrement(col)
        if generates and is_serial(col) and "server_default" in out:
            generates = False  # the serial's nextval() default goes: an identity replaces it
        if bool(op.autoincrement) != generates:
            out["autoincrement"] = bool(op.autoincrement)
    return out


def type_family(type_: sa.types.TypeEngine[Any]) -> str:
    """Coarse type family: PostgreSQL casts implicitly within one, needs USING across."""
    cls = type(type_)
    family = _FAMILIES.get(cls)
    if family is not None:
        return family
    if isinstance(type_, sa.Enum):
        family = "enum"
    else:
        affinity = type_._type_affinity
        if affinity is None:
            family = cls.__name__
        elif issubclass(affinity, (sa.Integer, sa.Numeric)):
            family = "number"
        else:
            family = affinity.__name__
    if inspect.getattr_static(cls, "_type_affinity") is _BASE_AFFINITY:
        _FAMILIES[cls] = family  # SQLAlchemy's affinity: a function of the class alone
    return family


#: :func:`type_family` of type classes whose affinity depends on the class alone (not,
#: e.g., a TypeDecorator's, which is its ``impl``'s): SQLAlchemy computes it per type
#: object, walking the class's MRO, and an alter has two new type objects (bench W5)
_FAMILIES: dict[type, str] = {}
_BASE_AFFINITY = inspect.getattr_static(sa.types.TypeEngine, "_type_affinity")


def primary_key_steps(
    p: Plan,
    op: AlterColumnOp,
    snap: TableSnapshot,
    rt: sa.Table,
    make_pk: bool,
    *,
    one_statement: bool = False,
) -> None:
    """Add the column to, or take it out of, the primary key (drop and re-add the PK).

    An unnamed primary key (offline, from a Table object) has PostgreSQL's default
    name ``<table>_pkey``; MySQL's is always ``PRIMARY``. ``one_statement``: drop and
    add in one ``ALTER TABLE`` (MySQL: an AUTO_INCREMENT column must stay a key).
    """
    pk = snap.table.primary_key
    pk_name = pk.name if isinstance(pk.name, str) else f"{op.table.name}_pkey"
    current = [c.name for c in pk.columns]
    if make_pk:
        wanted = [*current, op.column_name]
    else:
        wanted = [n for n in current if n != op.column_name]
    drop = ddl.DropConstraintByName(op.table, pk_name, "primary_key") if current else None
    if drop is not None:
        p.steps.append(drop)
    if wanted:
        name = pk.name if isinstance(pk.name, str) and pk.name != "PRIMARY" else None
        cols = columns_named(rt, wanted)
        names = {c if isinstance(c, str) else c.name for c in cols}
        for col in rt.columns:  # the render copy's flags agree with its new key
            col.primary_key = col.name in names
        cons = sa.PrimaryKeyConstraint(*cols, name=name)  # Column objects: attached here
        rt.append_constraint(cons)
        if drop is not None and one_statement:
            p.steps[-1] = ddl.AlterTableClauses(
                op.table, [drop, ddl.AddConstraintClause(op.table, cons)]
            )
        else:
            p.steps.append(sa.schema.AddConstraint(cons))


# ---- batches: later ops see what earlier ops of the same batch did ---------------------


def batch_snapshot(snap: TableSnapshot, ops: Sequence[Op]) -> TableSnapshot:
    """A snapshot whose table :func:`advance` may change (a copy, for batches only)."""
    if len(ops) < 2:
        return snap
    return dataclasses.replace(snap, table=snap.table.to_metadata(sa.MetaData()))


def advance(
    snap: TableSnapshot, rt: sa.Table, op: Op, changes: dict[str, Any] | None = None
) -> None:
    """Apply ``op`` to the batch's snapshot copy and render table, as the database will
    have it, so the next op of the batch is planned against the right column.

    Only for the copy :func:`batch_snapshot` made: a single op changes no snapshot."""
    for table in (snap.table, rt):
        match op:
            case AddColumnOp():
                if table is snap.table:
                    table.append_column(op.column._copy(), replace_existing=True)
                else:
                    # the render copy add_column made goes (found by key: column_for_render
                    # replaces by name, and a Column's key= may differ from its name)
                    stale = table.c.get(op.column.key)
                    if stale is not None and stale.name == op.column.name:
                        table._columns.remove(stale)
                    column_for_render(op.column, table)
            case DropColumnOp():
                _tables.remove_column(table, op.column_name)
            case DropIndexOp():
                # a later DROP COLUMN must not re-create (shrunk) an index the batch dropped
                for index in [i for i in table.indexes if i.name == op.index_name]:
                    table.indexes.discard(index)
            case AlterColumnOp() if changes:
                current = next(
                    (c for c in table.columns if fold(c.name) == fold(op.column_name)), None
                )
                if current is not None:
                    # steps already planned hold the old column object: change a copy
                    fresh = current._copy()
                    table.append_column(fresh, replace_existing=True)
                    _tables.alter_column(table, fresh, changes)
                    # a render copy keeps no alias for the old name: a later op may reuse it
                    _tables.forget_alias(table, current.key)


class ColumnList:
    """The columns of a table as a batch's earlier ops leave them, without a Table copy.

    For light plans (``postgres._light_plan``: only plain column changes), which read
    nothing of the table but its columns. Lookups and changes follow
    :meth:`TableSnapshot.column <migrate.changeset.snapshot.TableSnapshot.column>` and
    :func:`advance` on a copy exactly; the snapshot's own Column objects are never
    changed: an altered column becomes a changed copy, made when it is looked up again.
    """

    def __init__(self, table: sa.Table) -> None:
        self.entries: list[sa.Column[Any] | _Altered] = list(table.columns)

    def column(self, name: str) -> sa.Column[Any] | None:
        at = self._named(name)
        if at is None:
            at = self._folded(fold(name))
        if at is None:
            return None
        entry = self.entries[at]
        if isinstance(entry, _Altered):
            entry = self.entries[at] = entry.column()
        return entry

    # loops, not next() over a generator with a lambda: a few lookups per op (bench W5)
    def _named(self, name: str) -> int | None:
        for i, c in enumerate(self.entries):
            if c.name == name:
                return i
        return None

    def _folded(self, lower: str) -> int | None:
        for i, c in enumerate(self.entries):
            if fold(c.name) == lower:
                return i
        return None

    def advance(self, op: Op, changes: dict[str, Any] | None) -> None:
        match op:
            case AddColumnOp():
                # as Table.append_column(replace_existing=True): same key, same place
                key = op.column.key
                for i, c in enumerate(self.entries):
                    if c.key == key:
                        self.entries[i] = op.column
                        break
                else:
                    self.entries.append(op.column)
            case DropColumnOp():
                at = self._named(op.column_name)
                if at is not None:
                    del self.entries[at]
            case AlterColumnOp() if changes:
                at = self._folded(fold(op.column_name))
                if at is not None:
                    entry = self.entries[at]
                    if isinstance(entry, _Altered):
                        self.entries[at] = _Altered(entry.base, [*entry.changes, changes])
                    else:
                        self.entries[at] = _Altered(entry, [changes])


class _Altered:
    """A column and the alter changes made to it so far, applied (to copies, as
    :func:`advance` does) only when the column is looked up again."""

    def __init__(self, base: sa.Column[Any], changes: list[dict[str, Any]]) -> None:
        self.base = base
        self.changes = changes
        # the name and key _tables.alter_column will give it
        name, key = base.name, base.key
        for ch in changes:
            new = ch.get("name")
            if new is not None and new != name:
                key = new if key == name else key
                name = new
        self.name, self.key = name, key

    def column(self) -> sa.Column[Any]:
        column = self.base
        for ch in self.changes:
            column = column._copy()
            _tables.alter_column(None, column, ch)
        return column
