"""SQLite: the 12-step table rebuild, planned from the database's own schema.

https://www.sqlite.org/lang_altertable.html#otheralter ("Making Other Kinds Of Table
Schema Changes"). Three parts, one direction:

* :func:`read_sqlite_schema` reads everything about one table on the connection that
  will run the DDL (``sqlite_master``, pragmas) into a frozen :class:`SqliteTableSchema`;
* :func:`plan_rebuild` is pure: it applies operations to the parsed schema and returns
  a :class:`RebuildPlan` (statements + what the runner must do around them);
* the runner (:mod:`migrate.changeset.runner`) executes it: pragmas, one transaction,
  ``foreign_key_check``, rollback on any failure.

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

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect_mod
from sqlalchemy.schema import CreateColumn, CreateIndex

from migrate.changeset import ddl
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
)
from migrate.changeset.planner import default_literal
from migrate.changeset.sqlite_schema import (
    ColumnClause,
    ColumnDef,
    ParsedIndex,
    ParsedTable,
    TableConstraint,
    normalized,
    parse_column_def,
    parse_create_index,
    parse_create_table,
    parse_table_constraint,
    qualify_create,
    quote,
    quote_string,
    references_identifier,
    rename_identifiers,
    render_create_table,
    significant,
    tokenize,
)
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidOperationError,
    NoSuchColumnError,
    NoSuchObjectError,
    NoSuchTableError,
    NotSupportedError,
)

log = logging.getLogger("migrate.changeset")

_DIALECT = sqlite_dialect_mod.dialect()


# ---------------------------------------------------------------------------
# what the database says


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
    for kind, oname, _tbl, _osql in master:
        if kind != "table" or oname.startswith("sqlite_"):
            continue
        for r in rows(f"PRAGMA {q}foreign_key_list({quote(oname)})"):
            fk = ForeignKeyRow(oname, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
            if oname.lower() == name.lower():
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


# ---------------------------------------------------------------------------
# the plan


@dataclass(frozen=True)
class RebuildPlan:
    """The statements of one rebuild and what the runner must do around them.

    Runner contract (:func:`migrate.changeset.runner.execute`): if ``needs_foreign_keys_off``
    and ``PRAGMA foreign_keys`` is on, turn it off *before* ``BEGIN`` (it is a no-op
    inside a transaction); inside the transaction set ``PRAGMA legacy_alter_table`` to
    ``legacy_alter_table``; run ``statements``; ``PRAGMA foreign_key_check`` each of
    ``fk_check_tables``; commit; restore both pragmas.
    """

    table: str
    temp_name: str
    statements: list[str] = field(default_factory=list)
    fk_check_tables: list[str] = field(default_factory=list)
    needs_foreign_keys_off: bool = False
    legacy_alter_table: bool = False
    #: how many times table data is copied (0 or 1)
    copies: int = 0
    #: other tables whose foreign keys reference this one
    child_tables: list[str] = field(default_factory=list)
    #: the table (old or new) has a foreign key to itself; with foreign keys on, the
    #: new table would be a child of the old one while both exist
    self_referencing: bool = False
    #: the attached database of ``table`` (``None``: ``main``); qualifies the pragmas too
    schema: str | None = None
    #: the new table as created (under ``temp_name``, old column names), None if no-op
    new_table: ParsedTable | None = None
    #: indexes that vanish because a column they need was dropped
    dropped_indexes: list[str] = field(default_factory=list)
    #: the row copy ``statements[copy_index]``, None when no rows are copied
    copy_index: int | None = None
    #: the old table, qualified and quoted (what the copy reads)
    copy_source: str = ""
    #: a name for the old table's rowid (to copy in rowid ranges); None: WITHOUT ROWID
    copy_key: str | None = None
    #: SQL functions (no arguments) the statements call: registered on the connection
    #: before they run (a callable default evaluated per row)
    functions: dict[str, Callable[[], Any]] = field(default_factory=dict)


@dataclass
class _Col:
    final: str  # the caller's name for it, after the operations so far
    temp: str  # its name in the new table until the final RENAME COLUMNs
    source: str | None  # the old table's column to copy from
    defn: ColumnDef  # in the temp namespace
    insert_expr: str | None = None  # value for existing rows of an added column


@dataclass
class _Index:
    name: str
    parsed: ParsedIndex
    sql: str
    #: "old": stored text, old column names; "new": from an op, final column names
    namespace: str


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _strip_parens(text: str) -> str:
    toks = significant(tokenize(text))
    if len(toks) >= 2 and toks[0].text == "(" and toks[-1].text == ")":
        return text[toks[0].end : toks[-1].start]
    return text


def _check_expr(body: str) -> str:
    """``CHECK (a > 0)`` -> ``a > 0``."""
    toks = significant(tokenize(body))
    return _strip_parens(body[toks[1].start :])


def _fk_target(body: str) -> str:
    """The ``REFERENCES ...`` part of a FOREIGN KEY / REFERENCES text."""
    toks = significant(tokenize(body))
    at = next(t.start for t in toks if t.upper == "REFERENCES")
    return body[at:]


Signature = tuple[Any, ...]


def _signature_table(k: TableConstraint) -> Signature:
    cols = tuple(c.lower() for c in k.columns)
    if k.kind == "check":
        return ("check", normalized(_check_expr(k.body)))
    if k.kind == "foreign_key":
        return ("foreign_key", cols, normalized(_fk_target(k.body)))
    return (k.kind, cols)


def _signature_clause(col: str, c: ColumnClause) -> Signature | None:
    if c.kind == "check":
        return ("check", normalized(_check_expr(c.body)))
    if c.kind == "references":
        return ("foreign_key", (col.lower(),), normalized(c.body))
    if c.kind in ("unique", "primary_key"):
        return (c.kind, (col.lower(),))
    return None


def _render_literal(value: Any, type_: sa.types.TypeEngine[Any], column: str) -> str:
    if value is not None and ddl.needs_binding(value, type_):  # as an INSERT stores it
        return ddl.processed_literal(value, type_, _DIALECT, column)
    try:
        return str(
            default_literal(value, type_).compile(
                dialect=_DIALECT, compile_kwargs={"literal_binds": True}
            )
        )
    except sa.exc.CompileError as e:
        raise InvalidOperationError(
            f"cannot write the default {value!r} of type {type_} as an SQLite literal: {e}"
        ) from e


def _render_expr(expr: Any) -> str:
    if isinstance(expr, str):
        return expr
    if isinstance(expr, sa.TextClause):
        return expr.text
    return str(
        expr.compile(
            dialect=_DIALECT, compile_kwargs={"literal_binds": True, "include_table": False}
        )
    )


def _constraint_name(c: sa.Constraint | sa.Index | sa.ForeignKey) -> str | None:
    name = c.name
    return str(name) if isinstance(name, str) else None


def _constraint_columns(c: sa.Constraint) -> list[str]:
    if isinstance(c, sa.ForeignKeyConstraint):
        return [str(k) for k in c.column_keys]
    if isinstance(c, sa.schema.ColumnCollectionConstraint) and len(c.columns):
        return [col.name for col in c.columns]
    pending = getattr(c, "_pending_colargs", ())
    return [x if isinstance(x, str) else str(x.name) for x in pending]


def _fk_points_at(fk: sa.ForeignKey) -> tuple[str, str]:
    """(table, column) a foreign key points at, without splitting names on dots."""
    try:
        column = fk.column  # resolved through the MetaData when the target table is there
    except (sa.exc.InvalidRequestError, AttributeError):  # unresolvable, or no parent yet
        _schema, table_name, col = fk._column_tokens
        return str(table_name), str(col)
    return str(getattr(column.table, "name", column.table)), str(column.name)


def _fk_text(
    name: str | None,
    local: Sequence[str],
    targets: Sequence[tuple[str, str]],
    el: sa.ForeignKey | sa.ForeignKeyConstraint,
) -> str:
    ref_table = targets[0][0]
    ref_cols = [col for _table, col in targets]
    text = (
        f"FOREIGN KEY ({', '.join(quote(c) for c in local)}) REFERENCES {quote(ref_table)} "
        f"({', '.join(quote(c) for c in ref_cols)})"
    )
    if el.match:
        text += f" MATCH {el.match}"
    if el.ondelete:
        text += f" ON DELETE {el.ondelete}"
    if el.onupdate:
        text += f" ON UPDATE {el.onupdate}"
    if el.deferrable is not None:
        text += " DEFERRABLE" if el.deferrable else " NOT DEFERRABLE"
    if el.initially:
        text += f" INITIALLY {el.initially}"
    return (f"CONSTRAINT {quote(name)} " if name else "") + text


def render_constraint(c: sa.Constraint) -> TableConstraint:
    """A SQLAlchemy constraint as SQLite table-constraint text (column names as given)."""
    name = _constraint_name(c)
    prefix = f"CONSTRAINT {quote(name)} " if name else ""
    if isinstance(c, sa.ForeignKeyConstraint):
        targets = [_fk_points_at(el) for el in c.elements]
        text = _fk_text(name, _constraint_columns(c), targets, c)
    elif isinstance(c, sa.PrimaryKeyConstraint):
        text = prefix + f"PRIMARY KEY ({', '.join(quote(x) for x in _constraint_columns(c))})"
    elif isinstance(c, sa.UniqueConstraint):
        text = prefix + f"UNIQUE ({', '.join(quote(x) for x in _constraint_columns(c))})"
    elif isinstance(c, sa.CheckConstraint):
        text = prefix + f"CHECK ({_render_expr(c.sqltext)})"
    else:
        raise NotSupportedError(f"SQLite rebuild cannot add a {type(c).__name__}")
    return parse_table_constraint(text)


def render_column(column: sa.Column[Any]) -> ColumnDef:
    """A SQLAlchemy Column as an SQLite column definition (CreateColumn + inline CHECKs)."""
    copy = column._copy()
    throwaway = sa.Table("_migrate_render", sa.MetaData(), copy)
    text = str(CreateColumn(throwaway.c[copy.key]).compile(dialect=_DIALECT))
    checks = [
        f"CHECK ({_render_expr(k.sqltext)})"
        for k in column.constraints
        if isinstance(k, sa.CheckConstraint)
    ]
    return parse_column_def(" ".join([text, *checks]))


def _default_clause(server_default: Any) -> ColumnClause:
    if isinstance(server_default, sa.DefaultClause):
        server_default = server_default.arg
    col: sa.Column[Any] = sa.Column("x", sa.Integer, server_default=server_default)
    clause = render_column(col).clause("default")
    if clause is None:
        raise InvalidOperationError(f"cannot render server default {server_default!r}")
    return clause


def _without_words(text: str, *words: str) -> str:
    toks = tokenize(text)
    return "".join(t.text for t in toks if t.upper not in words).strip()


class _Planner:
    def __init__(self, schema: SqliteTableSchema) -> None:
        self.schema = schema
        old = schema.table
        self.old = old
        self.cols: list[_Col] = [_Col(c.name, c.name, c.name, c) for c in old.columns]
        self.constraints: list[TableConstraint] = list(old.constraints)
        self.indexes: list[_Index] = [
            _Index(i.name, parse_create_index(i.sql), i.sql, "old") for i in schema.indexes
        ]
        self.dropped_indexes: list[str] = []
        self.functions: dict[str, Callable[[], Any]] = {}
        self.changed = False

    # --- lookups -------------------------------------------------------------

    def col(self, name: str) -> _Col:
        for c in self.cols:
            if _same(c.final, name):
                return c
        raise NoSuchColumnError(
            f"table {self.old.name!r} has no column {name!r} "
            f"(columns: {', '.join(c.final for c in self.cols)})"
        )

    def has_col(self, name: str) -> bool:
        return any(_same(c.final, name) for c in self.cols)

    def temp_names(self, finals: Sequence[str]) -> list[str]:
        return [self.col(n).temp for n in finals]

    def to_temp(self, sql: str) -> str:
        mapping = {c.final: c.temp for c in self.cols if c.final != c.temp}
        return rename_identifiers(sql, mapping) if mapping else sql

    def all_signatures(self) -> list[tuple[Signature, str | None, str, bool]]:
        """Every constraint as (signature, name, text, is an index); plain unique indexes
        count as UNIQUE.

        On SQLite a UNIQUE constraint added to an existing table is often a unique index
        (SQLite's ADD COLUMN cannot add one; sqlalchemy-migrate 0.13 always did that).
        """
        out: list[tuple[Signature, str | None, str, bool]] = []
        for ix in self.indexes:
            p = ix.parsed
            plain = all(c.column is not None for c in p.columns) and p.where is None
            names = [c.column for c in p.columns if c.column is not None]
            if ix.namespace == "new":
                names = [self.col(n).temp if self.has_col(n) else n for n in names]
            sig: Signature = (
                ("unique", tuple(n.lower() for n in names))
                if p.unique and plain
                else ("index", ix.name.lower())
            )
            out.append((sig, ix.name, ix.sql, True))
        for k in self.constraints:
            out.append((_signature_table(k), k.name, k.text, False))
        for c in self.cols:
            for cl in c.defn.clauses:
                csig = _signature_clause(c.temp, cl)
                if csig is not None:
                    out.append((csig, cl.name, cl.text, False))
        return out

    # --- operations ----------------------------------------------------------

    def apply(self, op: Op) -> None:
        if isinstance(op, AddColumnOp):
            self.add_column(op)
        elif isinstance(op, DropColumnOp):
            self.drop_column(op.column_name)
        elif isinstance(op, AlterColumnOp):
            self.alter_column(op)
        elif isinstance(op, CreateIndexOp):
            self.create_index(op)
        elif isinstance(op, DropIndexOp):
            self.drop_index(op.index_name)
        elif isinstance(op, RenameIndexOp):
            self.rename_index(op.index_name, op.new_name)
        elif isinstance(op, AddConstraintOp):
            self.add_constraint(op.constraint)
        elif isinstance(op, DropConstraintOp):
            self.drop_constraint(op)
        elif isinstance(op, RenameTableOp):
            raise NotSupportedError(
                "a table rename is native on SQLite (ALTER TABLE ... RENAME TO); "
                "it is not part of a rebuild"
            )
        else:  # pragma: no cover - Op is a closed union
            raise NotSupportedError(f"unknown operation {op!r}")

    def add_column(self, op: AddColumnOp) -> None:
        column = op.column
        if self.has_col(column.name):
            raise DuplicateObjectError(
                f"table {self.old.name!r} already has a column {column.name!r}"
            )
        defn = render_column(column)
        taken = {c.temp.lower() for c in self.cols}
        temp = column.name
        n = 0
        while temp.lower() in taken:
            n += 1
            temp = f"_migrate_new_{n}_{column.name}"
        defn = defn.rebuilt(name=temp)
        # inline CHECKs name other columns by their final names
        defn = defn.rebuilt(
            clauses=[
                ColumnClause(cl.kind, cl.name, self.to_temp(cl.text), self.to_temp(cl.body))
                if cl.kind == "check"
                else cl
                for cl in defn.clauses
            ]
        )
        insert_expr: str | None = None
        default = column.default
        # a server default fills existing rows itself (as native ADD COLUMN does)
        populate = op.populate_default and column.server_default is None
        if populate and isinstance(default, sa.ColumnDefault):
            if default.is_scalar:
                insert_expr = _render_literal(default.arg, column.type, column.name)
            elif default.is_callable:
                # evaluated per row by the copy (SPEC §4): a function of the connection
                insert_expr = self.per_row(default.arg, column.type)
            elif default.is_clause_element:
                insert_expr = _render_expr(default.arg)
        if defn.generated is not None:
            insert_expr = None
        self.cols.append(_Col(column.name, temp, None, defn, insert_expr))
        self.changed = True
        for fk in column.foreign_keys:
            self.add_constraint_text(
                parse_table_constraint(
                    _fk_text(_constraint_name(fk), [temp], [_fk_points_at(fk)], fk)
                ),
                _constraint_name(fk),
            )
        if column.primary_key:
            self.set_primary_key(self.col(column.name), True)

    def drop_column(self, name: str) -> None:
        col = self.col(name)
        if len(self.cols) == 1:
            raise InvalidOperationError(
                f"cannot drop {name!r}: it is the only column of {self.old.name!r}"
            )
        if col.source is not None:
            for fk in self.schema.child_foreign_keys:
                if fk.to_column is not None and _same(fk.to_column, col.source):
                    raise InvalidOperationError(
                        f"cannot drop {self.old.name}.{name}: the foreign key of table "
                        f"{fk.table!r} ({fk.from_column}) references it; drop that first"
                    )
        for other in self.cols:
            if other is col:
                continue
            gen = other.defn.clause("generated")
            if gen is not None and references_identifier(gen.body, col.temp):
                raise InvalidOperationError(
                    f"cannot drop {name!r}: generated column {other.final!r} uses it"
                )
        self.cols.remove(col)
        # column-level CHECKs of other columns that mention it go
        for other in self.cols:
            kept = [
                cl
                for cl in other.defn.clauses
                if not (cl.kind == "check" and references_identifier(cl.body, col.temp))
            ]
            if len(kept) != len(other.defn.clauses):
                other.defn = other.defn.rebuilt(clauses=kept)
        constraints: list[TableConstraint] = []
        for k in self.constraints:
            mentions = any(_same(c, col.temp) for c in k.columns) or (
                k.kind == "check" and references_identifier(k.body, col.temp)
            )
            if not mentions:
                constraints.append(k)
            elif k.kind == "primary_key" and len(k.columns) > 1:
                rest = [c for c in k.columns if not _same(c, col.temp)]
                constraints.append(self._pk_constraint(k.name, rest))
            else:
                log.info("dropping %s with column %r: %s", k.kind, name, k.text)
        self.constraints = constraints
        # indexes shrink or vanish
        kept_indexes: list[_Index] = []
        for ix in self.indexes:
            target = col.temp if ix.namespace == "old" else col.final
            p = ix.parsed
            if not any(references_identifier(c.text, target) for c in p.columns) and not (
                p.where is not None and references_identifier(p.where, target)
            ):
                kept_indexes.append(ix)
                continue
            left = [c for c in p.columns if c.column is None or not _same(c.column, target)]
            needs_drop = (
                not left
                or any(c.column is None and references_identifier(c.text, target) for c in left)
                or (p.where is not None and references_identifier(p.where, target))
            )
            if needs_drop:
                log.info("index %r goes with column %r", ix.name, name)
                self.dropped_indexes.append(ix.name)
                continue
            parsed = ParsedIndex(p.name, p.table, p.unique, tuple(left), p.where, p.sql)
            kept_indexes.append(_Index(ix.name, parsed, parsed.render(), ix.namespace))
        self.indexes = kept_indexes
        self.changed = True

    def alter_column(self, op: AlterColumnOp) -> None:
        col = self.col(op.column_name)
        if op.name is not UNCHANGED and op.name != col.final:
            new = str(op.name)
            if not _same(new, col.final) and self.has_col(new):
                raise DuplicateObjectError(f"table {self.old.name!r} already has a column {new!r}")
            for ix in self.indexes:
                if ix.namespace == "new":
                    p = ix.parsed
                    cols = tuple(
                        type(c)(
                            rename_identifiers(c.text, {col.final: new}),
                            new
                            if c.column is not None and _same(c.column, col.final)
                            else c.column,
                        )
                        for c in p.columns
                    )
                    where = rename_identifiers(p.where, {col.final: new}) if p.where else p.where
                    ix.parsed = ParsedIndex(p.name, p.table, p.unique, cols, where, p.sql)
                    ix.sql = ix.parsed.render()
            col.final = new
            self.changed = True
        if op.type is not UNCHANGED:
            type_text = op.type.compile(dialect=_DIALECT)
            col.defn = col.defn.rebuilt(type_text=type_text)
            self.changed = True
        if op.nullable is not UNCHANGED:
            clauses = [c for c in col.defn.clauses if c.kind != "null"]
            if op.nullable:
                clauses = [c for c in clauses if c.kind != "not_null"]
            elif not any(c.kind == "not_null" for c in clauses):
                clauses.append(ColumnClause("not_null", None, "NOT NULL", "NOT NULL"))
            col.defn = col.defn.rebuilt(clauses=clauses)
            self.changed = True
        if op.server_default is not UNCHANGED:
            if col.source is None and col.insert_expr is None and col.defn.generated is None:
                # a column this batch added: existing rows keep what its ADD filled them
                # with (its default then, or NULL), not the default it is changed to
                col.insert_expr = col.defn.default or "NULL"
            clauses = [c for c in col.defn.clauses if c.kind != "default"]
            if op.server_default is not None:
                clauses.insert(0, _default_clause(op.server_default))
            col.defn = col.defn.rebuilt(clauses=clauses)
            self.changed = True
        if op.primary_key is not UNCHANGED:
            self.set_primary_key(col, bool(op.primary_key))
        if op.autoincrement is not UNCHANGED:
            self.set_autoincrement(col, op.autoincrement)

    def set_autoincrement(self, col: _Col, value: bool | str) -> None:
        pk = col.defn.clause("primary_key")
        if value is True:
            if pk is None or col.defn.type_text.upper() != "INTEGER":
                log.info(
                    "autoincrement=True on %r: SQLite only has AUTOINCREMENT on an INTEGER "
                    "PRIMARY KEY column; nothing to do",
                    col.final,
                )
                return
            if not col.defn.autoincrement:
                new = ColumnClause(pk.kind, pk.name, pk.text + " AUTOINCREMENT", pk.body)
                col.defn = col.defn.rebuilt(
                    clauses=[new if c is pk else c for c in col.defn.clauses]
                )
                self.changed = True
        elif value is False and pk is not None and col.defn.autoincrement:
            new = ColumnClause(
                pk.kind,
                pk.name,
                _without_words(pk.text, "AUTOINCREMENT"),
                _without_words(pk.body, "AUTOINCREMENT"),
            )
            col.defn = col.defn.rebuilt(clauses=[new if c is pk else c for c in col.defn.clauses])
            self.changed = True

    def _pk_constraint(self, name: str | None, temp_cols: Sequence[str]) -> TableConstraint:
        prefix = f"CONSTRAINT {quote(name)} " if name else ""
        return parse_table_constraint(
            prefix + f"PRIMARY KEY ({', '.join(quote(c) for c in temp_cols)})"
        )

    def current_pk(self) -> tuple[list[str], str | None]:
        for c in self.cols:
            cl = c.defn.clause("primary_key")
            if cl is not None:
                return [c.temp], cl.name
        for k in self.constraints:
            if k.kind == "primary_key":
                return list(k.columns), k.name
        return [], None

    def set_primary_key(self, col: _Col, member: bool) -> None:
        """Make *col* join (or leave) the PRIMARY KEY; always a real PRIMARY KEY."""
        cols, name = self.current_pk()
        present = any(_same(c, col.temp) for c in cols)
        if member == present:
            return
        new_cols = [*cols, col.temp] if member else [c for c in cols if not _same(c, col.temp)]
        for c in self.cols:
            if c.defn.clause("primary_key") is not None:
                c.defn = c.defn.rebuilt(
                    clauses=[cl for cl in c.defn.clauses if cl.kind != "primary_key"]
                )
        self.constraints = [k for k in self.constraints if k.kind != "primary_key"]
        if new_cols:
            self.constraints.insert(0, self._pk_constraint(name, new_cols))
        self.changed = True

    def add_constraint(self, constraint: sa.Constraint) -> None:
        k = render_constraint(constraint)
        for c in k.columns:
            self.col(c)  # validates
        name = k.name
        if k.kind == "foreign_key":
            text = _fk_text(
                name,
                self.temp_names(k.columns),
                [
                    (str(k.ref_table), c)
                    for c in (k.ref_columns or [el.column.name for el in constraint.elements])  # type: ignore[attr-defined]
                ],
                constraint,  # type: ignore[arg-type]
            )
        elif k.kind == "check":
            text = self.to_temp(k.text)
        else:
            prefix = f"CONSTRAINT {quote(name)} " if name else ""
            word = "PRIMARY KEY" if k.kind == "primary_key" else "UNIQUE"
            text = prefix + f"{word} ({', '.join(quote(c) for c in self.temp_names(k.columns))})"
        self.add_constraint_text(parse_table_constraint(text), name)

    def add_constraint_text(self, k: TableConstraint, name: str | None) -> None:
        sig = _signature_table(k)
        for other_sig, other_name, other_text, is_index in self.all_signatures():
            same_name = name is not None and other_name is not None and _same(name, other_name)
            if other_sig == sig and (name is None or same_name):
                log.info(
                    "table %r already has %s; not adding it again (%s)",
                    self.old.name,
                    other_text,
                    k.text,
                )
                return
            if other_sig == sig and other_name is None and self._drop_unnamed(sig):
                # never two identical constraints (SPEC §4): the unnamed one takes the name
                log.info("table %r: %s takes the name %r", self.old.name, other_text, name)
                break
            # SQLite: an index's name never clashes with a constraint's; a plain unique
            # index stands for a UNIQUE constraint (0.13 made them so) and does
            if same_name and not (is_index and other_sig[0] == "index"):
                raise DuplicateObjectError(
                    f"table {self.old.name!r} already has a constraint named {name!r} "
                    f"with a different definition: {other_text}"
                )
        if k.kind == "primary_key":
            cols, _ = self.current_pk()
            if cols:
                raise DuplicateObjectError(
                    f"table {self.old.name!r} already has a primary key ({', '.join(cols)}); "
                    "drop it first"
                )
            self.constraints.insert(0, k)
            self._key_not_null(k.columns)
        else:
            self.constraints.append(k)
        self.changed = True

    def _key_not_null(self, temps: Sequence[str]) -> None:
        """Key columns are NOT NULL, as PostgreSQL and MySQL make them and SQLAlchemy
        renders them: SQLite itself lets NULL into a key not declared NOT NULL (rows
        with NULL there make the copy fail, and nothing changes)."""
        for c in self.cols:
            if any(_same(c.temp, t) for t in temps) and not c.defn.not_null:
                clauses = [x for x in c.defn.clauses if x.kind != "null"]
                clauses.append(ColumnClause("not_null", None, "NOT NULL", "NOT NULL"))
                c.defn = c.defn.rebuilt(clauses=clauses)

    def per_row(self, fill: Callable[[Any], Any], type_: sa.types.TypeEngine[Any]) -> str:
        """``name()``, an SQL function the runner registers for the copy: it calls the
        column's default callable once per row and stores its value as an INSERT would
        (through the type's bind processing)."""
        name = f"_migrate_default_{len(self.functions) + 1}"

        def value() -> Any:
            return ddl.bind_value(fill(None), type_, _DIALECT)

        self.functions[name] = value
        return f"{name}()"

    def _drop_unnamed(self, sig: Signature) -> bool:
        """Remove the unnamed table or column constraint with signature ``sig``."""
        for k in self.constraints:
            if k.name is None and _signature_table(k) == sig:
                self.constraints.remove(k)
                return True
        for c in self.cols:
            for cl in c.defn.clauses:
                if cl.name is None and _signature_clause(c.temp, cl) == sig:
                    c.defn = c.defn.rebuilt(clauses=[x for x in c.defn.clauses if x is not cl])
                    return True
        return False

    def drop_constraint(self, op: DropConstraintOp) -> None:
        name = op.constraint_name
        if name is not None:
            for k in self.constraints:
                if k.name is not None and _same(k.name, name):
                    self.constraints.remove(k)
                    self.changed = True
                    return
            for c in self.cols:
                for cl in c.defn.clauses:
                    if cl.name is not None and _same(cl.name, name):
                        c.defn = c.defn.rebuilt(clauses=[x for x in c.defn.clauses if x is not cl])
                        self.changed = True
                        return
            # sqlalchemy-migrate 0.13 created UNIQUE constraints on SQLite as unique indexes
            if op.kind in (None, "unique"):
                for ix in self.indexes:
                    if ix.parsed.unique and _same(ix.name, name):
                        self.drop_index(ix.name)
                        return
        sig: Signature | None = None
        if (
            name is not None
            and op.kind != "primary_key"  # a table has one, whatever its name
            and op.constraint is not None
            and isinstance(op.constraint.name, str)
        ):
            pass  # the caller named it: no other constraint is the one meant (SPEC §7)
        elif op.constraint is not None:
            k = render_constraint(op.constraint)
            if k.kind == "foreign_key":
                sig = ("foreign_key", tuple(c.lower() for c in self.temp_names(k.columns)))
            elif k.kind == "check":
                sig = _signature_table(parse_table_constraint(self.to_temp(k.text)))
            else:
                sig = (k.kind, tuple(c.lower() for c in self.temp_names(k.columns)))
        elif op.kind == "primary_key":
            cols, _ = self.current_pk()
            sig = ("primary_key", tuple(c.lower() for c in cols)) if cols else None
        if sig is not None:
            if sig[0] == "primary_key":
                cols, _ = self.current_pk()
                if tuple(c.lower() for c in cols) == sig[1]:
                    for c in list(self.cols):
                        if any(_same(c.temp, x) for x in cols):
                            self.set_primary_key(c, False)
                    return
            for k in self.constraints:
                ks = _signature_table(k)
                if ks == sig or (sig[0] == "foreign_key" and ks[:2] == sig[:2]):
                    self.constraints.remove(k)
                    self.changed = True
                    return
            for c in self.cols:
                for cl in c.defn.clauses:
                    cs = _signature_clause(c.temp, cl)
                    if cs is not None and (
                        cs == sig or (sig[0] == "foreign_key" and cs[:2] == sig[:2])
                    ):
                        c.defn = c.defn.rebuilt(clauses=[x for x in c.defn.clauses if x is not cl])
                        self.changed = True
                        return
        raise NoSuchObjectError(
            f"table {self.old.name!r} has no {op.kind or 'constraint'} "
            f"{name if name is not None else '(unnamed) matching ' + repr(op.constraint)}"
        )

    def create_index(self, op: CreateIndexOp) -> None:
        name = op.name
        if any(_same(ix.name, name) for ix in self.indexes) or (
            name.lower() in self.schema.object_names
            and not any(_same(i.name, name) for i in self.schema.indexes)
        ):
            raise DuplicateObjectError(f"an index or table named {name!r} already exists")
        for c in op.columns:
            self.col(c)  # validates
        throwaway = sa.Table(
            self.old.name,
            sa.MetaData(),
            *[sa.Column(c.final, sa.types.NullType()) for c in self.cols],
        )
        sqlite_kw = {k: v for k, v in op.dialect_kw if k.startswith("sqlite_")}
        index = sa.Index(
            name,
            *[throwaway.c[self.col(c).final] for c in op.columns],
            unique=op.unique,
            **sqlite_kw,
        )
        sql = str(CreateIndex(index).compile(dialect=_DIALECT))
        p = parse_create_index(sql)
        parsed = ParsedIndex(name, self.old.name, p.unique, p.columns, p.where, sql)
        self.indexes.append(_Index(name, parsed, parsed.render(), "new"))
        self.changed = True

    def find_index(self, name: str) -> _Index:
        for ix in self.indexes:
            if _same(ix.name, name):
                return ix
        if name.lower().startswith("sqlite_autoindex"):
            raise NoSuchObjectError(
                f"{name!r} is the index of a UNIQUE or PRIMARY KEY constraint; "
                "drop the constraint instead"
            )
        raise NoSuchObjectError(f"table {self.old.name!r} has no index {name!r}")

    def drop_index(self, name: str) -> None:
        self.indexes.remove(self.find_index(name))
        self.changed = True

    def rename_index(self, name: str, new_name: str) -> None:
        ix = self.find_index(name)
        if any(_same(i.name, new_name) for i in self.indexes if i is not ix):
            raise DuplicateObjectError(f"an index named {new_name!r} already exists")
        p = ix.parsed
        ix.parsed = ParsedIndex(new_name, p.table, p.unique, p.columns, p.where, p.sql)
        ix.name = new_name
        ix.sql = ix.parsed.render()
        self.changed = True

    # --- statements ----------------------------------------------------------

    def plan(self, temp_name: str | None) -> RebuildPlan:
        schema, old = self.schema, self.old
        if not self.changed:
            log.info("table %r: nothing to change, no rebuild", old.name)
            return RebuildPlan(table=old.name, temp_name=temp_name or "")
        if temp_name is None:
            temp_name = f"_migrate_tmp_{old.name}"
            n = 0
            while temp_name.lower() in schema.object_names:
                n += 1
                temp_name = f"_migrate_tmp{n}_{old.name}"
        new = old.replace(columns=[c.defn for c in self.cols], constraints=self.constraints)
        q = f"{quote(schema.schema)}." if schema.schema else ""
        qual = schema.schema
        stmts: list[str] = [f"DROP VIEW {q}{quote(v.name)}" for v in schema.views]
        stmts.append(render_create_table(dataclasses.replace(new, schema=qual), temp_name))

        target: list[str] = []
        select: list[str] = []
        old_generated = {c.name.lower() for c in old.columns if c.generated is not None}
        for c in self.cols:
            if c.defn.generated is not None:
                continue
            if c.source is not None and c.source.lower() not in old_generated:
                target.append(quote(c.temp))
                select.append(quote(c.source))
            elif c.source is None and c.insert_expr is not None:
                target.append(quote(c.temp))
                select.append(c.insert_expr)
        if not old.without_rowid and not new.without_rowid and new.rowid_alias is None:
            names = {c.name.lower() for c in old.columns} | {c.temp.lower() for c in self.cols}
            alias = next((a for a in ("rowid", "_rowid_", "oid") if a not in names), None)
            if alias is not None:
                target.insert(0, alias)
                select.insert(0, alias)
        copy_index = None
        if target:
            copy_index = len(stmts)
            stmts.append(
                f"INSERT INTO {q}{quote(temp_name)} ({', '.join(target)}) "
                f"SELECT {', '.join(select)} FROM {q}{quote(old.name)}"
            )
        old_names = {c.name.lower() for c in old.columns}
        copy_key = (
            None
            if old.without_rowid
            else next((a for a in ("rowid", "_rowid_", "oid") if a not in old_names), None)
        )
        if old.autoincrement and new.autoincrement:
            seq = f"{q}sqlite_sequence"
            stmts.append(f"DELETE FROM {seq} WHERE name = {quote_string(temp_name)}")
            stmts.append(
                f"INSERT INTO {seq} (name, seq) SELECT {quote_string(temp_name)}, seq "
                f"FROM {seq} WHERE name = {quote_string(old.name)}"
            )
        stmts.append(f"DROP TABLE {q}{quote(old.name)}")
        stmts.append(f"ALTER TABLE {q}{quote(temp_name)} RENAME TO {quote(old.name)}")
        stmts.extend(qualify_create(ix.sql, qual) for ix in self.indexes if ix.namespace == "old")
        stmts.extend(qualify_create(t.sql, qual) for t in schema.triggers)
        stmts.extend(qualify_create(v.sql, qual) for v in schema.views)
        stmts.extend(self.rename_statements(q))
        stmts.extend(qualify_create(ix.sql, qual) for ix in self.indexes if ix.namespace == "new")

        has_fks = bool(
            schema.child_foreign_keys
            or any(k.kind == "foreign_key" for k in old.constraints + new.constraints)
            or any(c.references for c in (*old.columns, *new.columns))
        )
        children = list(schema.children)
        refs = [k.ref_table for k in (*old.constraints, *new.constraints) if k.ref_table] + [
            significant(tokenize(c.references))[1].name
            for c in (*old.columns, *new.columns)
            if c.references
        ]
        return RebuildPlan(
            table=old.name,
            temp_name=temp_name,
            statements=stmts,
            fk_check_tables=[old.name, *children] if has_fks else [],
            needs_foreign_keys_off=has_fks,
            legacy_alter_table=True,
            copies=1,
            child_tables=children,
            self_referencing=any(_same(r, old.name) for r in refs),
            schema=qual,
            copy_index=copy_index,
            copy_source=f"{q}{quote(old.name)}",
            copy_key=copy_key,
            new_table=new,
            dropped_indexes=list(self.dropped_indexes),
            functions=dict(self.functions),
        )

    def rename_statements(self, q: str) -> list[str]:
        moves = [(c.temp, c.final) for c in self.cols if c.temp != c.final]
        if not moves:
            return []
        table = q + quote(self.old.name)
        current = {c.temp.lower() for c in self.cols}

        def stmt(a: str, b: str) -> str:
            return f"ALTER TABLE {table} RENAME COLUMN {quote(a)} TO {quote(b)}"

        # a target that is still some column's name (swaps, chains, case changes):
        # go through unused names first
        if not any(b.lower() in current for _a, b in moves):
            return [stmt(a, b) for a, b in moves]
        out: list[str] = []
        parked = []
        for i, (a, b) in enumerate(moves):
            park = f"_migrate_rename_{i}"
            out.append(stmt(a, park))
            parked.append((park, b))
        out.extend(stmt(a, b) for a, b in parked)
        return out


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
    planner = _Planner(schema)
    for op in ops:
        planner.apply(op)
    return planner.plan(temp_name)
