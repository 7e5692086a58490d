"""SQLite: the 12-step table rebuild, planned from the database's own schema.

https://www.sqlite.org/lang_altertable.html#otheralter ("Making Other Kinds Of Table
Schema Changes"). Three parts, one direction:

* :func:`~migrate.changeset.introspect.read_sqlite_schema` reads everything about one
  table on the connection that will run the DDL (``sqlite_master``, pragmas) into a
  frozen :class:`~migrate.changeset.snapshot.SqliteTableSchema`;
* :func:`plan_rebuild` is pure: it applies operations to the parsed schema and returns
  a :class:`RebuildPlan` (statements + what the runner must do around them);
* the runner (:mod:`migrate.changeset.runner`) executes it: pragmas, one transaction,
  ``foreign_key_check``, rollback on any failure.

The planner, by what it plans: ``_table`` (the table as the operations so far leave it,
and the helpers that render and compare its text), ``columns``, ``constraints`` and
``indexes`` (one module per kind of operation), ``statements`` (the final statements).

Decisions, so that a rebuild loses nothing:

* The new table is created under a temporary name with the *old* column names; rows are
  copied by column name (``INSERT INTO tmp (cols) SELECT cols FROM t``), then the old
  table is dropped and the new one renamed (with ``PRAGMA legacy_alter_table=ON`` so
  SQLite >= 3.26 rewrites nothing else). Renamed columns are renamed last with native
  ``ALTER TABLE ... RENAME COLUMN`` (SQLite 3.25+), which rewrites indexes, triggers,
  views and child tables' foreign keys exactly as SQLite understands them.
* No ``CAST`` in the copy: SQLite applies the new column's affinity on insert, and a
  ``CAST`` would silently turn ``'abc'`` into ``0``; a STRICT table rejects what does
  not fit, which rolls the rebuild back.
* Rowids are copied explicitly when the new table has a rowid that no INTEGER PRIMARY
  KEY column aliases; generated columns are never copied (SQLite recomputes them).
* The ``AUTOINCREMENT`` counter is carried over in SQL (``sqlite_sequence``), not as a
  value read earlier, so it is right whatever happened between reading and running.
* Indexes, triggers and views come back from their stored text, verbatim unless a
  dropped column forces a change (a composite index shrinks, a single-column,
  expression or partial index on the dropped column goes, logged at INFO).
* New column, constraint and index text is rendered from the SQLAlchemy objects with
  the SQLite dialect; identifiers we write are always double-quoted.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from migrate.changeset.rebuild._table import TableState, render_column, render_constraint
from migrate.changeset.rebuild.columns import add_column, alter_column, drop_column
from migrate.changeset.rebuild.constraints import add_constraint, drop_constraint
from migrate.changeset.rebuild.indexes import create_index, drop_index, rename_index
from migrate.changeset.rebuild.statements import RebuildPlan, plan
from migrate.changeset.snapshot import ForeignKeyRow, SqliteObject, SqliteTableSchema, XInfoColumn
from migrate.exceptions import NotSupportedError

# the schema model planned from lives in ``snapshot``; its names stay importable from here
__all__ = [
    "ForeignKeyRow",
    "RebuildPlan",
    "SqliteObject",
    "SqliteTableSchema",
    "XInfoColumn",
    "plan_rebuild",
    "render_column",
    "render_constraint",
]


def plan_rebuild(
    schema: SqliteTableSchema, ops: Sequence[Op], temp_name: str | None = None
) -> RebuildPlan:
    """Apply *ops* to *schema* and return the statements of one 12-step rebuild.

    Pure: reads nothing but *schema* (never the caller's Table object). Raises
    :class:`~migrate.exceptions.NoSuchColumnError` / :class:`NoSuchObjectError` for
    unknown names, :class:`DuplicateObjectError` for duplicates and same-named
    constraints that differ; an identical constraint added again is a no-op (INFO).
    A plan whose operations change nothing has no statements.
    """
    t = TableState(schema)
    for op in ops:
        _apply(t, op)
    return plan(t, temp_name)


def _apply(t: TableState, op: Op) -> None:
    if isinstance(op, AddColumnOp):
        add_column(t, op)
    elif isinstance(op, DropColumnOp):
        drop_column(t, op.column_name)
    elif isinstance(op, AlterColumnOp):
        alter_column(t, op)
    elif isinstance(op, CreateIndexOp):
        create_index(t, op)
    elif isinstance(op, DropIndexOp):
        drop_index(t, op.index_name)
    elif isinstance(op, RenameIndexOp):
        rename_index(t, op.index_name, op.new_name)
    elif isinstance(op, AddConstraintOp):
        add_constraint(t, op.constraint)
    elif isinstance(op, DropConstraintOp):
        drop_constraint(t, op)
    elif isinstance(op, RenameTableOp):
        raise NotSupportedError(
            "a table rename is native on SQLite (ALTER TABLE ... RENAME TO); "
            "it is not part of a rebuild"
        )
    else:  # pragma: no cover - Op is a closed union
        raise NotSupportedError(f"unknown operation {op!r}")
