"""The only reflection code: a connection (or, offline, a Table) -> TableSnapshot.

Reflection happens once per operation (or batch), on the connection that runs
the DDL, inside its transaction.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Sequence
from typing import Any, cast

import sqlalchemy as sa

from migrate.changeset import capabilities
from migrate.changeset.capabilities import native_add_column, plain_column
from migrate.changeset.naming import fold
from migrate.changeset.ops import TableRef
from migrate.changeset.snapshot import (
    ForeignKeyRow,
    ReferencingFK,
    SqliteObject,
    SqliteTableSchema,
    TableSnapshot,
    XInfoColumn,
)
from migrate.changeset.sqlite_schema import parse_create_table, quote, references_identifier
from migrate.exceptions import NoSuchTableError

# the snapshot types live in ``snapshot`` (below planning and introspection) and the
# column questions in ``capabilities``; their names stay importable from here
__all__ = [
    "EVERYTHING",
    "ReferencingFK",
    "TableSnapshot",
    "names_only",
    "plain_column",
    "read_sqlite_schema",
    "reflect",
    "reflection_needs",
    "snapshot",
    "snapshot_from_table",
]

#: everything :func:`reflect` can read beyond columns and primary key
EVERYTHING = frozenset({"indexes", "constraints"})


def snapshot(
    conn: sa.Connection,
    ref: TableRef,
    *,
    other_tables: tuple[str, ...] = (),
    want_rows: bool = False,
    referencing: bool = False,
    sequences: bool = False,
    enums: bool = False,
    needs: frozenset[str] = EVERYTHING,
    table: sa.Table | None = None,
    names_only: bool = False,
    key_columns: tuple[str, ...] = (),
    constraints_only: bool = False,
    columns_only: bool = False,
    drop_columns: tuple[str, ...] = (),
    key_flags: tuple[tuple[str, bool], ...] = (),
    renames_only: bool = False,
    with_indexes: bool = False,
) -> TableSnapshot:
    """Reflect ``ref`` on ``conn``; raise NoSuchTableError naming it if absent.

    ``key_columns``: columns of a primary key the ops add; those of them that exist and
    hold NULL in some row are read (one query), for our error before any change.

    ``needs``: what to read beyond columns and primary key (see :func:`reflection_needs`).
    ``table``: the table already reflected (by :func:`reflect`, with at least ``needs``)
    on ``conn`` in this transaction; not read again.
    ``names_only``: the ops read only column names (see :func:`names_only`): one
    catalog query instead of SQLAlchemy's reflection (:func:`column_names_table`).
    ``constraints_only``: the ops read only column names and the table's constraints
    (see :func:`constraints_only`): one catalog query, which also brings the foreign
    keys that reference the table when ``referencing`` (:func:`pg_constraints_table`),
    and its indexes' names, columns and uniqueness when ``with_indexes``.
    ``columns_only``: the ops read only the table's columns, primary key and, to drop
    ``drop_columns``, its indexes (see :func:`columns_only`): one catalog query
    (:func:`pg_columns_table`), unless a dropped column is in a composite index or a
    column of ``key_flags`` (name, in the primary key) is not as it says.
    ``renames_only``: the ops rename the table (see :func:`renames_only`): its columns'
    names, the ``other_tables`` that exist and its owned sequences in one catalog query
    (:func:`pg_rename_table`).
    """
    referencing_fks: tuple[ReferencingFK, ...] | None = None
    existing: frozenset[str] | None = None
    owned: tuple[tuple[str, str], ...] | None = None
    if table is None and renames_only:
        table, existing, owned = pg_rename_table(conn, ref, other_tables)
    if table is None and columns_only:
        table = pg_columns_table(conn, ref, drop_columns=drop_columns, key_flags=key_flags)
        if table is not None and key_flags:
            referencing_fks = ()  # the primary key stays: no foreign key is touched
    if table is None and constraints_only:
        table, found = pg_constraints_table(
            conn, ref, referencing=referencing, indexes=with_indexes
        )
        if referencing:
            referencing_fks = found
    elif table is None:
        table = column_names_table(conn, ref) if names_only else reflect(conn, ref, needs=needs)
    has_rows = None
    if want_rows:
        has_rows = (
            conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first() is not None
        )
    if existing is None:
        existing = frozenset()
    if other_tables and not renames_only:
        insp = sa.inspect(conn)
        existing = frozenset(n for n in other_tables if insp.has_table(n, schema=ref.schema))
    index_sql: dict[str, str] = {}
    if conn.dialect.name == "sqlite" and "indexes" in needs:
        index_sql = _sqlite_index_sql(conn, ref)
    if referencing and referencing_fks is None:
        # only an existing primary key has foreign keys that depend on it (MySQL's
        # information_schema query costs more than the table's own reflection)
        referencing_fks = _referencing_fks(conn, ref) if len(table.primary_key.columns) else ()
    if owned is None:
        owned = ()
        if sequences and conn.dialect.name == "postgresql":
            owned = _pg_owned_sequences(conn, ref)
    pg_enums = _pg_enums(conn) if enums and conn.dialect.name == "postgresql" else None
    return TableSnapshot(
        ref=ref,
        table=table,
        has_rows=has_rows,
        existing_tables=existing,
        index_sql=index_sql,
        referencing_fks=referencing_fks,
        owned_sequences=owned,
        pg_enums=pg_enums,
        null_key_columns=_null_columns(conn, table, key_columns) if key_columns else (),
    )


def added_key_columns(ops: Sequence[Any]) -> tuple[str, ...]:
    """The columns of the primary keys ``ops`` add (see :func:`snapshot`)."""
    from migrate.changeset.ops import AddConstraintOp

    return tuple(
        str(c.name) if isinstance(c, sa.Column) else str(c)
        for op in ops
        if isinstance(op, AddConstraintOp) and isinstance(op.constraint, sa.PrimaryKeyConstraint)
        for c in (op.constraint.columns or op.constraint._pending_colargs)
    )


def _null_columns(conn: sa.Connection, table: sa.Table, names: tuple[str, ...]) -> tuple[str, ...]:
    cols = [c for c in table.columns if c.name in names and c.nullable]
    found = []
    for col in cols:
        probe = sa.select(sa.literal(1)).select_from(table).where(col.is_(None)).limit(1)
        if conn.execute(probe).first() is not None:
            found.append(col.name)
    return tuple(found)


def reflection_needs(ops: Sequence[Any], dialect_name: str | None = None) -> frozenset[str]:
    """What planning ``ops`` reads of the table beyond its columns and primary key.

    ``"indexes"`` (and on SQLite their stored SQL), ``"constraints"`` (foreign key,
    unique, check constraints, table comment and options). Only ops known to read
    neither are lean: adding a plain column (no index, unique, key, foreign key or
    constraint of its own), altering a column other than its primary key flag, renaming
    the table without ``rename_constraints``; index ops read indexes; everything else
    (drops, constraints, primary keys, index renames) reads everything, except that on
    PostgreSQL (``dialect_name``) dropping a column reads indexes only: the database drops
    the constraints that involve the column itself, and the plan re-creates only the
    composite indexes and primary key it dropped with them.
    """
    from migrate.changeset.ops import (
        UNCHANGED,
        AddColumnOp,
        AlterColumnOp,
        CreateIndexOp,
        DropColumnOp,
        DropIndexOp,
        RenameTableOp,
    )

    found: set[str] = set()
    for op in ops:
        if isinstance(op, AddColumnOp):
            if not plain_column(op.column):
                return EVERYTHING
        elif isinstance(op, AlterColumnOp):
            if op.primary_key is not UNCHANGED:
                return EVERYTHING
        elif isinstance(op, RenameTableOp):
            if op.rename_constraints:
                return EVERYTHING
        elif isinstance(op, (CreateIndexOp, DropIndexOp)):
            found.add("indexes")
        elif isinstance(op, DropColumnOp) and dialect_name == "postgresql":
            found.add("indexes")
        else:
            return EVERYTHING
    return frozenset(found)


def names_only(ops: Sequence[Any], dialect_name: str) -> bool:
    """Whether planning ``ops`` on this dialect reads nothing of the table but its column
    names and primary key flags (then :func:`column_names_table` is all the reflection).

    PostgreSQL and SQLite: adding a plain column (see :func:`reflection_needs`; on
    SQLite one its native ``ADD COLUMN`` takes) and a pure column rename. MySQL/MariaDB
    restate the whole reflected column on a rename, and its reflection is one
    ``SHOW CREATE TABLE`` anyway.
    """
    from migrate.changeset.ops import AddColumnOp, AlterColumnOp

    if dialect_name not in ("postgresql", "sqlite"):
        return False
    for op in ops:
        if isinstance(op, AddColumnOp):
            col = op.column
            if not plain_column(col):
                return False
            if dialect_name == "sqlite" and not native_add_column(col):
                return False  # a rebuild reads the whole stored schema
        elif not (isinstance(op, AlterColumnOp) and set(op.changes()) <= {"name"}):
            return False
    return True


#: one catalog query: the table's kind, then per column its name, NOT NULL and primary
#: key flags (no column rows for a table without columns; no row at all: no table)
_PG_COLUMN_NAMES = sa.text(
    "SELECT c.relkind, a.attname, a.attnotnull, "
    "coalesce(a.attnum = ANY (i.indkey), false) "
    "FROM pg_catalog.pg_class c "
    "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 "
    "AND NOT a.attisdropped "
    "LEFT JOIN pg_catalog.pg_index i ON i.indrelid = c.oid AND i.indisprimary "
    "WHERE c.oid = to_regclass(:t) AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
    "ORDER BY a.attnum"
)


def pg_regclass_text(ref: TableRef) -> str:
    """``ref`` as ``to_regclass()`` reads it: every part quoted (the exact name, whatever
    its case or characters; the preparer's quoting would double a ``%`` for the driver,
    and this is a bound value)."""

    def q(name: str) -> str:
        return '"{}"'.format(name.replace('"', '""'))

    return f"{q(ref.schema)}.{q(ref.name)}" if ref.schema else q(ref.name)


def column_names_table(conn: sa.Connection, ref: TableRef) -> sa.Table:
    """``ref`` with its columns' names, nullability and primary key flags only, from one
    catalog query (PostgreSQL ``pg_attribute``, SQLite ``PRAGMA table_xinfo``).

    The columns' types are ``NullType``: rendering one fails loudly, so a planner that
    reads more than :func:`names_only` allows cannot emit wrong SQL. NoSuchTableError
    naming the table if it does not exist.
    """
    prep = conn.dialect.identifier_preparer
    columns: list[tuple[str, bool, bool]] = []
    if conn.dialect.name == "postgresql":
        rows = conn.execute(_PG_COLUMN_NAMES, {"t": pg_regclass_text(ref)}).all()
        columns = [(name, notnull, pk) for _, name, notnull, pk in rows if name is not None]
        found = bool(rows)
    else:
        version = capabilities.for_dialect(conn.dialect).server_version
        pragma = "table_xinfo" if version >= (3, 26) else "table_info"
        schema = f"{prep.quote_schema(ref.schema)}." if ref.schema else ""
        rows = conn.exec_driver_sql(f"PRAGMA {schema}{pragma}({prep.quote(ref.name)})").all()
        columns = [(r[1], bool(r[3]), bool(r[5])) for r in rows if len(r) < 7 or r[6] != 1]
        found = bool(rows)
    if not found:
        where = f" in schema {ref.schema!r}" if ref.schema else ""
        raise NoSuchTableError(
            f"Table {ref.name!r} does not exist{where}; create it first or check the name"
        )
    return sa.Table(
        ref.name,
        sa.MetaData(),
        *[
            sa.Column(name, sa.types.NULLTYPE, nullable=not notnull, primary_key=pk)
            for name, notnull, pk in columns
        ],
        schema=ref.schema,
    )


def constraints_only(ops: Sequence[Any], dialect_name: str) -> bool:
    """Whether planning ``ops`` on this dialect reads nothing of the table but its column
    names, nullability and constraints (then :func:`pg_constraints_table` is all the
    reflection): PostgreSQL, constraint adds and drops (their idempotence, duplicate
    name and no-such-constraint rules compare constraints, never types or indexes), and
    index renames (the names of the indexes and of the unique constraints, whose index
    ``ALTER INDEX`` renames with them)."""
    from migrate.changeset.ops import AddConstraintOp, DropConstraintOp, RenameIndexOp

    return dialect_name == "postgresql" and all(
        isinstance(op, (AddConstraintOp, DropConstraintOp, RenameIndexOp)) for op in ops
    )


def _pg_names(keys: str, rel: str) -> str:
    """SQL: the names of the attributes ``keys`` (an int2[] column) of relation ``rel``,
    in the array's order, as text[]."""
    return (
        f"(SELECT array_agg(a.attname::text ORDER BY array_position({keys}, a.attnum)) "
        f"FROM pg_catalog.pg_attribute a WHERE a.attrelid = {rel} AND a.attnum = ANY ({keys}))"
    )


#: one catalog query: a row for the table, one per column (name, NOT NULL), one per
#: constraint (kind, name, columns, referred table and columns, actions, definition);
#: :data:`_PG_REFERENCING` adds the foreign keys of every table that reference it
_PG_CONSTRAINTS = (
    "WITH t AS MATERIALIZED (SELECT c.oid FROM pg_catalog.pg_class c "
    "WHERE c.oid = to_regclass(:t) "
    "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) "
    "SELECT 'table' AS kind, 0 AS pos, NULL::text AS name, NULL::bool AS notnull, "
    "NULL::text[] AS cols, NULL::text AS rschema, NULL::bool AS rvisible, NULL::text AS rtable, "
    "NULL::text[] AS rcols, NULL::text AS upd, NULL::text AS dele, NULL::text AS definition, "
    "NULL::bool AS deferrable, NULL::bool AS deferred FROM t "
    "UNION ALL SELECT 'column', a.attnum, a.attname::text, a.attnotnull, NULL, NULL, NULL, "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM pg_catalog.pg_attribute a "
    "JOIN t ON a.attrelid = t.oid WHERE a.attnum > 0 AND NOT a.attisdropped "
    "UNION ALL SELECT con.contype::text, 0, con.conname::text, NULL, "
    + _pg_names("con.conkey", "con.conrelid")
    + ", rn.nspname::text, "
    "CASE WHEN con.contype = 'f' THEN pg_catalog.pg_table_is_visible(rc.oid) END, "
    "rc.relname::text, "
    + _pg_names("con.confkey", "con.confrelid")
    + ", con.confupdtype::text, con.confdeltype::text, "
    "CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid) END, "
    "con.condeferrable, con.condeferred "
    "FROM pg_catalog.pg_constraint con JOIN t ON con.conrelid = t.oid "
    "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
    "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
    "WHERE con.contype IN ('p', 'u', 'f', 'c') "
)
_PG_REFERENCING = (
    "UNION ALL SELECT 'referencing', 0, con.conname::text, NULL, "
    + _pg_names("con.conkey", "con.conrelid")
    + ", cn.nspname::text, NULL, cc.relname::text, "
    + _pg_names("con.confkey", "con.confrelid")
    + ", con.confupdtype::text, con.confdeltype::text, NULL, con.condeferrable, "
    "con.condeferred FROM pg_catalog.pg_constraint con JOIN t ON con.confrelid = t.oid "
    "JOIN pg_catalog.pg_class cc ON cc.oid = con.conrelid "
    "JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace WHERE con.contype = 'f' "
)
#: the indexes that back no constraint: name, key columns (NULL for an expression),
#: uniqueness (in the ``deferrable`` column)
_PG_INDEX_ROWS = (
    "UNION ALL SELECT 'index', 0, ic.relname::text, NULL, "
    "(SELECT array_agg(a.attname::text ORDER BY k.n) "
    "FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
    "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
    "WHERE k.n <= i.indnkeyatts), NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "i.indisunique, NULL FROM pg_catalog.pg_index i JOIN t ON i.indrelid = t.oid "
    "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "WHERE NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint x "
    "WHERE x.conindid = i.indexrelid AND x.conrelid = i.indrelid "
    "AND x.contype IN ('p', 'u', 'x')) "
)
#: ``confupdtype``/``confdeltype`` as the SQL SQLAlchemy's reflection reports (NO ACTION:
#: none)
_PG_ACTIONS = {"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
#: SQLAlchemy's own pattern for PostgreSQL's CHECK definitions
_PG_CHECK = re.compile(r"^CHECK *\((.+)\)( NO INHERIT)?( NOT VALID)?$", re.DOTALL)


def _pg_read(
    conn: sa.Connection, sql: sa.TextClause, params: dict[str, Any], ref: TableRef
) -> dict[str, list[Any]]:
    """The rows of a one-query read of ``ref`` by their ``kind`` column; NoSuchTableError
    naming the table when no ``table`` row comes back."""
    by_kind: dict[str, list[Any]] = {}
    for row in conn.execute(sql, params):
        by_kind.setdefault(row.kind, []).append(row)
    if "table" not in by_kind:
        where = f" in schema {ref.schema!r}" if ref.schema else ""
        raise NoSuchTableError(
            f"Table {ref.name!r} does not exist{where}; create it first or check the name"
        )
    return by_kind


def pg_constraints_table(
    conn: sa.Connection, ref: TableRef, *, referencing: bool = False, indexes: bool = False
) -> tuple[sa.Table, tuple[ReferencingFK, ...]]:
    """``ref`` with its columns (names and nullability; ``NullType``, as
    :func:`column_names_table`) and its primary key, unique, foreign key and check
    constraints as SQLAlchemy's reflection would give them, from one catalog query; with
    ``referencing``, the foreign keys of every table that reference it (else ``()``);
    with ``indexes``, the indexes that back no constraint (name, plain key columns,
    uniqueness). NoSuchTableError naming the table if it does not exist."""
    sql = (
        _PG_CONSTRAINTS
        + (_PG_REFERENCING if referencing else "")
        + (_PG_INDEX_ROWS if indexes else "")
        + "ORDER BY 1, 2, 3"
    )
    by_kind = _pg_read(conn, sa.text(sql), {"t": pg_regclass_text(ref)}, ref)
    key = {c for row in by_kind.get("p", ()) for c in row.cols}
    table = sa.Table(
        ref.name,
        sa.MetaData(),
        *[
            sa.Column(
                row.name, sa.types.NULLTYPE, nullable=not row.notnull, primary_key=row.name in key
            )
            for row in by_kind.get("column", ())
        ],
        schema=ref.schema,
    )
    for row in by_kind.get("p", ()):
        table.primary_key.name = row.name
    for row in by_kind.get("index", ()):
        cols = [table.c[c] for c in row.cols if c is not None]
        if cols:  # attached to the table by its columns
            sa.Index(row.name, *cols, unique=bool(row.deferrable))
        else:  # expressions only
            sa.Index(row.name, unique=bool(row.deferrable), _table=table)
    for row in by_kind.get("u", ()):
        table.append_constraint(sa.UniqueConstraint(*row.cols, name=row.name))
    for row in by_kind.get("c", ()):
        match = _PG_CHECK.match(row.definition or "")
        text = match.group(1) if match else ""
        table.append_constraint(sa.CheckConstraint(sa.text(text), name=row.name))
    for row in by_kind.get("f", ()):
        # as SQLAlchemy reports the referred schema: the one pg_get_constraintdef names (a
        # table not visible on the search path), else the reflected table's own schema
        schema = None if row.rvisible else row.rschema
        if schema is None and ref.schema is not None and ref.schema == row.rschema:
            schema = ref.schema
        spec = [schema, row.rtable] if schema else [row.rtable]
        table.append_constraint(
            sa.ForeignKeyConstraint(
                list(row.cols),
                [".".join([*spec, c]) for c in row.rcols],
                name=row.name,
                onupdate=_PG_ACTIONS.get(row.upd),
                ondelete=_PG_ACTIONS.get(row.dele),
                deferrable=True if row.deferrable else None,
                initially="DEFERRED" if row.deferred else None,
                link_to_name=True,
            )
        )
    default_schema = conn.dialect.default_schema_name
    found = tuple(
        ReferencingFK(
            table=TableRef(row.rtable, None if row.rschema == default_schema else row.rschema),
            name=row.name,
            columns=tuple(row.cols),
            referred_columns=tuple(row.rcols),
            ondelete=_PG_ACTIONS.get(row.dele),
            onupdate=_PG_ACTIONS.get(row.upd),
            deferrable=True if row.deferrable else None,
            initially="DEFERRED" if row.deferred else None,
        )
        for row in by_kind.get("referencing", ())
    )
    return table, found


def columns_only(ops: Sequence[Any], dialect_name: str) -> bool:
    """Whether planning ``ops`` on this dialect reads nothing of the table but its columns
    (types, nullability, defaults, identity), its primary key and, for a drop, the
    names and columns of its indexes (then :func:`pg_columns_table` is all the
    reflection): PostgreSQL, altering a column but not to an ``Enum`` (nor its primary
    key flag: a ``primary_key=`` the column already has, alone in the operation, is read
    this way, and when the one read shows it changes, everything is read as before), and
    dropping a column (which reads the options of an index only to
    re-create a composite one without the column: see :func:`pg_columns_table`)."""
    from migrate.changeset.ops import UNCHANGED, AlterColumnOp, DropColumnOp

    if dialect_name != "postgresql":
        return False
    for op in ops:
        if isinstance(op, AlterColumnOp):
            if isinstance(op.type, sa.Enum):
                return False
            if op.primary_key is not UNCHANGED and len(ops) > 1:
                return False
        elif not isinstance(op, DropColumnOp):
            return False
    return True


#: one catalog query: a row for the table, one per column (as SQLAlchemy's column
#: reflection reads it: ``format_type()``, default, NOT NULL, comment, generated,
#: identity options; ``plain``: a built-in type of ``pg_catalog`` with its default
#: collation), one for the primary key; :data:`_PG_INDEXES` adds the indexes that back no
#: constraint (name, key columns with NULL for an expression, each element's text, unique)
_PG_COLUMNS = (
    "WITH t AS MATERIALIZED (SELECT c.oid FROM pg_catalog.pg_class c "
    "WHERE c.oid = to_regclass(:t) "
    "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) "
    "SELECT 'table' AS kind, 0 AS pos, NULL::text AS name, NULL::bool AS notnull, "
    "NULL::text AS type, NULL::text AS dflt, NULL::text AS identity, NULL::text AS generated, "
    "NULL::text AS comment, NULL::bool AS plain, NULL::text[] AS cols, NULL::text[] AS exprs, "
    "NULL::bool AS uniq FROM t "
    "UNION ALL SELECT 'column', a.attnum, a.attname::text, a.attnotnull, "
    "pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "CASE WHEN a.atthasdef THEN (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) "
    "FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum) END, "
    "CASE WHEN a.attidentity <> '' THEN (SELECT json_build_object('always', "
    "a.attidentity = 'a', 'start', s.seqstart, 'increment', s.seqincrement, 'minvalue', "
    "s.seqmin, 'maxvalue', s.seqmax, 'cache', s.seqcache, 'cycle', s.seqcycle)::text "
    "FROM pg_catalog.pg_sequence s WHERE s.seqrelid = pg_catalog.pg_get_serial_sequence("
    "a.attrelid::regclass::text, a.attname)::regclass::oid) END, "
    "a.attgenerated::text, dsc.description, "
    "ty.typtype = 'b' AND ty.typnamespace = 'pg_catalog'::regnamespace "
    "AND (a.attcollation = 0 OR a.attcollation = ty.typcollation), NULL, NULL, NULL "
    "FROM pg_catalog.pg_attribute a JOIN t ON a.attrelid = t.oid "
    "JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid "
    "LEFT JOIN pg_catalog.pg_description dsc ON dsc.objoid = a.attrelid "
    "AND dsc.objsubid = a.attnum "
    "WHERE a.attnum > 0 AND NOT a.attisdropped "
    "UNION ALL SELECT 'p', 0, con.conname::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    + _pg_names("con.conkey", "con.conrelid")
    + ", NULL, NULL FROM pg_catalog.pg_constraint con JOIN t ON con.conrelid = t.oid "
    "WHERE con.contype = 'p' "
)
_PG_INDEXES = (
    "UNION ALL SELECT 'index', 0, ic.relname::text, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, (SELECT array_agg(a.attname::text ORDER BY k.n) "
    "FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
    "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
    "WHERE k.n <= i.indnkeyatts), "
    "(SELECT array_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k.n::int, true) ORDER BY k.n) "
    "FROM generate_series(1, i.indnkeyatts) AS k(n)), i.indisunique "
    "FROM pg_catalog.pg_index i JOIN t ON i.indrelid = t.oid "
    "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
    "WHERE NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint x "
    "WHERE x.conindid = i.indexrelid AND x.conrelid = i.indrelid "
    "AND x.contype IN ('p', 'u', 'x')) "
)

#: SQLAlchemy's reflected type per ``format_type()`` text of a :data:`_PG_COLUMNS`
#: ``plain`` column (a built-in type: SQLAlchemy's type is a function of that text
#: alone), learnt from SQLAlchemy's own column reflection the first time a text is seen
_PG_TYPES: dict[tuple[type, str], sa.types.TypeEngine[Any]] = {}
_PG_TYPES_KEPT = 1024
_NEXTVAL = re.compile(r"(nextval\(')([^']+)('.*$)")


def pg_columns_table(
    conn: sa.Connection,
    ref: TableRef,
    *,
    drop_columns: tuple[str, ...] = (),
    key_flags: tuple[tuple[str, bool], ...] = (),
) -> sa.Table | None:
    """``ref`` with its columns, primary key and (when ``drop_columns``) its indexes'
    names and columns, from one catalog query, built by SQLAlchemy's ``Table`` reflection
    from what SQLAlchemy's Inspector would report (comment, options, foreign key,
    unique and check constraints are not read).

    Column types are SQLAlchemy's: a type whose ``format_type()`` text SQLAlchemy has
    reflected before in this process is reused; otherwise (an enum, a domain, a
    collation, a text not seen yet) the columns come from SQLAlchemy's
    ``Inspector.get_multi_columns`` (one more query). None, with nothing more read, when
    a column of ``drop_columns`` is in an index of several columns (the plan re-creates
    it without the column, with all its options: read as before), or when a column of
    ``key_flags`` (name, in the primary key) is not in the primary key as it says (the
    plan changes the key, which reads the constraints and the foreign keys that depend
    on it). NoSuchTableError naming the table if it does not exist.
    """
    from sqlalchemy.engine.reflection import ObjectKind, ObjectScope, _ReflectionInfo

    if (conn.dialect.server_version_info or (0,)) < (12,):
        return None  # attgenerated: PostgreSQL 12
    sql = _PG_COLUMNS + (_PG_INDEXES if drop_columns else "") + "ORDER BY 1, 2, 3"
    by_kind = _pg_read(conn, sa.text(sql), {"t": pg_regclass_text(ref)}, ref)
    pk = by_kind.get("p", ())
    indexes = by_kind.get("index", ())
    if drop_columns:
        # the plan re-creates a composite index without the dropped column, with the
        # index's options (WHERE, USING, INCLUDE, ...): read as before then
        shrunk = {fold(c) for row in indexes if len(row.cols) > 1 for c in row.cols if c}
        if any(fold(c) in shrunk for c in drop_columns):
            return None
    if key_flags:
        pk_cols = set(pk[0].cols) if pk else set()
        names = {row.name for row in by_kind.get("column", ())}
        if any(name not in names or (name in pk_cols) != flag for name, flag in key_flags):
            return None
    dialect_cls = type(conn.dialect)
    column_rows = by_kind.get("column", ())
    columns: list[Any]
    if all(row.plain and (dialect_cls, row.type) in _PG_TYPES for row in column_rows):
        columns = [
            _pg_column_info(row, ref, _PG_TYPES[(dialect_cls, row.type)]) for row in column_rows
        ]
    else:
        found = sa.inspect(conn).get_multi_columns(
            schema=ref.schema, filter_names=[ref.name], kind=ObjectKind.ANY, scope=ObjectScope.ANY
        )
        columns = list(dict(found).get((ref.schema, ref.name), ()))
        if len(_PG_TYPES) > _PG_TYPES_KEPT:
            _PG_TYPES.clear()  # bounded: many VARCHAR lengths over a long life
        for row, col in zip(column_rows, columns, strict=False):
            if row.plain and row.name == col["name"]:
                _PG_TYPES[(dialect_cls, row.type)] = copy.copy(col["type"])
    key = (ref.schema, ref.name)
    index_info: list[Any] = [_pg_index_info(row) for row in indexes]
    info = _ReflectionInfo(
        columns={key: columns},
        pk_constraint={
            key: {"constrained_columns": list(pk[0].cols), "name": pk[0].name}
            if pk
            else {"constrained_columns": [], "name": None}
        },
        foreign_keys={},
        indexes={key: index_info},
        unique_constraints={},
        table_comment={},
        check_constraints={},
        table_options={},
        unreflectable={},
    )
    return sa.Table(
        ref.name,
        sa.MetaData(),
        schema=ref.schema,
        autoload_with=conn,
        resolve_fks=False,
        _reflect_info=info,
    )


def _pg_column_info(row: Any, ref: TableRef, type_: sa.types.TypeEngine[Any]) -> dict[str, Any]:
    """A :data:`_PG_COLUMNS` column row as ``Inspector.get_columns`` reports it."""
    default = row.dflt
    computed = None
    if row.generated not in (None, ""):
        computed = {"sqltext": default, "persisted": row.generated == "s"}
        default = None
    autoincrement = False
    if default is not None:
        match = _NEXTVAL.search(default)
        if match is not None:
            affinity = type_._type_affinity
            autoincrement = affinity is not None and issubclass(affinity, sa.Integer)
            if "." not in match.group(2) and ref.schema is not None:
                default = f'{match.group(1)}"{ref.schema}".{match.group(2)}{match.group(3)}'
    identity = json.loads(row.identity) if row.identity is not None else None
    info: dict[str, Any] = {
        "name": row.name,
        "type": copy.copy(type_),
        "nullable": not row.notnull,
        "default": default,
        "autoincrement": autoincrement or identity is not None,
        "comment": row.comment,
    }
    if computed is not None:
        info["computed"] = computed
    if identity is not None:
        info["identity"] = identity
    return info


def _pg_index_info(row: Any) -> dict[str, Any]:
    """An :data:`_PG_INDEXES` row as ``Inspector.get_indexes`` reports its name, columns
    (an expression: None, its text in ``expressions``) and uniqueness."""
    info: dict[str, Any] = {
        "name": row.name,
        "column_names": list(row.cols),
        "unique": bool(row.uniq),
        "dialect_options": {},
    }
    if None in row.cols:
        info["expressions"] = list(row.exprs)
    return info


def renames_only(ops: Sequence[Any], dialect_name: str) -> bool:
    """Whether ``ops`` only rename the table, without ``rename_constraints`` (then
    :func:`pg_rename_table` is all the reflection): PostgreSQL."""
    from migrate.changeset.ops import RenameTableOp

    return dialect_name == "postgresql" and all(
        isinstance(op, RenameTableOp) and not op.rename_constraints for op in ops
    )


#: one catalog query: a row for the table, one per column (name, NOT NULL, in the
#: primary key), one per sequence a column owns (serial, identity), one per name of
#: ``:others`` a table, view or foreign table already has (as ``Inspector.has_table``
#: looks: in ``:s``, else visible on the search path)
_PG_RENAME = sa.text(
    "WITH t AS MATERIALIZED (SELECT c.oid FROM pg_catalog.pg_class c "
    "WHERE c.oid = to_regclass(:t) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) "
    "SELECT 'table' AS kind, 0 AS pos, NULL::text AS name, NULL::text AS other, "
    "NULL::bool AS notnull, NULL::bool AS pk FROM t "
    "UNION ALL SELECT 'column', a.attnum, a.attname::text, NULL, a.attnotnull, "
    "coalesce(a.attnum = ANY (i.indkey), false) FROM pg_catalog.pg_attribute a "
    "JOIN t ON a.attrelid = t.oid LEFT JOIN pg_catalog.pg_index i "
    "ON i.indrelid = t.oid AND i.indisprimary WHERE a.attnum > 0 AND NOT a.attisdropped "
    "UNION ALL SELECT 'sequence', a.attnum, a.attname::text, s.relname::text, NULL, NULL "
    "FROM pg_catalog.pg_depend d JOIN t ON d.refobjid = t.oid "
    "JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
    "WHERE d.classid = 'pg_catalog.pg_class'::regclass "
    "AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i') "
    "UNION ALL SELECT 'existing', 0, c.relname::text, NULL, NULL, NULL "
    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = ANY (CAST(:others AS text[])) "
    "AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND CASE WHEN CAST(:s AS text) IS NULL "
    "THEN pg_catalog.pg_table_is_visible(c.oid) AND n.nspname <> 'pg_catalog' "
    "ELSE n.nspname = CAST(:s AS text) END "
    "ORDER BY 1, 2"
)


def pg_rename_table(
    conn: sa.Connection, ref: TableRef, others: tuple[str, ...]
) -> tuple[sa.Table, frozenset[str], tuple[tuple[str, str], ...]]:
    """What renaming ``ref`` reads, from one catalog query: the table with its columns'
    names, nullability and primary key flags (``NullType``, as
    :func:`column_names_table`), the names of ``others`` a table already has, and the
    (column, sequence) pairs of the sequences its columns own. NoSuchTableError naming
    the table if it does not exist."""
    params = {"t": pg_regclass_text(ref), "others": list(others), "s": ref.schema}
    by_kind = _pg_read(conn, _PG_RENAME, params, ref)
    table = sa.Table(
        ref.name,
        sa.MetaData(),
        *[
            sa.Column(row.name, sa.types.NULLTYPE, nullable=not row.notnull, primary_key=row.pk)
            for row in by_kind.get("column", ())
        ],
        schema=ref.schema,
    )
    existing = frozenset(row.name for row in by_kind.get("existing", ()))
    owned = tuple((row.name, row.other) for row in by_kind.get("sequence", ()))
    return table, existing, owned


def presumed_snapshot(ops: Sequence[Any]) -> TableSnapshot:
    """The table as ``ops`` presume it, without reading it: the columns they rename
    exist (``NullType``, as :func:`column_names_table` gives them); nothing else is known.

    For :func:`names_only` ops run optimistically (``runner.optimistic``): their SQL
    depends on the names alone, and the database refuses what the table does not allow.
    The table is a :class:`PresumedTable`, not an ``sa.Table`` (whose construction alone
    costs more than planning the ops; bench W2, W6-pg).
    """
    from migrate.changeset.ops import AlterColumnOp

    seen: set[str] = set()
    presumed: list[sa.Column[Any]] = []
    for op in ops:
        if isinstance(op, AlterColumnOp):
            if fold(op.column_name) not in seen:
                presumed.append(sa.Column(op.column_name, sa.types.NULLTYPE))
            seen.update((fold(op.column_name), fold(str(op.name))))
        else:
            seen.add(fold(op.column.name))
    ref = ops[0].table
    table = cast(sa.Table, PresumedTable(ref, tuple(presumed)))
    return TableSnapshot(ref=ref, table=table, has_rows=None)


class PresumedTable:
    """The table of a :func:`presumed_snapshot`: its name, the presumed columns and no
    index, which is all that planning plain :func:`names_only` ops reads. Reading
    anything else builds the ``sa.Table`` (these columns attached) and reads that."""

    indexes: frozenset[sa.Index] = frozenset()

    def __init__(self, ref: TableRef, columns: tuple[sa.Column[Any], ...]) -> None:
        self.name = ref.name
        self.schema = ref.schema
        self.fullname = ref.fullname
        self.columns = columns
        self._table: sa.Table | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or "columns" not in self.__dict__:
            raise AttributeError(name)  # copy/pickle probes, or not initialised
        if self._table is None:
            self._table = sa.Table(self.name, sa.MetaData(), *self.columns, schema=self.schema)
        return getattr(self._table, name)


def wants_rows(ops: Sequence[Any]) -> bool:
    """Whether planning reads ``has_rows``: an added NOT NULL column without any default
    (refused on a non-empty table) or with a callable default (PostgreSQL fills it per
    row only when there are rows)."""
    from migrate.changeset.ops import AddColumnOp

    for op in ops:
        if not isinstance(op, AddColumnOp) or op.column.server_default is not None:
            continue
        col = op.column
        if getattr(col.default, "is_callable", False):
            return True
        if not col.nullable and col.default is None and not col.primary_key:
            return True
    return False


def reflect(
    conn: sa.Connection,
    ref: TableRef,
    *,
    needs: frozenset[str] = EVERYTHING,
    metadata: sa.MetaData | None = None,
) -> sa.Table:
    """``ref`` reflected on ``conn`` (columns and primary key, plus ``needs``) into
    ``metadata`` (a private one by default); NoSuchTableError naming it if absent.

    Everything: SQLAlchemy's ``Table(autoload_with=)``. Less: the same reflection fed
    with only the Inspector results asked for (on PostgreSQL 4 catalog queries instead
    of 11 for columns and primary key).
    """
    meta = metadata if metadata is not None else sa.MetaData()
    kw: dict[str, Any] = {}
    if needs != EVERYTHING:
        kw["_reflect_info"] = _partial_reflection(conn, ref, needs)
    elif metadata is None and conn.dialect.name == "postgresql":
        # our private snapshot: PostgreSQL plans never rebuild the table, so nothing
        # reads its comment or storage options (2 of 10 catalog queries)
        kw["_reflect_info"] = _partial_reflection(conn, ref, needs)
    try:
        return sa.Table(
            ref.name,
            meta,
            schema=ref.schema,
            autoload_with=conn,
            resolve_fks=False,
            extend_existing=metadata is not None,
            **kw,
        )
    except sa.exc.NoSuchTableError:
        where = f" in schema {ref.schema!r}" if ref.schema else ""
        raise NoSuchTableError(
            f"Table {ref.name!r} does not exist{where}; create it first or check the name"
        ) from None


def _partial_reflection(conn: sa.Connection, ref: TableRef, needs: frozenset[str]) -> Any:
    """SQLAlchemy's reflection info for one table with only the kinds in ``needs`` read
    (``"constraints"``: foreign key, unique and check constraints; never the table's
    comment or options).

    ``Table(autoload_with=, _reflect_info=)`` builds the Table from it exactly as a full
    autoload would, minus what was not read (a table absent from it is reflected fully,
    which raises NoSuchTableError).
    """
    from sqlalchemy.engine.reflection import ObjectKind, ObjectScope, _ReflectionInfo

    insp = sa.inspect(conn)
    kw: dict[str, Any] = {"schema": ref.schema, "filter_names": [ref.name]}
    # any kind and scope, as Table(autoload_with=) asks: the name is taken as given,
    # without listing the schema's tables first (MySQL: one SHOW FULL TABLES less)
    kw["kind"] = ObjectKind.ANY
    kw["scope"] = ObjectScope.ANY
    indexes: dict[Any, Any] = dict(insp.get_multi_indexes(**kw)) if "indexes" in needs else {}
    constraints = "constraints" in needs
    return _ReflectionInfo(
        columns=dict(insp.get_multi_columns(**kw)),
        pk_constraint=dict(insp.get_multi_pk_constraint(**kw)),
        foreign_keys=dict(insp.get_multi_foreign_keys(**kw)) if constraints else {},
        indexes=indexes,
        unique_constraints=dict(insp.get_multi_unique_constraints(**kw)) if constraints else {},
        table_comment={},
        check_constraints=dict(insp.get_multi_check_constraints(**kw)) if constraints else {},
        table_options={},
        unreflectable={},
    )


def wants_enums(ops: Sequence[Any]) -> bool:
    """Whether an op adds or alters a column to an ``Enum`` type (PostgreSQL reads them)."""
    for op in ops:
        column = getattr(op, "column", None)
        type_ = getattr(column, "type", None) if column is not None else getattr(op, "type", None)
        if isinstance(type_, sa.Enum):
            return True
    return False


def _pg_enums(conn: sa.Connection) -> dict[tuple[str | None, str], tuple[str, ...]]:
    """Every enum type: keyed by (schema, name) and, when visible, by (None, name)."""
    found: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for e in sa.inspect(conn).get_enums(schema="*"):  # type: ignore[attr-defined]
        labels = tuple(e["labels"])
        found[(e["schema"], e["name"])] = labels
        if e.get("visible"):
            found[(None, e["name"])] = labels
    return found


def _pg_owned_sequences(conn: sa.Connection, ref: TableRef) -> tuple[tuple[str, str], ...]:
    found = conn.execute(
        sa.text(
            "SELECT a.attname, s.relname FROM pg_depend d "
            "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
            "AND d.deptype IN ('a', 'i') AND d.refobjid = to_regclass(:t) "
            "ORDER BY a.attnum"
        ),
        {"t": pg_regclass_text(ref)},
    )
    return tuple((str(col), str(seq)) for col, seq in found)


def with_sqlite_schema(conn: sa.Connection, snap: TableSnapshot) -> TableSnapshot:
    """``snap`` plus the SQLite schema a rebuild works from, read on ``conn``."""
    schema = read_sqlite_schema(conn, snap.ref.name, schema=snap.ref.schema)
    return dataclasses.replace(snap, sqlite=schema)


def offline_sqlite_schema(snap: TableSnapshot) -> TableSnapshot:
    """Offline: the SQLite schema a rebuild works from, as the Table object describes it."""
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    table_sql = str(sa.schema.CreateTable(snap.table).compile(dialect=dialect)).strip()
    # By name, then by text: a Table may hold two indexes of one name (a set has no order).
    index_sql = [
        sql
        for _, sql in sorted(
            (str(i.name), str(sa.schema.CreateIndex(i).compile(dialect=dialect)).strip())
            for i in snap.table.indexes
        )
    ]
    return dataclasses.replace(
        snap, sqlite=SqliteTableSchema.from_sql(table_sql, indexes=index_sql)
    )


def wants_referencing(ops: Sequence[Any]) -> bool:
    """Whether the ops change a primary key (then FKs referencing it are read)."""
    from migrate.changeset.ops import UNCHANGED, AddConstraintOp, AlterColumnOp, DropConstraintOp

    for op in ops:
        if isinstance(op, DropConstraintOp) and op.kind == "primary_key":
            return True
        if isinstance(op, AddConstraintOp) and isinstance(op.constraint, sa.PrimaryKeyConstraint):
            return True
        if isinstance(op, AlterColumnOp) and op.primary_key is not UNCHANGED:
            return True
    return False


def _sqlite_index_sql(conn: sa.Connection, ref: TableRef) -> dict[str, str]:
    """The stored ``CREATE INDEX`` text of the table's explicit indexes."""
    master = "sqlite_master"
    if ref.schema:
        master = f"{conn.dialect.identifier_preparer.quote_schema(ref.schema)}.sqlite_master"
    rows = conn.exec_driver_sql(
        f"SELECT name, sql FROM {master} "  # noqa: S608 (quoted schema name)
        "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        (ref.name,),
    )
    return {name: sql for name, sql in rows}


def _referencing_fks(conn: sa.Connection, ref: TableRef) -> tuple[ReferencingFK, ...]:
    """FKs of every table that reference ``ref`` (PostgreSQL/MySQL catalogs), else ()."""
    name = conn.dialect.name
    if name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT DISTINCT n.nspname, cl.relname FROM pg_constraint c "
                "JOIN pg_class cl ON cl.oid = c.conrelid "
                "JOIN pg_namespace n ON n.oid = cl.relnamespace "
                "JOIN pg_class rc ON rc.oid = c.confrelid "
                "JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
                "WHERE c.contype = 'f' AND rc.relname = :t "
                "AND rn.nspname = coalesce(:s, current_schema())"
            ),
            {"t": ref.name, "s": ref.schema},
        ).all()
        default_schema = conn.dialect.default_schema_name
    elif name in ("mysql", "mariadb"):
        # the current database in the same query (needed only when a row comes back);
        # the system schemas hold no foreign key to a user's table, and leaving them out
        # spares MariaDB opening their ~300 tables (3 ms -> 0.5 ms a query, measured)
        rows = conn.execute(
            sa.text(
                "SELECT DISTINCT CONSTRAINT_SCHEMA, TABLE_NAME, DATABASE() "
                "FROM information_schema.REFERENTIAL_CONSTRAINTS "
                "WHERE CONSTRAINT_SCHEMA NOT IN "
                "('mysql', 'sys', 'performance_schema', 'information_schema') "
                "AND REFERENCED_TABLE_NAME = :t "
                "AND UNIQUE_CONSTRAINT_SCHEMA = coalesce(:s, DATABASE())"
            ),
            {"t": ref.name, "s": ref.schema},
        ).all()
        default_schema = rows[0][2] if rows else None
    else:
        return ()
    insp = sa.inspect(conn)
    found: list[ReferencingFK] = []
    for schema, table, *_ in rows:
        schema = None if schema == default_schema else schema
        for fk in insp.get_foreign_keys(table, schema=schema):
            if fk["referred_table"] != ref.name:
                continue
            if fk.get("referred_schema") not in (None, ref.schema or default_schema):
                continue
            opts = fk.get("options") or {}
            found.append(
                ReferencingFK(
                    table=TableRef(table, schema),
                    name=fk["name"],
                    columns=tuple(fk["constrained_columns"]),
                    referred_columns=tuple(fk["referred_columns"]),
                    ondelete=opts.get("ondelete"),
                    onupdate=opts.get("onupdate"),
                    deferrable=opts.get("deferrable"),
                    initially=opts.get("initially"),
                )
            )
    return tuple(found)


def locate_index(target: Any, index_name: str, schema: str | None = None) -> str:
    """The name of the table that has index ``index_name`` (reflection by index name)."""
    from sqlalchemy.orm import Session

    from migrate.exceptions import NoSuchObjectError

    bind = target.connection() if isinstance(target, Session) else target
    insp = sa.inspect(bind)
    for table in insp.get_table_names(schema=schema):
        for index in insp.get_indexes(table, schema=schema):
            if index["name"] == index_name:
                return table
        if bind.dialect.name not in ("mysql", "mariadb"):
            for uc in insp.get_unique_constraints(table, schema=schema):
                if uc["name"] == index_name:
                    return table
    where = f" in schema {schema!r}" if schema else ""
    raise NoSuchObjectError(f"No index named {index_name!r}{where}; pass table= or check the name")


def snapshot_from_table(table: sa.Table | None, ref: TableRef) -> TableSnapshot:
    """Offline: what the caller's Table object describes.

    The snapshot holds the caller's Table itself, not a copy: planners only read
    ``snap.table`` and render from :func:`~migrate.changeset.steps.render_table`'s
    copy, and a second ``to_metadata()`` copy per operation was three quarters of the
    offline rendering time (bench W5).
    """
    if table is None:
        table = sa.Table(ref.name, sa.MetaData(), schema=ref.schema)
    return TableSnapshot(ref=ref, table=table, has_rows=None, offline=True)


def read_sqlite_schema(
    conn: sa.Connection, table: str, schema: str | None = None
) -> SqliteTableSchema:
    """Read one table's schema on *conn* (call it inside the transaction that will rebuild).

    *schema* names an attached database (``None``: ``main``). Raises
    :class:`~migrate.exceptions.NoSuchTableError` when there is no such table.
    """
    q = f"{quote(schema)}." if schema else ""

    def rows(sql: str, *params: Any) -> list[Any]:
        return list(conn.exec_driver_sql(sql, params).fetchall())

    found = rows(
        f"SELECT name, sql FROM {q}sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE",
        table,
    )
    if not found:
        where = f" in database {schema!r}" if schema else ""
        raise NoSuchTableError(f"SQLite has no table named {table!r}{where}")
    name, sql = found[0][0], found[0][1]
    parsed = parse_create_table(sql)
    master = rows(f"SELECT type, name, tbl_name, sql FROM {q}sqlite_master")
    indexes, triggers, views = [], [], []
    for kind, oname, tbl, osql in master:
        if osql is None:
            continue  # auto-index of a UNIQUE / PRIMARY KEY constraint
        if kind == "index" and tbl.lower() == name.lower():
            indexes.append(SqliteObject(kind, oname, osql))
        elif kind == "trigger" and tbl.lower() == name.lower():
            triggers.append(SqliteObject(kind, oname, osql))
        elif kind == "view" and references_identifier(osql, name):
            views.append(SqliteObject(kind, oname, osql))
    xinfo = tuple(
        XInfoColumn(r[0], r[1], r[2], bool(r[3]), r[4], r[5], r[6])
        for r in rows(f"PRAGMA {q}table_xinfo({quote(name)})")
    )
    fks: list[ForeignKeyRow] = []
    children: list[ForeignKeyRow] = []
    # every table's foreign keys in one statement (the table-valued pragma, SQLite 3.16+),
    # not one PRAGMA per table of the database
    for r in rows(
        f"SELECT m.name, f.* FROM {q}sqlite_master AS m "  # noqa: S608 (quoted schema name)
        "JOIN pragma_foreign_key_list(m.name, ?) AS f "
        "WHERE m.type = 'table' AND substr(m.name, 1, 7) <> 'sqlite_'",
        schema or "main",
    ):
        fk = ForeignKeyRow(*r[:9])
        if fk.table.lower() == name.lower():
            fks.append(fk)
        elif fk.parent.lower() == name.lower():
            children.append(fk)
    sequence: int | None = None
    if any(m[0] == "table" and m[1] == "sqlite_sequence" for m in master):
        seq = rows(f"SELECT seq FROM {q}sqlite_sequence WHERE name = ? COLLATE NOCASE", name)
        sequence = int(seq[0][0]) if seq else None
    return SqliteTableSchema(
        name=name,
        sql=sql,
        table=parsed,
        indexes=tuple(indexes),
        triggers=tuple(triggers),
        views=tuple(views),
        xinfo=xinfo,
        foreign_keys=tuple(fks),
        child_foreign_keys=tuple(children),
        sequence=sequence,
        object_names=frozenset(m[1].lower() for m in master),
        schema=schema,
    )
