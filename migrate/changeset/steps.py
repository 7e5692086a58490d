"""What a plan is made of (:class:`Plan`, :data:`Step`, :class:`Backfill`) and the
helpers the dialect planners share to build steps: data the planners produce and the
runner consumes, below both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.schema import ExecutableDDLElement

from migrate.changeset import ddl
from migrate.changeset.ops import TableRef
from migrate.changeset.snapshot import TableSnapshot
from migrate.exceptions import InvalidOperationError

#: Rows per batch of a :class:`Backfill` (one UPDATE ... executemany per batch).
BACKFILL_BATCH_SIZE = 10_000


@dataclass(frozen=True)
class Backfill:
    """Fill a new column row by row from a Python callable, in batches by primary key.

    Not SQL: the runner executes it itself (``runner.backfill``). Each batch selects the
    next ``batch_size`` primary keys after the last one seen, calls ``fill()`` once per
    row and updates those rows by key, logging progress at INFO on ``migrate.changeset``.
    Offline SQL cannot render it (a per-row Python value has no SQL spelling).
    """

    table: TableRef
    column: str
    fill: Callable[[], Any] = field(compare=False)
    type: sa.types.TypeEngine[Any] = field(compare=False)
    key: tuple[str, ...]
    batch_size: int = BACKFILL_BATCH_SIZE


#: One statement of a plan: our DDL elements, SQLAlchemy's, or DML such as a backfill UPDATE.
Step: TypeAlias = ExecutableDDLElement | sa.Executable | Backfill


@dataclass
class Plan:
    """What the runner executes for one operation or batch, in one transaction."""

    steps: list[Step] = field(default_factory=list)
    #: SQLite: tables to ``PRAGMA foreign_key_check`` before commit
    fk_check_tables: tuple[str, ...] = ()
    #: SQLite: the attached database those tables are in (None: main)
    fk_check_schema: str | None = None
    #: SQLite: the steps need ``PRAGMA legacy_alter_table=ON``
    legacy_alter_table: bool = False
    #: SQLite: how many times the table's rows are copied
    copies: int = 0
    #: SQLite: the steps drop a table that foreign keys reference (or that has some):
    #: they must run with ``PRAGMA foreign_keys`` off (or deferred)
    needs_foreign_keys_off: bool = False
    #: SQLite: other tables whose foreign keys reference the rebuilt table
    child_tables: tuple[str, ...] = ()
    #: SQLite: the rebuilt table has a foreign key to itself
    self_referencing: bool = False
    #: steps run after ``steps`` committed (Engine: each in its own transaction; a
    #: caller's Connection/Session: right after, in its transaction): batched backfills
    after_commit: list[Step] = field(default_factory=list)
    #: PostgreSQL: the steps cannot run inside a transaction block (``CONCURRENTLY``);
    #: informational: the runner decides from the ops, before it opens a transaction
    autocommit: bool = False
    #: run (best effort) when an ``after_commit`` step fails, e.g. drop a NOT VALID check
    cleanup: list[Step] = field(default_factory=list)
    #: SQLite: SQL functions (no arguments) the steps call, registered on the connection
    #: first (a callable default evaluated per row by a rebuild's copy)
    sqlite_functions: dict[str, Callable[[], Any]] = field(default_factory=dict)


# ---- helpers shared by the dialect planners ---------------------------------------------


def render_table(snap: TableSnapshot) -> sa.Table:
    """A fresh copy of the snapshot's table that steps can reference and extend."""
    return snap.table.to_metadata(sa.MetaData())


def column_for_render(
    column: sa.Column[Any], table: sa.Table | None, **changes: Any
) -> sa.Column[Any]:
    """A copy of ``column`` attached to ``table`` (a render copy), with ``changes`` applied.

    ``table`` None: a detached copy, for a column whose DDL reads nothing of its table
    (not part of the primary key: see ``postgres._light_plan``).
    """
    copy = column._copy()
    for key, value in changes.items():
        setattr(copy, key, value)
    if table is None:
        return copy
    if copy.name in table.c:
        table._columns.remove(table.c[copy.name])  # render copy only, never a caller's table
    table.append_column(copy)
    return copy


def python_default_value(column: sa.Column[Any]) -> tuple[str, Any]:
    """Classify the column's Python default: ("none"|"scalar"|"sql", value).

    A callable default is evaluated once here (documented): every existing row gets
    the same value. A SQL expression default is evaluated per row by the database.
    """
    default = column.default
    if default is None or not populatable(column):
        return "none", None
    if getattr(default, "is_sequence", False):
        return "none", None
    if getattr(default, "is_scalar", False):
        return _constant("scalar", default.arg, column)  # type: ignore[attr-defined]
    if getattr(default, "is_callable", False):
        try:
            return _constant("scalar", default.arg(None), column)  # type: ignore[attr-defined]
        except TypeError as exc:
            raise InvalidOperationError(
                f"Cannot evaluate the default of column {column.name!r} to fill existing "
                f"rows ({exc}); give a scalar or SQL expression default or "
                "populate_default=False"
            ) from exc
    if getattr(default, "is_clause_element", False):
        return "sql", default.arg  # type: ignore[attr-defined]
    return "none", None


def _constant(kind: str, value: Any, column: sa.Column[Any]) -> tuple[str, Any]:
    """A constant the column's type must process to store (``PickleType``, ``JSON``):
    filled by an UPDATE with the value bound (``ddl.TypedValue``), like an SQL default."""
    if value is not None and ddl.needs_binding(value, column.type):
        return "sql", ddl.TypedValue(value, column.type, column.name)
    return kind, value


def populatable(column: sa.Column[Any]) -> bool:
    return column.server_default is None


def backfill(table: sa.Table, column_name: str, value: Any, kind: str) -> sa.Update:
    """``UPDATE t SET c = value`` for existing rows (value literal or SQL expression).

    A literal value is set on a column of a table clause of its own: the statement
    compiles after the whole plan is built, and a later op of the batch may have
    dropped or renamed the column in ``table`` by then.
    """
    col = table.c[column_name]
    if kind == "sql":  # the expression may read the table's other columns
        return sa.update(table).values({col: value})
    target = sa.table(table.name, sa.column(col.name, col.type), schema=table.schema)
    return sa.update(target).values({target.c[0]: default_literal(value, col.type)})


_PROBE = sa.engine.default.DefaultDialect()


def default_literal(value: Any, type_: sa.types.TypeEngine[Any]) -> sa.BindParameter[Any]:
    """``value``, a column's constant Python default, as a literal of the column's type;
    one that type cannot write as SQL (``default=3`` on a ``String`` column) as a literal
    of the value's own Python type, which the database converts on assignment like it
    converts the value of an INSERT."""
    try:
        processor = type_.literal_processor(_PROBE)
        if processor is not None:
            processor(value)
    except Exception:  # noqa: BLE001 (any failure of the type's own renderer)
        return sa.literal(value)
    return sa.literal(value, type_=type_)
