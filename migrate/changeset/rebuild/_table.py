"""The table a rebuild plans: its columns, constraints and indexes as the operations so
far leave them (:class:`TableState`), and the helpers that render and compare their text."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect_mod
from sqlalchemy.schema import CreateColumn

from migrate.changeset import ddl
from migrate.changeset.snapshot import SqliteTableSchema
from migrate.changeset.sqlite_schema import (
    ColumnClause,
    ColumnDef,
    ParsedIndex,
    TableConstraint,
    normalized,
    parse_column_def,
    parse_create_index,
    parse_table_constraint,
    quote,
    rename_identifiers,
    significant,
    tokenize,
)
from migrate.changeset.steps import default_literal
from migrate.exceptions import (
    InvalidOperationError,
    NoSuchColumnError,
    NotSupportedError,
)

log = logging.getLogger("migrate.changeset")

DIALECT = sqlite_dialect_mod.dialect()


@dataclass
class ColumnState:
    final: str  # the caller's name for it, after the operations so far
    temp: str  # its name in the new table until the final RENAME COLUMNs
    source: str | None  # the old table's column to copy from
    defn: ColumnDef  # in the temp namespace
    insert_expr: str | None = None  # value for existing rows of an added column


@dataclass
class IndexState:
    name: str
    parsed: ParsedIndex
    sql: str
    #: "old": stored text, old column names; "new": from an op, final column names
    namespace: str


def same(a: str, b: str) -> bool:
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


def signature_table(k: TableConstraint) -> Signature:
    cols = tuple(c.lower() for c in k.columns)
    if k.kind == "check":
        return ("check", normalized(_check_expr(k.body)))
    if k.kind == "foreign_key":
        return ("foreign_key", cols, normalized(_fk_target(k.body)))
    return (k.kind, cols)


def signature_clause(col: str, c: ColumnClause) -> Signature | None:
    if c.kind == "check":
        return ("check", normalized(_check_expr(c.body)))
    if c.kind == "references":
        return ("foreign_key", (col.lower(),), normalized(c.body))
    if c.kind in ("unique", "primary_key"):
        return (c.kind, (col.lower(),))
    return None


def render_literal(value: Any, type_: sa.types.TypeEngine[Any], column: str) -> str:
    if value is not None and ddl.needs_binding(value, type_):  # as an INSERT stores it
        return ddl.processed_literal(value, type_, DIALECT, column)
    try:
        return str(
            default_literal(value, type_).compile(
                dialect=DIALECT, compile_kwargs={"literal_binds": True}
            )
        )
    except sa.exc.CompileError as e:
        raise InvalidOperationError(
            f"cannot write the default {value!r} of type {type_} as an SQLite literal: {e}"
        ) from e


def render_expr(expr: Any) -> str:
    if isinstance(expr, str):
        return expr
    if isinstance(expr, sa.TextClause):
        return expr.text
    return str(
        expr.compile(
            dialect=DIALECT, compile_kwargs={"literal_binds": True, "include_table": False}
        )
    )


def constraint_name(c: sa.Constraint | sa.Index | sa.ForeignKey) -> str | None:
    name = c.name
    return str(name) if isinstance(name, str) else None


def _constraint_columns(c: sa.Constraint) -> list[str]:
    if isinstance(c, sa.ForeignKeyConstraint):
        return [str(k) for k in c.column_keys]
    if isinstance(c, sa.schema.ColumnCollectionConstraint) and len(c.columns):
        return [col.name for col in c.columns]
    pending = getattr(c, "_pending_colargs", ())
    return [x if isinstance(x, str) else str(x.name) for x in pending]


def fk_points_at(fk: sa.ForeignKey) -> tuple[str, str]:
    """(table, column) a foreign key points at, without splitting names on dots."""
    try:
        column = fk.column  # resolved through the MetaData when the target table is there
    except (sa.exc.InvalidRequestError, AttributeError):  # unresolvable, or no parent yet
        _schema, table_name, col = fk._column_tokens
        return str(table_name), str(col)
    return str(getattr(column.table, "name", column.table)), str(column.name)


def fk_text(
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
    name = constraint_name(c)
    prefix = f"CONSTRAINT {quote(name)} " if name else ""
    if isinstance(c, sa.ForeignKeyConstraint):
        targets = [fk_points_at(el) for el in c.elements]
        text = fk_text(name, _constraint_columns(c), targets, c)
    elif isinstance(c, sa.PrimaryKeyConstraint):
        text = prefix + f"PRIMARY KEY ({', '.join(quote(x) for x in _constraint_columns(c))})"
    elif isinstance(c, sa.UniqueConstraint):
        text = prefix + f"UNIQUE ({', '.join(quote(x) for x in _constraint_columns(c))})"
    elif isinstance(c, sa.CheckConstraint):
        text = prefix + f"CHECK ({render_expr(c.sqltext)})"
    else:
        raise NotSupportedError(f"SQLite rebuild cannot add a {type(c).__name__}")
    return parse_table_constraint(text)


def render_column(column: sa.Column[Any]) -> ColumnDef:
    """A SQLAlchemy Column as an SQLite column definition (CreateColumn + inline CHECKs)."""
    copy = column._copy()
    throwaway = sa.Table("_migrate_render", sa.MetaData(), copy)
    text = str(CreateColumn(throwaway.c[copy.key]).compile(dialect=DIALECT))
    checks = [
        f"CHECK ({render_expr(k.sqltext)})"
        for k in column.constraints
        if isinstance(k, sa.CheckConstraint)
    ]
    return parse_column_def(" ".join([text, *checks]))


def default_clause(server_default: Any) -> ColumnClause:
    if isinstance(server_default, sa.DefaultClause):
        server_default = server_default.arg
    col: sa.Column[Any] = sa.Column("x", sa.Integer, server_default=server_default)
    clause = render_column(col).clause("default")
    if clause is None:
        raise InvalidOperationError(f"cannot render server default {server_default!r}")
    return clause


def without_words(text: str, *words: str) -> str:
    toks = tokenize(text)
    return "".join(t.text for t in toks if t.upper not in words).strip()


class TableState:
    """The table as the operations so far leave it (column, constraint and index texts)."""

    def __init__(self, schema: SqliteTableSchema) -> None:
        self.schema = schema
        old = schema.table
        self.old = old
        self.cols: list[ColumnState] = [ColumnState(c.name, c.name, c.name, c) for c in old.columns]
        self.constraints: list[TableConstraint] = list(old.constraints)
        self.indexes: list[IndexState] = [
            IndexState(i.name, parse_create_index(i.sql), i.sql, "old") for i in schema.indexes
        ]
        self.dropped_indexes: list[str] = []
        #: SQL functions the copy calls (see :meth:`per_row`)
        self.functions: dict[str, Callable[[], Any]] = {}
        self.changed = False

    def col(self, name: str) -> ColumnState:
        for c in self.cols:
            if same(c.final, name):
                return c
        raise NoSuchColumnError(
            f"table {self.old.name!r} has no column {name!r} "
            f"(columns: {', '.join(c.final for c in self.cols)})"
        )

    def has_col(self, name: str) -> bool:
        return any(same(c.final, name) for c in self.cols)

    def temp_names(self, finals: Sequence[str]) -> list[str]:
        return [self.col(n).temp for n in finals]

    def to_temp(self, sql: str) -> str:
        mapping = {c.final: c.temp for c in self.cols if c.final != c.temp}
        return rename_identifiers(sql, mapping) if mapping else sql

    def per_row(self, fill: Callable[[Any], Any], type_: sa.types.TypeEngine[Any]) -> str:
        """``name()``, an SQL function the runner registers for the copy: it calls the
        column's default callable once per row and stores its value as an INSERT would
        (through the type's bind processing)."""
        name = f"_migrate_default_{len(self.functions) + 1}"

        def value() -> Any:
            return ddl.bind_value(fill(None), type_, DIALECT)

        self.functions[name] = value
        return f"{name}()"

    def drop_unnamed(self, sig: Signature) -> bool:
        """Remove the unnamed table or column constraint with signature ``sig``."""
        for k in self.constraints:
            if k.name is None and signature_table(k) == sig:
                self.constraints.remove(k)
                return True
        for c in self.cols:
            for cl in c.defn.clauses:
                if cl.name is None and signature_clause(c.temp, cl) == sig:
                    c.defn = c.defn.rebuilt(clauses=[x for x in c.defn.clauses if x is not cl])
                    return True
        return False

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
            out.append((signature_table(k), k.name, k.text, False))
        for c in self.cols:
            for cl in c.defn.clauses:
                csig = signature_clause(c.temp, cl)
                if csig is not None:
                    out.append((csig, cl.name, cl.text, False))
        return out

    def pk_constraint(self, name: str | None, temp_cols: Sequence[str]) -> TableConstraint:
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

    def set_primary_key(self, col: ColumnState, member: bool) -> None:
        """Make *col* join (or leave) the PRIMARY KEY; always a real PRIMARY KEY."""
        cols, name = self.current_pk()
        present = any(same(c, col.temp) for c in cols)
        if member == present:
            return
        new_cols = [*cols, col.temp] if member else [c for c in cols if not same(c, col.temp)]
        for c in self.cols:
            if c.defn.clause("primary_key") is not None:
                c.defn = c.defn.rebuilt(
                    clauses=[cl for cl in c.defn.clauses if cl.kind != "primary_key"]
                )
        self.constraints = [k for k in self.constraints if k.kind != "primary_key"]
        if new_cols:
            self.constraints.insert(0, self.pk_constraint(name, new_cols))
        self.changed = True
