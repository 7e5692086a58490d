"""The legacy changeset API: methods added to Column, Table and Index, and functions.

Each call builds ops, hands them to the runner (one transaction), and, once the
database changed, brings the caller's Table and MetaData objects up to date.
"""

from __future__ import annotations

import contextlib
import warnings
from typing import Any

import sqlalchemy as sa

from migrate.changeset import _tables, binding, ddl, introspect, runner
from migrate.changeset.binding import Bindable
from migrate.changeset.delta import ColumnDelta, RenamedByName
from migrate.changeset.ops import (
    AddColumnOp,
    AddConstraintOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    Op,
    RenameIndexOp,
    RenameTableOp,
    TableRef,
)
from migrate.changeset.planner import Plan
from migrate.exceptions import (
    IgnoredArgumentWarning,
    InvalidConstraintError,
    InvalidOperationError,
    MigrateDeprecationWarning,
)

__all__ = [
    "create_column",
    "drop_column",
    "alter_column",
    "rename_table",
    "rename_index",
    "ColumnDelta",
    "ChangesetColumn",
    "ChangesetTable",
    "ChangesetIndex",
    "ChangesetDefaultClause",
]


def table_ref(table: sa.Table) -> TableRef:
    """The table as the database knows it: name and schema."""
    return TableRef(table.name, table.schema)


def warn_ignored(where: str, kw: dict[str, Any]) -> None:
    """Unknown keywords are reported, never silently swallowed."""
    if kw:
        names = ", ".join(sorted(kw))
        warnings.warn(
            f"{where} ignored keyword argument(s): {names}",
            IgnoredArgumentWarning,
            stacklevel=3,
        )


#: Operation-wide dialect options every operation accepts (ignored on other dialects).
ALTER_OPTIONS = ("mysql_algorithm", "mysql_lock", "mariadb_algorithm", "mariadb_lock")


def pop_alter_options(kw: dict[str, Any]) -> dict[str, Any]:
    """Take ``mysql_algorithm=``/``mysql_lock=`` out of ``kw``.

    MySQL/MariaDB append ``, ALGORITHM=..., LOCK=...`` to the operation's ALTER TABLE
    (and CREATE/DROP INDEX) statements, so the server refuses a change it cannot do that
    way instead of silently copying the table. Other dialects ignore them without a
    warning, like SQLAlchemy's dialect keywords.
    """
    if not kw:
        return {}
    return {k: kw.pop(k) for k in ALTER_OPTIONS if k in kw}


def run_ops(
    ops: list[Op],
    table: sa.Table | None,
    *,
    connection: Bindable | None,
    engine: Bindable | None,
    what: str,
    name: object,
    options: dict[str, Any] | None = None,
    reflected: tuple[sa.Connection, sa.Table] | None = None,
) -> Plan:
    """Run ``ops`` on the bind found for them (``what`` and ``name``, e.g. "adding column"
    and the column's name, say what for in the error when none is found), or render them
    as offline SQL. The message is formatted only then: offline, never (bench W5)."""
    target = None
    if not runner.offline_active():
        target = binding.resolve(
            connection=connection, engine=engine, table=table, what=f"{what} {name!r}"
        )
    return runner.run(ops, target, table=table, options=options, reflected=reflected)


# ---- functions ---------------------------------------------------------------------------


def create_column(column: sa.Column[Any], table: sa.Table | None = None, *p: Any, **kw: Any) -> Any:
    """Create a column, given the table. API to :meth:`Column.create`."""
    if table is not None:
        return table_create_column(table, column, *p, **kw)
    return column_create(column, *p, **kw)


def drop_column(
    column: sa.Column[Any] | str, table: sa.Table | None = None, *p: Any, **kw: Any
) -> Any:
    """Drop a column, given the table. API to :meth:`Column.drop`."""
    if table is not None:
        return table_drop_column(table, column, *p, **kw)
    if isinstance(column, str):
        raise InvalidOperationError(f"drop_column({column!r}) needs table=")
    return column_drop(column, *p, **kw)


def rename_table(
    table: sa.Table | str, name: str, engine: Bindable | None = None, **kw: Any
) -> sa.Table:
    """Rename a table (a Table object or a name, with ``engine=``). API to :meth:`Table.rename`."""
    if isinstance(table, str):
        table = sa.Table(table, binding.MetaData(bind=engine), schema=kw.pop("schema", None))
        engine = None
    table_rename(table, name, engine=engine, **kw)
    return table


def alter_column(
    column: sa.Column[Any] | str,
    *p: Any,
    table: sa.Table | str | None = None,
    engine: Bindable | None = None,
    connection: Bindable | None = None,
    metadata: sa.MetaData | None = None,
    **changes: Any,
) -> ColumnDelta:
    """Alter a column: ``name``, ``type``, ``nullable``, ``server_default``,
    ``autoincrement``, ``primary_key`` (keywords, or positionally a new name, a type and
    schema items such as ``DefaultClause``). API to :meth:`Column.alter`.

    ``column`` is a Column, or a column name with ``table=`` (a Table, or a table name
    reflected with ``engine=``/``connection=``/``metadata=``). ``default=`` only changes
    the Column's Python-side default. Returns a :class:`ColumnDelta`.

    * PostgreSQL: one ``ALTER TABLE`` with an ``ALTER COLUMN`` clause per change; a type
      change across type families adds ``USING "c"::newtype`` (or ``postgresql_using=``);
      a rename is a separate ``RENAME COLUMN`` after it.
      ``type=Enum(same name, more values)`` adds the values with ``ALTER TYPE ... ADD
      VALUE`` (removing or reordering values raises NotSupportedError; a new value cannot
      be used in the transaction that added it: with a caller's Connection, commit
      first); a new named ``Enum`` type is created first (``CREATE TYPE``).
      ``postgresql_safe_not_null=True`` with ``nullable=False``: ``ADD CONSTRAINT ...
      CHECK (c IS NOT NULL) NOT VALID``, ``VALIDATE``, ``SET NOT NULL`` (PostgreSQL 12+
      skips its scan thanks to the validated check), ``DROP`` the check; with an Engine
      each step commits on its own so no long ACCESS EXCLUSIVE lock is held.
    * MySQL/MariaDB: one ``CHANGE COLUMN`` restating the reflected column with the changes
      applied (charset, collation, default, ``ON UPDATE``, comment, auto-increment kept).
      ``mysql_algorithm=``/``mysql_lock=`` are appended (``, ALGORITHM=INPLACE, LOCK=NONE``)
      so the server refuses a change it cannot do that way (ignored on other dialects).
    * SQLite: a pure rename is native ``RENAME COLUMN``; other changes rebuild the table.

    Primary key changes drop and re-add the table's primary key. After success the Column
    object carries the new attributes; a renamed column is ``table.c.<new name>`` and its
    old key keeps resolving to it. A failed alter leaves the Column object unchanged.
    """
    if p and isinstance(p[0], sa.Column):
        warnings.warn(
            "Passing a Column object to alter_column is deprecated. "
            "Just pass in keyword parameters instead.",
            MigrateDeprecationWarning,
            stacklevel=3 if changes.pop("_from_method", False) else 2,
        )
    changes.pop("_from_method", None)
    reflected: tuple[sa.Connection, sa.Table] | None = None
    if isinstance(table, str):
        if runner.offline_active():
            raise InvalidOperationError(
                f"alter_column() of table {table!r} by name needs reflection, which offline "
                "SQL cannot do: pass the Table object"
            )
        bind = binding.resolve(
            connection=connection, engine=engine, what=f"reflecting table {table!r}"
        )
        source = bind.connection() if isinstance(bind, sa.orm.Session) else bind
        pure_rename = set(changes) == {"name"} and isinstance(changes["name"], str)
        if pure_rename and metadata is None and not p and isinstance(column, str):
            op = AlterColumnOp(TableRef(table), column, name=changes["name"])
            if introspect.names_only([op], source.dialect.name):
                return _rename_by_name(bind, op)
        if metadata is not None:  # the caller's MetaData gets the whole table
            table = sa.Table(table, metadata, autoload_with=source, extend_existing=True)
        else:
            table = _reflect_for_alter(source, table, changes, binding.MetaData(bind=bind))
            if isinstance(source, sa.Connection):
                # reflected on the connection the change runs on: not read twice
                reflected = (source, table)
    if table is None and isinstance(column, sa.Column):
        attached = getattr(column, "table", None)
        table = attached if isinstance(attached, sa.Table) else None
    if table is None:
        name = column if isinstance(column, str) else column.name
        raise InvalidOperationError(
            f"alter_column({name!r}) needs the table: attach the column to a Table or pass table="
        )
    # a key dropped column-less through this Table and not created again: the column only
    # joins the key that the next column-less PrimaryKeyConstraint(table=t).create() makes
    defer_key = changes.get("primary_key") is True and _tables.dropped_key(table) is not None
    if defer_key:
        del changes["primary_key"]
    # no copy of the column: the changes are applied to it below, after success
    delta = ColumnDelta(column, *p, table=table, _deferred=True, **changes)
    op = delta.to_op(table)
    if reflected is not None and not introspect.reflection_needs([op]) <= _reflected_needs(changes):
        reflected = None  # e.g. a primary key given positionally: the runner reads more
    if op.changes():
        run_ops(
            [op],
            table,
            connection=connection,
            engine=engine,
            what="altering column",
            name=delta.current_name,
            reflected=reflected,
        )
    original = delta.column
    assert original is not None
    _tables.alter_column(table, original, delta.diffs)
    if defer_key:
        _tables.set_primary_key(table, original, True)
    delta.alter_metadata = True
    delta._deferred = False
    delta.result_column = original
    if defer_key:
        delta.diffs["primary_key"] = True  # made in the Table only, by the next create()
    return delta


def _rename_by_name(bind: Bindable, op: AlterColumnOp) -> ColumnDelta:
    """A pure rename of a table given by name, where the rename itself reads no more than
    column names: run it without reflecting the table; the returned delta reflects the
    table only if asked for it (:class:`~migrate.changeset.delta.RenamedByName`)."""
    runner.run([op], bind)
    name = op.table.name

    def reflect() -> sa.Table:
        source = bind.connection() if isinstance(bind, sa.orm.Session) else bind
        if isinstance(source, sa.Connection) and source.closed:
            source = source.engine  # the delta outlived the caller's connection
        return _reflect_for_alter(source, name, {}, binding.MetaData(bind=bind))

    assert isinstance(op.name, str)
    return RenamedByName(reflect, op.column_name, op.name)


def _reflect_for_alter(
    source: sa.Engine | sa.Connection, name: str, changes: Any, meta: sa.MetaData
) -> sa.Table:
    """Table ``name`` as ``alter_column`` by table name needs it, into ``meta``: columns
    and primary key, plus indexes and constraints only when the primary key changes
    (planning reads them then): not SQLAlchemy's full autoload, which reads everything."""
    needs = _reflected_needs(changes)
    ref = TableRef(name)
    if isinstance(source, sa.Connection):
        return introspect.reflect(source, ref, needs=needs, metadata=meta)
    with source.connect() as conn:
        return introspect.reflect(conn, ref, needs=needs, metadata=meta)


def _reflected_needs(changes: Any) -> frozenset[str]:
    return introspect.EVERYTHING if "primary_key" in changes else frozenset()


# ---- Column methods ----------------------------------------------------------------------


def column_create(
    self: sa.Column[Any],
    table: sa.Table | None = None,
    index_name: str | None = None,
    unique_name: str | None = None,
    primary_key_name: str | None = None,
    populate_default: bool = True,
    connection: Bindable | None = None,
    engine: Bindable | None = None,
    **kw: Any,
) -> sa.Column[Any]:
    """Create this column in the database (``ALTER TABLE ADD COLUMN``).

    Then the named index, unique constraint, the column's foreign keys and the named
    primary key. ``populate_default`` fills existing rows from the Python default:
    a constant or callable (evaluated once) becomes a temporary server default on
    PostgreSQL and MySQL (no table rewrite); on SQLite a nullable column is filled by an
    UPDATE after the native ADD COLUMN, a NOT NULL one by one table rebuild that copies
    the value in (a callable: called per row by the copy); a SQL expression is evaluated
    per row. A constant the type must process to store (``PickleType``, ``JSON``) is
    bound through the type, as an INSERT binds it (offline: the processed value as a
    literal). A callable default of a key column (primary key or unique) is evaluated
    per existing row on every dialect. The column becomes ``table.c.<key>``.

    PostgreSQL: a callable default (``uuid.uuid4``, ``datetime.now``, any function) is
    evaluated per row instead: the column is added nullable, then filled in batches of
    10,000 rows by primary key (each batch committed on its own with an Engine; progress
    at INFO on the ``migrate.changeset`` logger), then made NOT NULL if asked. Offline
    SQL refuses it (``OfflineError``). A column of a new named ``Enum`` type creates the
    type first (``CREATE TYPE``). ``mysql_algorithm=``/``mysql_lock=``: see
    :func:`pop_alter_options`.
    """
    options = pop_alter_options(kw)
    warn_ignored("Column.create()", kw)
    for flag, name, label in (
        (self.index, index_name, "index_name"),
        (self.unique, unique_name, "unique_name"),
        (self.primary_key, primary_key_name, "primary_key_name"),
    ):
        if name is not None and not isinstance(name, str):
            raise InvalidConstraintError(f"{label} argument for column must be constraint name")
        if flag and not name:
            raise InvalidConstraintError(
                "Column.create() accepts index_name, primary_key_name and unique_name "
                f"to generate constraints: {label} is missing for column {self.name!r}"
            )
    if table is None:
        table = self.table if isinstance(getattr(self, "table", None), sa.Table) else None
    if table is None:
        raise InvalidOperationError(
            f"Column {self.name!r} is not attached to a table: pass it, col.create(table)"
        )
    attached = getattr(self, "table", None)
    if isinstance(attached, sa.Table) and attached is not table:
        raise InvalidOperationError(
            f"Column {self.name!r} belongs to table {attached.name!r}, not {table.name!r}"
        )
    ref = table_ref(table)
    ops: list[Op] = [AddColumnOp(ref, self, populate_default)]
    if index_name:
        ops.append(CreateIndexOp(ref, index_name, (self.name,)))
    if unique_name:
        ops.append(AddConstraintOp(ref, sa.UniqueConstraint(self.name, name=unique_name)))
    for fk in self.foreign_keys:
        ops.append(
            AddConstraintOp(
                ref,
                sa.ForeignKeyConstraint(
                    [self.name],
                    [_fk_target(fk, table)],
                    name=fk.name,
                    ondelete=fk.ondelete,
                    onupdate=fk.onupdate,
                    deferrable=fk.deferrable,
                    initially=fk.initially,
                ),
            )
        )
    if primary_key_name:
        ops.append(AddConstraintOp(ref, sa.PrimaryKeyConstraint(self.name, name=primary_key_name)))
    run_ops(
        ops,
        table,
        connection=connection,
        engine=engine,
        what="adding column",
        name=self.name,
        options=options,
    )

    if not table.c.contains_column(self):
        _tables.forget_alias(table, self.key)
        table.append_column(self, replace_existing=True)
    if index_name:
        sa.Index(index_name, self)
    if unique_name:
        table.append_constraint(sa.UniqueConstraint(self, name=unique_name))
    if primary_key_name:
        table.primary_key.name = primary_key_name
    return self


def _fk_target(fk: sa.ForeignKey, table: sa.Table) -> Any:
    """The referenced Column when it resolves, else the "table.column" string.

    The string form cannot be built for a table name containing a dot (SQLAlchemy refuses
    to render it), so a resolvable target is passed as the Column object itself.
    """
    with contextlib.suppress(sa.exc.InvalidRequestError):  # includes NoReferenced*Error
        return fk.column
    schema, name, column = fk._column_tokens
    key = f"{schema}.{name}" if schema else name
    target = table.metadata.tables.get(key)
    if target is not None and column is not None and column in target.c:
        return target.c[column]
    return fk._get_colspec()


def column_drop(
    self: sa.Column[Any],
    table: sa.Table | None = None,
    connection: Bindable | None = None,
    engine: Bindable | None = None,
    **kw: Any,
) -> sa.Column[Any]:
    """Drop this column from the database, leaving its table intact.

    Indexes on it shrink (composite) or vanish and constraints on it go, in the
    database and in the Table object. SQLite: native ``DROP COLUMN`` on 3.35+ when
    nothing depends on the column. On PostgreSQL an enum type the column used stays
    (other tables may use it): drop it with ``sa.Enum(..., name=...).drop(bind)``.
    """
    options = pop_alter_options(kw)
    warn_ignored("Column.drop()", kw)
    if table is None:
        table = self.table if isinstance(getattr(self, "table", None), sa.Table) else None
    if table is None:
        raise InvalidOperationError(
            f"Column {self.name!r} is not attached to a table: pass it, col.drop(table)"
        )
    run_ops(
        [DropColumnOp(table_ref(table), self.name)],
        table,
        connection=connection,
        engine=engine,
        what="dropping column",
        name=self.name,
        options=options,
    )
    _tables.remove_column(table, self.name)
    return self


def column_alter(self: sa.Column[Any], *p: Any, **k: Any) -> ColumnDelta:
    """Alter this column (see :func:`alter_column` for the keywords and what each
    dialect does); returns a :class:`ColumnDelta`."""
    return alter_column(self, *p, _from_method=True, **k)


# ---- Table methods -----------------------------------------------------------------------


def table_create_column(self: sa.Table, column: sa.Column[Any] | str, *p: Any, **kw: Any) -> Any:
    """Create a column (a Column, or the name of one of this Table's columns)."""
    if not isinstance(column, sa.Column):
        column = self.c[str(column)]
    return column_create(column, self, *p, **kw)


def table_drop_column(self: sa.Table, column: sa.Column[Any] | str, *p: Any, **kw: Any) -> Any:
    """Drop a column, given its name or definition."""
    if not isinstance(column, sa.Column):
        name = str(column)
        column = self.c[name] if name in self.c else sa.Column(name, sa.Integer())
    return column_drop(column, self, *p, **kw)


def table_rename(
    self: sa.Table,
    name: str,
    connection: Bindable | None = None,
    engine: Bindable | None = None,
    rename_constraints: bool = False,
    **kw: Any,
) -> None:
    """Rename this table; its MetaData is re-keyed (the old key is gone).

    PostgreSQL: the serial/identity sequences named ``<old>_<col>_seq`` follow; with
    ``rename_constraints=True`` so do constraints and indexes whose names embed the old
    table name (``<old>_pkey``, ``<old>_<col>_key``/``_fkey``/``_check``, ``ix_<old>_...``),
    in the database and in this Table object. Other dialects ignore
    ``rename_constraints``.
    """
    options = pop_alter_options(kw)
    warn_ignored("Table.rename()", kw)
    plan = run_ops(
        [RenameTableOp(table_ref(self), name, rename_constraints)],
        self,
        connection=connection,
        engine=engine,
        what="renaming table",
        name=self.name,
        options=options,
    )
    _rename_embedded(self, plan)
    _tables.rename_table(self, name)


def index_rename(
    self: sa.Index,
    name: str,
    connection: Bindable | None = None,
    engine: Bindable | None = None,
    **kw: Any,
) -> None:
    """Rename this index; the Index object's name follows.

    PostgreSQL: ``ALTER INDEX [schema.]old RENAME TO new``. MySQL 5.7+/MariaDB 10.5+:
    ``ALTER TABLE t RENAME INDEX old TO new`` (older: drop and re-create). SQLite: the
    index is dropped and re-created from its stored ``CREATE INDEX`` text with only the
    name changed, in one transaction.
    """
    options = pop_alter_options(kw)
    warn_ignored("Index.rename()", kw)
    table = self.table if isinstance(getattr(self, "table", None), sa.Table) else None
    if table is None:
        raise InvalidOperationError(
            f"Index {self.name!r} is not attached to a table: use "
            "rename_index(name, new_name, table=..., engine=...)"
        )
    ref = table_ref(table)
    if not runner.offline_active():
        connection = binding.resolve(
            connection=connection, engine=engine, table=table, what=f"renaming index {self.name!r}"
        )
        ref = _index_table_ref(connection, table, str(self.name))
    run_ops(
        [RenameIndexOp(ref, str(self.name), name)],
        table,
        connection=connection,
        engine=engine,
        what="renaming index",
        name=self.name,
        options=options,
    )
    self.name = name  # type: ignore[assignment]


def _index_table_ref(target: Bindable, table: sa.Table, index_name: str) -> TableRef:
    """The table the index is on in the database.

    The Index's Table object may be stale: legacy scripts rename the table through
    another (reflected) Table object and then rename the index through the old one,
    which sqlalchemy-migrate allowed on PostgreSQL (the index is found by name there).
    If the Table's name is not in the database, the index is looked up by its name.
    """
    from migrate.changeset import introspect

    bind = target.connection() if isinstance(target, sa.orm.Session) else target
    if sa.inspect(bind).has_table(table.name, schema=table.schema):
        return table_ref(table)
    return TableRef(introspect.locate_index(target, index_name, table.schema), table.schema)


def rename_index(
    index: sa.Index | str,
    name: str,
    table: sa.Table | str | None = None,
    engine: Bindable | None = None,
    **kw: Any,
) -> None:
    """Rename an index (an Index object, or a name with ``table=`` and/or ``engine=``).

    API to :meth:`Index.rename`. With only a name and ``engine=``, the index's table is
    found by reflection. See :func:`index_rename` for what each dialect does.
    """
    connection = kw.pop("connection", None)
    schema = kw.pop("schema", None)
    if isinstance(index, sa.Index):
        index_rename(index, name, connection=connection, engine=engine, **kw)
        return
    options = pop_alter_options(kw)
    warn_ignored("rename_index()", kw)
    if isinstance(table, sa.Table):
        run_ops(
            [RenameIndexOp(table_ref(table), index, name)],
            table,
            connection=connection,
            engine=engine,
            what="renaming index",
            name=index,
            options=options,
        )
        for ix in table.indexes:
            if ix.name == index:
                ix.name = name  # type: ignore[assignment]
        return
    target = None
    if not runner.offline_active():
        target = binding.resolve(
            connection=connection, engine=engine, table=None, what=f"renaming index {index!r}"
        )
    if table is None:
        if target is None:
            raise InvalidOperationError(
                f"rename_index({index!r}) in offline mode needs table= (no reflection)"
            )
        from migrate.changeset import introspect

        table = introspect.locate_index(target, index, schema)
    runner.run([RenameIndexOp(TableRef(table, schema), index, name)], target, options=options)


def _rename_embedded(table: sa.Table, plan: Plan) -> None:
    """The Table object's constraint/index names follow ``rename_constraints=True``."""
    renames = {
        step.old_name: step.new_name
        for step in plan.steps
        if isinstance(step, (ddl.RenameConstraint, ddl.RenameIndex))
    }
    items: list[sa.Constraint | sa.Index] = [*table.constraints, *table.indexes]
    for item in items:
        if isinstance(item.name, str) and item.name in renames:
            item.name = renames[item.name]


def table_deregister(self: sa.Table) -> None:
    """Remove this table from its metadata."""
    _tables.deregister(self)


# ---- legacy class names ------------------------------------------------------------------
# sqlalchemy-migrate grafted these classes onto SQLAlchemy's bases; here the methods are
# added to SQLAlchemy's classes directly (see _install.py). The names stay importable for
# scripts that reference them, and hold the same functions.


class ChangesetColumn:
    """Changeset methods of :class:`sqlalchemy.Column` (legacy name)."""

    create = column_create
    drop = column_drop
    alter = column_alter


class ChangesetTable:
    """Changeset methods of :class:`sqlalchemy.Table` (legacy name)."""

    create_column = table_create_column
    drop_column = table_drop_column
    rename = table_rename
    deregister = table_deregister


class ChangesetIndex:
    """Changeset methods of :class:`sqlalchemy.Index` (legacy name)."""

    rename = index_rename


class ChangesetDefaultClause:
    """Legacy name. The old library made ``DefaultClause`` compare by argument, which
    made it unhashable; that is not installed (server defaults are compared by the
    library where it needs to)."""
