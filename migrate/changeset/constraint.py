"""Constraint classes with ``create()`` and ``drop()`` (legacy ``migrate.changeset.constraint``).

Columns may be Column objects or names (then ``table=`` is required). When
``name`` is None, ``drop()`` uses the legacy PostgreSQL-style automatic name
(:meth:`autoname`), recomputed at drop time.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import schema

from migrate.changeset import _tables, binding, runner
from migrate.changeset.ops import AddConstraintOp, ConstraintKind, DropConstraintOp, TableRef
from migrate.exceptions import InvalidConstraintError

__all__ = [
    "ConstraintChangeset",
    "PrimaryKeyConstraint",
    "ForeignKeyConstraint",
    "CheckConstraint",
    "UniqueConstraint",
]

_KINDS: dict[type[sa.Constraint], ConstraintKind] = {
    sa.PrimaryKeyConstraint: "primary_key",
    sa.ForeignKeyConstraint: "foreign_key",
    sa.UniqueConstraint: "unique",
    sa.CheckConstraint: "check",
}


def constraint_kind(cons: sa.Constraint) -> ConstraintKind:
    for cls, kind in _KINDS.items():
        if isinstance(cons, cls):
            return kind
    raise InvalidConstraintError(f"Unsupported constraint type {type(cons).__name__}")


def _table_of(cons: sa.Constraint) -> sa.Table:
    table = getattr(cons, "table", None)
    if not isinstance(table, sa.Table):
        raise InvalidConstraintError(
            f"{type(cons).__name__} {cons.name or ''} is not attached to a table: "
            "pass table=, or Column objects that belong to a table"
        )
    return table


def _split_bind(a: tuple[Any, ...], kw: dict[str, Any]) -> tuple[Any, Any]:
    """Legacy create()/drop() took a connection positionally or as keyword."""
    connection = kw.pop("connection", None)
    engine = kw.pop("engine", None)
    if a:
        connection = a[0]
    return connection, engine


def constraint_create(self: sa.Constraint, *a: Any, **kw: Any) -> sa.Constraint:
    """Create the constraint in the database (``ALTER TABLE ADD CONSTRAINT``).

    PostgreSQL: a CHECK or FOREIGN KEY made with ``postgresql_not_valid=True`` is added
    ``NOT VALID`` (existing rows are not checked, no long lock); check them later with
    :func:`constraint_validate`. ``mysql_algorithm=``/``mysql_lock=`` as for columns.
    """
    from migrate.changeset.schema import pop_alter_options, warn_ignored

    connection, engine = _split_bind(a, kw)
    options = pop_alter_options(kw)
    warn_ignored(f"{type(self).__name__}.create()", kw)
    table = _table_of(self)
    ref = TableRef(table.name, table.schema)
    target = None
    if not runner.offline_active():
        target = binding.resolve(
            connection=connection, engine=engine, table=table, what="creating a constraint"
        )
    runner.run([AddConstraintOp(ref, self)], target, table=table, options=options)
    if isinstance(self, sa.PrimaryKeyConstraint):
        _tables.forget_dropped_key(table)
    _attach(self, table)
    return self


def constraint_drop(
    self: sa.Constraint, *a: Any, cascade: bool = False, **kw: Any
) -> sa.Constraint:
    """Drop the constraint from the database; ``cascade=True`` adds CASCADE where supported."""
    from migrate.changeset.schema import pop_alter_options, warn_ignored

    connection, engine = _split_bind(a, kw)
    options = pop_alter_options(kw)
    warn_ignored(f"{type(self).__name__}.drop()", kw)
    table = _table_of(self)
    ref = TableRef(table.name, table.schema)
    name = self.name if isinstance(self.name, str) else None
    if name is None and hasattr(self, "autoname"):
        name = self.autoname()
    target = None
    if not runner.offline_active():
        target = binding.resolve(
            connection=connection, engine=engine, table=table, what="dropping a constraint"
        )
    op = DropConstraintOp(ref, name, constraint_kind(self), cascade, self)
    runner.run([op], target, table=table, options=options)
    if isinstance(self, PrimaryKeyConstraint) and self.columnless:
        _tables.remember_dropped_key(table, [c.name for c in self.columns])
    _detach(self, table)
    return self


def constraint_validate(self: sa.Constraint, *a: Any, **kw: Any) -> sa.Constraint:
    """PostgreSQL: ``ALTER TABLE t VALIDATE CONSTRAINT c`` for a constraint added with
    ``postgresql_not_valid=True``: checks the existing rows under SHARE UPDATE EXCLUSIVE
    (reads and writes continue). Needs a named constraint (or its autoname); other
    dialects raise NotSupportedError.
    """
    from migrate.changeset.ops import ValidateConstraintOp
    from migrate.changeset.schema import warn_ignored

    connection, engine = _split_bind(a, kw)
    warn_ignored(f"{type(self).__name__}.validate()", kw)
    table = _table_of(self)
    name = self.name if isinstance(self.name, str) else None
    if name is None and hasattr(self, "autoname"):
        name = self.autoname()
    if name is None:
        raise InvalidConstraintError("validate() needs a named constraint")
    target = None
    if not runner.offline_active():
        target = binding.resolve(
            connection=connection, engine=engine, table=table, what="validating a constraint"
        )
    runner.run([ValidateConstraintOp(TableRef(table.name, table.schema), name)], target)
    return self


def _attach(cons: sa.Constraint, table: sa.Table) -> None:
    """After a successful create: the Table object has the constraint."""
    if cons not in table.constraints:
        table.append_constraint(cons)


def _detach(cons: sa.Constraint, table: sa.Table) -> None:
    """After a successful drop: the Table object no longer has it (nor a twin of it)."""
    kind = constraint_kind(cons)
    names = [c.name.lower() for c in getattr(cons, "columns", ())]
    for other in list(table.constraints):
        if other is not cons and constraint_kind_or_none(other) != kind:
            continue
        twin = other is cons or (
            isinstance(cons.name, str)
            and isinstance(other.name, str)
            and cons.name.lower() == other.name.lower()
        )
        if not twin and kind != "check":
            twin = [c.name.lower() for c in getattr(other, "columns", ())] == names
        if twin:
            _remove(other, table)


def constraint_kind_or_none(cons: sa.Constraint) -> str | None:
    try:
        return constraint_kind(cons)
    except InvalidConstraintError:
        return None


def _remove(cons: sa.Constraint, table: sa.Table) -> None:
    if isinstance(cons, sa.PrimaryKeyConstraint):
        if cons is not table.primary_key:
            table.constraints.discard(cons)
            return
        for col in cons.columns:
            col.primary_key = False
        empty = sa.PrimaryKeyConstraint()
        empty._set_parent(table)
        return
    table.constraints.discard(cons)
    if isinstance(cons, sa.ForeignKeyConstraint):
        for fk in cons.elements:
            table.foreign_keys.discard(fk)
            fk.parent.foreign_keys.discard(fk)


class ConstraintChangeset:
    """Base class for the legacy constraint classes."""

    def _normalize_columns(
        self, cols: Any, table_name: bool = False
    ) -> tuple[list[str], sa.Table | None]:
        """Given Column objects or names, return names and (maybe) their table."""
        colnames: list[str] = []
        table = None
        for col in cols:
            if isinstance(col, schema.Column):
                if isinstance(col.table, sa.Table) and table is None:
                    table = col.table
                # a referred column of a table in a schema keeps the schema (0.13 lost it
                # and the FK referred to a table of that name in the search path)
                col = f"{col.table.fullname}.{col.name}" if table_name else col.name
            colnames.append(col)
        return colnames, table

    create = constraint_create
    drop = constraint_drop
    validate = constraint_validate


class PrimaryKeyConstraint(ConstraintChangeset, schema.PrimaryKeyConstraint):
    """A primary key; ``*cols`` are Columns or names (then ``table=``)."""

    def __init__(self, *cols: Any, **kwargs: Any) -> None:
        colnames, table = self._normalize_columns(cols)
        table = kwargs.pop("table", table)
        #: built without columns: takes the Table's key columns (see :ref:`rekey`)
        self.columnless = not cols
        if self.columnless and isinstance(table, sa.Table):
            _tables.reflag_dropped_key(table)
        super().__init__(*colnames, **kwargs)
        if table is not None:
            self._set_parent(table)

    def autoname(self) -> str:
        """Mimic the database's automatic constraint names."""
        return f"{_table_of(self).name}_pkey"


class ForeignKeyConstraint(ConstraintChangeset, schema.ForeignKeyConstraint):
    """A foreign key from ``columns`` to ``refcolumns`` (Columns or ``table.column`` names)."""

    def __init__(self, columns: Any, refcolumns: Any, *args: Any, **kwargs: Any) -> None:
        colnames, table = self._normalize_columns(columns)
        table = kwargs.pop("table", table)
        refcolnames, _reftable = self._normalize_columns(refcolumns, table_name=True)
        super().__init__(colnames, refcolnames, *args, **kwargs)
        if table is not None:
            self._set_parent(table)

    @property
    def referenced(self) -> list[sa.Column[Any]]:
        return [e.column for e in self.elements]

    @property
    def reftable(self) -> sa.Table:
        table = self.referenced[0].table
        assert isinstance(table, sa.Table)
        return table

    def autoname(self) -> str:
        """Mimic the database's automatic constraint names."""
        return f"{_table_of(self).name}_{self.column_keys[0]}_fkey"


class CheckConstraint(ConstraintChangeset, schema.CheckConstraint):
    """A CHECK constraint; give ``name`` or ``columns`` (to compute the name)."""

    def __init__(self, sqltext: Any, *args: Any, **kwargs: Any) -> None:
        cols = kwargs.pop("columns", [])
        if not cols and not kwargs.get("name", False):
            raise InvalidConstraintError(
                'You must either set "name" parameter or "columns" to autogenarate it.'
            )
        colnames, table = self._normalize_columns(cols)
        table = kwargs.pop("table", table)
        schema.CheckConstraint.__init__(self, sqltext, *args, **kwargs)
        if table is not None:
            self._set_parent(table)
        self.colnames = colnames

    def autoname(self) -> str:
        return f"{_table_of(self).name}_{'_'.join(self.colnames)}_check"


class UniqueConstraint(ConstraintChangeset, schema.UniqueConstraint):
    """A UNIQUE constraint; ``*cols`` are Columns or names (then ``table=``)."""

    def __init__(self, *cols: Any, **kwargs: Any) -> None:
        self.colnames, table = self._normalize_columns(cols)
        table = kwargs.pop("table", table)
        super().__init__(*self.colnames, **kwargs)
        if table is not None:
            self._set_parent(table)

    def autoname(self) -> str:
        """Mimic the database's automatic constraint names."""
        return f"{_table_of(self).name}_{self.colnames[0]}_key"
