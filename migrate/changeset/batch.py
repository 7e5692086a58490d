"""Batches: several changes to one table, planned together.

    with migrate.changeset.alter_table("users", engine=e) as t:
        t.add_column(Column("email", String(120)))
        t.rename_column("name", "full_name")
        t.create_index("ix_users_email", "email")

Nothing runs if the block raises. On SQLite every change becomes ONE table rebuild
(or only native statements when all are native); on PostgreSQL and MySQL consecutive
clauses become one ``ALTER TABLE`` where the database allows.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from migrate.changeset import _tables, binding, runner
from migrate.changeset.binding import Bindable
from migrate.changeset.constraint import constraint_kind
from migrate.changeset.databases.common import column_named
from migrate.changeset.delta import (
    DIALECT_PREFIXES,
    normalise_type,
    server_default_clause,
)
from migrate.changeset.ops import (
    AddColumnOp,
    AddConstraintOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    Op,
    TableRef,
)
from migrate.exceptions import IgnoredArgumentWarning, InvalidOperationError

_ALTER_KEYS = ("name", "type", "nullable", "server_default", "autoincrement", "primary_key")


class BatchOperations:
    """Collects the changes of one :func:`alter_table` block, in order."""

    def __init__(self, ref: TableRef) -> None:
        self.table = ref
        self.ops: list[Op] = []

    def add_column(self, column: sa.Column[Any], *, populate_default: bool = True) -> None:
        """Add ``column`` (filled from its Python default unless ``populate_default=False``)."""
        self.ops.append(AddColumnOp(self.table, column, populate_default))

    def drop_column(self, name: str) -> None:
        """Drop column ``name`` (indexes on it shrink or vanish, constraints on it go)."""
        self.ops.append(DropColumnOp(self.table, name))

    def alter_column(self, name: str, /, **changes: Any) -> None:
        """Change column ``name``: the keywords of :meth:`Column.alter` (no ``default=``)."""
        options = tuple(
            sorted((k, v) for k, v in changes.items() if k.startswith(DIALECT_PREFIXES))
        )
        unknown = sorted(set(changes) - set(_ALTER_KEYS) - {k for k, _ in options})
        if unknown:
            warnings.warn(
                f"alter_column({name!r}) ignored keyword argument(s): {', '.join(unknown)}",
                IgnoredArgumentWarning,
                stacklevel=2,
            )
        fields: dict[str, Any] = {k: changes[k] for k in _ALTER_KEYS if k in changes}
        if "type" in fields:
            fields["type"] = normalise_type(fields["type"])
        if "server_default" in fields:
            fields["server_default"] = server_default_clause(fields["server_default"])
        if not fields and not options:
            raise InvalidOperationError(f"alter_column({name!r}) names no change")
        self.ops.append(AlterColumnOp(self.table, name, dialect_options=options, **fields))

    def rename_column(self, old: str, new: str) -> None:
        """Rename column ``old`` to ``new``."""
        self.ops.append(AlterColumnOp(self.table, old, name=new))

    def add_constraint(self, constraint: sa.Constraint) -> None:
        """Add a SQLAlchemy or ``migrate.changeset.constraint`` constraint (by column names)."""
        self.ops.append(AddConstraintOp(self.table, constraint))

    def drop_constraint(self, name: str | sa.Constraint) -> None:
        """Drop the constraint called ``name`` (its kind is found in the database), or the
        one the database has that matches a constraint object by definition (its kind and
        columns; the way to drop an unnamed constraint)."""
        if isinstance(name, sa.Constraint):
            given = name.name if isinstance(name.name, str) and name.name else None
            kind = constraint_kind(name)
            self.ops.append(DropConstraintOp(self.table, given, kind, constraint=name))
            return
        self.ops.append(DropConstraintOp(self.table, name))

    def create_index(
        self, name: str, *columns: str, unique: bool = False, **dialect_kw: Any
    ) -> None:
        """Create index ``name`` on ``columns``; SQLAlchemy's dialect keywords apply.

        ``postgresql_concurrently=True``: ``CREATE INDEX CONCURRENTLY``, which PostgreSQL
        runs only outside a transaction block: with an Engine the batch then runs in
        autocommit (statement by statement, not atomic); with a Connection or Session
        inside a transaction an ``InvalidOperationError`` is raised before anything runs.
        """
        self.ops.append(
            CreateIndexOp(self.table, name, tuple(columns), unique, tuple(dialect_kw.items()))
        )

    def drop_index(self, name: str, **dialect_kw: Any) -> None:
        """Drop index ``name``; ``postgresql_concurrently=True``: ``DROP INDEX CONCURRENTLY``
        (outside a transaction, like :meth:`create_index`)."""
        self.ops.append(DropIndexOp(self.table, name, tuple(dialect_kw.items())))


@contextmanager
def alter_table(
    table: str | sa.Table,
    *,
    schema: str | None = None,
    engine: Bindable | None = None,
    connection: Bindable | None = None,
    mysql_algorithm: str | None = None,
    mysql_lock: str | None = None,
) -> Iterator[BatchOperations]:
    """Collect changes to ``table`` (a name or a Table) and apply them together on exit.

    The bind is found as for every operation. With a Table object, its columns,
    indexes and constraints are updated after the batch succeeded.
    ``mysql_algorithm=`` (``INSTANT``/``INPLACE``/``NOCOPY``/``COPY``/``DEFAULT``) and
    ``mysql_lock=`` (``NONE``/``SHARED``/``EXCLUSIVE``/``DEFAULT``) are appended to every
    ALTER TABLE of the batch on MySQL/MariaDB (the server refuses instead of copying);
    other dialects ignore them.
    """
    options = {
        k: v
        for k, v in (("mysql_algorithm", mysql_algorithm), ("mysql_lock", mysql_lock))
        if v is not None
    }
    table_obj = table if isinstance(table, sa.Table) else None
    ref = (
        TableRef(table.name, table.schema)
        if isinstance(table, sa.Table)
        else TableRef(table, schema)
    )
    batch = BatchOperations(ref)
    yield batch
    if not batch.ops:
        return
    target = None
    if not runner.offline_active():
        target = binding.resolve(
            connection=connection, engine=engine, table=table_obj, what=f"altering {ref.fullname!r}"
        )
    runner.run(batch.ops, target, table=table_obj, batch=True, options=options)
    if table_obj is not None:
        _follow(table_obj, batch.ops)


def _follow(table: sa.Table, ops: list[Op]) -> None:
    """Bring the caller's Table up to date after a successful batch."""
    for op in ops:
        match op:
            case AddColumnOp():
                _tables.forget_alias(table, op.column.key)
                table.append_column(op.column, replace_existing=True)
            case DropColumnOp():
                _tables.remove_column(table, op.column_name)
            case AlterColumnOp():
                column = _named(table, op.column_name)
                if column is not None:
                    _tables.alter_column(table, column, op.changes())
            case CreateIndexOp():
                found = [c for c in (_named(table, n) for n in op.columns) if c is not None]
                if len(found) == len(op.columns):
                    sa.Index(op.name, *found, unique=op.unique)
            case DropIndexOp():
                for index in list(table.indexes):
                    if index.name == op.index_name:
                        table.indexes.discard(index)


def _named(table: sa.Table, name: str) -> sa.Column[Any] | None:
    """The caller's column called ``name`` (batch methods take the database's names; a
    Column's ``.c`` key may differ), or None when the Table does not describe it."""
    try:
        return column_named(table, name)
    except KeyError:
        return None
