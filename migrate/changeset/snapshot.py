"""What exists, as data: the snapshots introspection produces and planning consumes.

No connection here: :mod:`~migrate.changeset.introspect` fills these from a database (or,
offline, from the caller's Table); the planners only read them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from migrate.changeset.ops import TableRef
from migrate.changeset.sqlite_schema import ParsedTable, parse_create_table, significant, tokenize


@dataclass(frozen=True)
class ReferencingFK:
    """A foreign key (of any table) that references the snapshot's table."""

    table: TableRef
    name: str | None
    columns: tuple[str, ...]
    referred_columns: tuple[str, ...]
    ondelete: str | None = None
    onupdate: str | None = None
    deferrable: bool | None = None
    initially: str | None = None


@dataclass
class TableSnapshot:
    """What exists: one table as the database (or offline, the caller's Table) says.

    Never changed once built (planners make a new one with ``dataclasses.replace``); not
    ``frozen=True``, whose ``__init__`` takes about three times as long, and one is built
    per operation (bench W5).
    """

    ref: TableRef
    #: the table reflected into a private MetaData; never the caller's object
    table: sa.Table = field(compare=False)
    #: whether the table holds at least one row (None offline: unknown)
    has_rows: bool | None
    #: names of other tables that exist, among those the ops mention
    existing_tables: frozenset[str] = frozenset()
    #: reflected facts, offline=False when read from a database
    offline: bool = False
    #: SQLite: index name -> its ``CREATE INDEX`` text from ``sqlite_master``
    index_sql: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: foreign keys of any table (this one included) that reference this table; None
    #: when not read (only read when the ops change a primary key)
    referencing_fks: tuple[ReferencingFK, ...] | None = None
    #: SQLite: everything a table rebuild needs (stored DDL, pragmas); None when not
    #: read (only read when the planner says the ops need a rebuild)
    sqlite: SqliteTableSchema | None = field(default=None, compare=False)
    #: PostgreSQL: (column, sequence name) of the sequences the table's serial and
    #: identity columns own; read only when the ops rename the table
    owned_sequences: tuple[tuple[str, str], ...] = ()
    #: PostgreSQL: enum types that exist, (schema or None for the default search path,
    #: name) -> labels; None when not read (offline, or no op mentions an Enum)
    pg_enums: Mapping[tuple[str | None, str], tuple[str, ...]] | None = field(
        default=None, compare=False
    )
    #: columns of a primary key the ops add that hold NULL in some row (read only then)
    null_key_columns: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.table.columns]

    def column(self, name: str) -> sa.Column[Any] | None:
        for col in self.table.columns:
            if col.name == name:
                return col
        # names compare case-insensitively when the database folds them
        for col in self.table.columns:
            if col.name.lower() == name.lower():
                return col
        return None

    def indexes_on(self, column_name: str) -> list[sa.Index]:
        return [i for i in self.table.indexes if column_name in {c.name for c in i.columns}]

    def constraints_on(self, column_name: str) -> list[sa.Constraint]:
        found = []
        for cons in self.table.constraints:
            names = {c.name for c in getattr(cons, "columns", ())}
            if column_name in names:
                found.append(cons)
        return found


# --------------------------------------------------------------------------- SQLite
# The SQLite schema model: everything a table rebuild needs, as the database says it.


@dataclass(frozen=True)
class SqliteObject:
    """One row of ``sqlite_master`` (index, trigger or view)."""

    type: str
    name: str
    sql: str


@dataclass(frozen=True)
class XInfoColumn:
    """One row of ``PRAGMA table_xinfo`` (``hidden``: 2 virtual, 3 stored generated)."""

    cid: int
    name: str
    type: str
    notnull: bool
    default: str | None
    pk: int
    hidden: int


@dataclass(frozen=True)
class ForeignKeyRow:
    """One row of ``PRAGMA foreign_key_list``, with the table that holds it."""

    table: str
    id: int
    seq: int
    parent: str
    from_column: str
    to_column: str | None
    on_update: str
    on_delete: str
    match: str


@dataclass(frozen=True)
class SqliteTableSchema:
    """Everything a rebuild of one table needs, as read from the database."""

    name: str
    sql: str
    table: ParsedTable
    #: explicit indexes (auto-indexes of UNIQUE/PRIMARY KEY come back with the table)
    indexes: tuple[SqliteObject, ...] = ()
    #: triggers ON this table
    triggers: tuple[SqliteObject, ...] = ()
    #: views whose SQL names this table
    views: tuple[SqliteObject, ...] = ()
    xinfo: tuple[XInfoColumn, ...] = ()
    #: this table's own foreign keys
    foreign_keys: tuple[ForeignKeyRow, ...] = ()
    #: foreign keys of *other* tables that reference this one
    child_foreign_keys: tuple[ForeignKeyRow, ...] = ()
    #: ``sqlite_sequence`` value, None when there is no row
    sequence: int | None = None
    #: every name in ``sqlite_master``, lower case (to pick a free temporary name)
    object_names: frozenset[str] = frozenset()
    #: the attached database the table lives in (``None``: ``main``)
    schema: str | None = None

    @property
    def children(self) -> tuple[str, ...]:
        """Other tables with a foreign key to this one."""
        seen: dict[str, None] = {}
        for fk in self.child_foreign_keys:
            seen.setdefault(fk.table, None)
        return tuple(seen)

    @classmethod
    def from_sql(
        cls,
        table_sql: str,
        *,
        indexes: Sequence[str] = (),
        triggers: Sequence[str] = (),
        views: Sequence[str] = (),
        child_foreign_keys: Sequence[ForeignKeyRow] = (),
        object_names: Sequence[str] = (),
        schema: str | None = None,
    ) -> SqliteTableSchema:
        """A schema from DDL text alone (tests, offline planning)."""
        parsed = parse_create_table(table_sql)

        def obj(kind: str, sql: str) -> SqliteObject:
            toks = significant(tokenize(sql))
            words = [t.upper for t in toks]
            at = words.index(kind.upper()) + 1
            if words[at : at + 3] == ["IF", "NOT", "EXISTS"]:
                at += 3
            return SqliteObject(kind, toks[at].name, sql)

        return cls(
            name=parsed.name,
            sql=table_sql,
            table=parsed,
            indexes=tuple(obj("index", s) for s in indexes),
            triggers=tuple(obj("trigger", s) for s in triggers),
            views=tuple(obj("view", s) for s in views),
            child_foreign_keys=tuple(child_foreign_keys),
            object_names=frozenset(n.lower() for n in object_names),
            schema=schema,
        )
