"""Constraints, index renames and what a dropped column takes with it: pure planning.

Shared by the three dialect planners. Everything is decided from the snapshot (what
the database has) and the ops; nothing here touches a connection. A
:class:`ConstraintBook` is made per plan and keeps the table's constraints up to date
as the plan's ops add and drop them, so a batch sees its own earlier changes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from migrate.changeset import ddl, sqlite_schema
from migrate.changeset.capabilities import Capabilities, dialect_from_name
from migrate.changeset.databases.common import column_named, columns_named
from migrate.changeset.ops import (
    AddConstraintOp,
    DropColumnOp,
    DropConstraintOp,
    Op,
    RenameIndexOp,
    TableRef,
)
from migrate.changeset.snapshot import ReferencingFK, TableSnapshot
from migrate.changeset.steps import Plan
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidOperationError,
    NoSuchColumnError,
    NoSuchObjectError,
    NotSupportedError,
)

log = logging.getLogger("migrate.changeset")

_LABELS = {
    "primary_key": "primary key",
    "foreign_key": "foreign key",
    "unique": "unique",
    "check": "check",
}


def constraint_kind(cons: sa.Constraint) -> str:
    for cls, kind in (
        (sa.PrimaryKeyConstraint, "primary_key"),
        (sa.ForeignKeyConstraint, "foreign_key"),
        (sa.UniqueConstraint, "unique"),
        (sa.CheckConstraint, "check"),
    ):
        if isinstance(cons, cls):
            return kind
    raise NotSupportedError(f"Unsupported constraint type {type(cons).__name__}")


@dataclass(frozen=True)
class Fact:
    """One constraint as comparable data (from the database or from the caller)."""

    kind: str
    name: str | None
    columns: tuple[str, ...]
    #: foreign keys: (schema, table, columns) referred to
    referred: tuple[str | None, str, tuple[str, ...]] | None = None
    ondelete: str | None = None
    onupdate: str | None = None
    #: check constraints: the condition as SQL text
    sqltext: str | None = None
    #: MySQL: a UNIQUE key, which is an index
    index: bool = False

    def describe(self) -> str:
        label = _LABELS[self.kind]
        name = f" {self.name!r}" if self.name else " (unnamed)"
        if self.kind == "check":
            return f"{label}{name} ({self.sqltext})"
        return f"{label}{name} ({', '.join(self.columns)})"

    def same_definition(self, other: Fact, caps: Capabilities) -> bool:
        """Same kind, columns and definition; names are not compared."""
        if self.kind != other.kind:
            return False
        if self.kind == "check":
            return _check_key(self.sqltext or "") == _check_key(other.sqltext or "")
        if _lower(self.columns) != _lower(other.columns):
            return False
        if self.kind == "foreign_key":
            assert self.referred is not None and other.referred is not None
            if self.referred[1].lower() != other.referred[1].lower():
                return False
            if (self.referred[0] or None) != (other.referred[0] or None):
                return False
            if _lower(self.referred[2]) != _lower(other.referred[2]):
                return False
            return _action(self.ondelete, caps) == _action(other.ondelete, caps) and _action(
                self.onupdate, caps
            ) == _action(other.onupdate, caps)
        return True

    def mentions(self, column: str) -> bool:
        if column.lower() in _lower(self.columns):
            return True
        if self.kind == "check" and self.sqltext:
            return column.lower() in _check_key(self.sqltext)
        return False


def _lower(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(n.lower() for n in names)


def _same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.lower() == b.lower()


def _action(value: str | None, caps: Capabilities) -> str | None:
    """ON DELETE/UPDATE actions, with the database's defaults spelt as None."""
    if value is None:
        return None
    value = value.upper()
    if value == "NO ACTION" or (caps.family == "mysql" and value == "RESTRICT"):
        return None
    return value


def _check_key(sql: str) -> tuple[str, ...]:
    """A comparison key for CHECK text: the tokens without parentheses or ``::casts``.

    Databases rewrite CHECK text (PostgreSQL adds parentheses and casts, MySQL quotes
    names), so the key ignores exactly those.
    """
    out: list[str] = []
    skip = False
    for tok in sqlite_schema.normalized(sql):
        if skip:
            skip = False
            continue
        if tok == "::":
            skip = True
            continue
        if tok in ("(", ")"):
            continue
        tok = _literal_number(tok)
        if out and out[-1] == "-" and tok[:1].isdigit() and (len(out) == 1 or out[-2] in _OPS):
            out[-1] = "-" + tok  # a negative literal (PostgreSQL: '-100'::integer)
            continue
        out.append(tok)
    return tuple(out)


_OPS = frozenset({"=", "<>", "!=", "<", ">", "<=", ">=", ",", "AND", "OR", "NOT", "IN"})
_OPS = _OPS | {o.lower() for o in _OPS}


def _literal_number(tok: str) -> str:
    """``'-100'`` (a cast string PostgreSQL writes for a number) and ``100.0`` -> the number."""
    text = tok[1:-1] if len(tok) >= 2 and tok[0] == tok[-1] == "'" else tok
    try:
        number = Decimal(text)
    except InvalidOperation:
        return tok
    if not number.is_finite():
        return tok
    return str(int(number)) if number == number.to_integral_value() else str(number.normalize())


def _dialect_for(caps: Capabilities) -> Any:
    return dialect_from_name("mariadb" if caps.is_mariadb else caps.family)


def check_text(sqltext: Any, caps: Capabilities) -> str:
    """A CHECK condition as SQL text, columns unqualified."""
    if isinstance(sqltext, sa.sql.elements.TextClause):
        return sqltext.text
    if isinstance(sqltext, str):
        return sqltext
    d = _text_dialect("mariadb" if caps.is_mariadb else caps.family)
    compiler = d.ddl_compiler(d, None)
    return str(compiler.sql_compiler.process(sqltext, include_table=False, literal_binds=True))


@functools.lru_cache(maxsize=8)
def _text_dialect(name: str) -> Any:
    """A dialect that renders ``%`` as itself: the text goes into ``text()`` later, which
    escapes it for the driver (a pyformat dialect here would escape it twice)."""
    dialect_cls: Any = sa.engine.make_url(f"{name}://").get_dialect()
    return dialect_cls(paramstyle="named")


def fact_of(cons: sa.Constraint, caps: Capabilities, name: str | None) -> Fact:
    """The caller's (or a reflected) constraint as a :class:`Fact` named ``name``."""
    kind = constraint_kind(cons)
    if kind == "check":
        assert isinstance(cons, sa.CheckConstraint)
        cols = tuple(getattr(cons, "colnames", ()) or ())
        return Fact(kind, name, cols, sqltext=check_text(cons.sqltext, caps))
    if isinstance(cons, sa.ForeignKeyConstraint):
        # names, not keys: a Column's key= may differ from its name
        cols = tuple(c.name for c in cons.columns) or tuple(cons.column_keys)
        tokens = [_referred_tokens(e) for e in cons.elements]
        referred = (
            (tokens[0][0], tokens[0][1], tuple(str(t[2]) for t in tokens)) if tokens else None
        )
        return Fact(
            kind,
            name,
            cols,
            referred=referred,
            ondelete=cons.ondelete,
            onupdate=cons.onupdate,
        )
    assert isinstance(cons, sa.schema.ColumnCollectionConstraint)
    cols = tuple(c.name for c in cons.columns) or tuple(
        str(getattr(c, "name", c)) for c in cons._pending_colargs
    )
    if kind == "primary_key" and caps.family == "mysql":
        name = None  # MySQL never keeps a primary key's name (it is always PRIMARY)
    return Fact(kind, name, cols)


def _referred_tokens(fk: sa.ForeignKey) -> tuple[str | None, str, str]:
    """(schema, table, column name) a foreign key element refers to; for a Column object
    of a Table its table and name as they are (SQLAlchemy's colspec spells the Column's
    key, and SQLAlchemy 2.0 splits a table name with a dot in it at the dot)."""
    target = fk._table_column
    parent = getattr(target, "table", None)  # a Column attached to a Table
    if isinstance(target, sa.Column) and isinstance(parent, sa.Table):
        return parent.schema, parent.name, target.name
    schema, table, column = fk._column_tokens
    if isinstance(target, sa.Column):
        column = target.name
    return schema, table, column  # type: ignore[return-value]


def facts_of_table(table: sa.Table, caps: Capabilities) -> list[Fact]:
    """The constraints a reflected table has (MySQL: UNIQUE keys are indexes)."""
    out: list[Fact] = []
    for cons in table.constraints:
        fact = fact_of(cons, caps, cons.name if isinstance(cons.name, str) else None)
        if fact.kind == "primary_key" and not fact.columns:
            continue
        out.append(fact)
    if caps.family == "mysql":
        for index in table.indexes:
            if index.unique and index.name:
                cols = tuple(c.name for c in index.columns)
                out.append(Fact("unique", index.name, cols, index=True))
    return out


def given_name(cons: sa.Constraint) -> str | None:
    """The name the caller gave (not a naming-convention placeholder)."""
    return cons.name if isinstance(cons.name, str) and cons.name else None


def effective_name(cons: sa.Constraint) -> str | None:
    """The name to create the constraint with: the given one, else its autoname()."""
    name = given_name(cons)
    if name is None and callable(getattr(cons, "autoname", None)):
        name = cons.autoname()  # type: ignore[attr-defined]
    return name


class ConstraintBook:
    """The table's constraints during one plan, and the steps that change them."""

    def __init__(self, ops: Sequence[Op], caps: Capabilities, snap: TableSnapshot) -> None:
        self.ops = list(ops)
        self.caps = caps
        self.snap = snap
        self.facts = facts_of_table(snap.table, caps)
        #: foreign keys dropped to change the primary key under them, restored by finish()
        self.restore: list[ReferencingFK] = []

    @property
    def table(self) -> str:
        return self.snap.ref.fullname

    def _existing(self) -> str:
        return ", ".join(f.describe() for f in self.facts) or "none"

    # ---- ADD CONSTRAINT ------------------------------------------------------------------

    def is_noop_add(self, op: AddConstraintOp, rt: sa.Table) -> bool:
        """Validate an add; True when the table already has this very constraint.

        Identical means same kind, columns and definition, and either the same name or
        no name given (SPEC §4). The same name with another definition is an error.
        """
        cons = op.constraint
        given = given_name(cons)
        want = fact_of(cons, self.caps, given)
        have = {c.name.lower() for c in rt.columns}
        for col in want.columns:
            if col.lower() not in have:
                raise NoSuchColumnError(
                    f"Cannot add {want.describe()} to table {self.table!r}: it has no column "
                    f"{col!r} (columns: {', '.join(c.name for c in rt.columns)})"
                )
        facts = list(self.facts)
        if self.snap.offline:
            # offline, the snapshot is the caller's Table, which already holds the
            # constraint being added: it is not there yet
            own = next(
                (
                    f
                    for f in facts
                    if f.same_definition(want, self.caps)
                    and (f.name is None or given is None or _same_name(f.name, given))
                ),
                None,
            )
            if own is not None:
                facts.remove(own)
        if given is None:
            for fact in facts:
                if fact.same_definition(want, self.caps):
                    log.info(
                        "%s already has %s; not adding an identical one",
                        self.table,
                        fact.describe(),
                    )
                    return True
        name = effective_name(cons)
        if want.kind == "primary_key" and self.caps.family == "mysql":
            name = None
        for fact in facts:
            same = _same_name(fact.name, name) or (
                want.kind == "primary_key" and fact.kind == "primary_key"
            )
            if not same:
                continue
            if fact.same_definition(want, self.caps):
                log.info(
                    "%s already has %s; not adding an identical one", self.table, fact.describe()
                )
                return True
            if fact.kind == "primary_key" and want.kind == "primary_key":
                raise DuplicateObjectError(
                    f"Table {self.table!r} already has {fact.describe()}; drop it before "
                    f"adding a primary key on ({', '.join(want.columns)})"
                )
            raise DuplicateObjectError(
                f"Table {self.table!r} already has a constraint named {name!r} "
                f"({fact.describe()}), not {replace(want, name=name).describe()}; "
                "drop it first or choose another name"
            )
        return False

    def add(self, p: Plan, op: AddConstraintOp, rt: sa.Table) -> None:
        if isinstance(op.constraint, sa.CheckConstraint) and not self.caps.check_constraints:
            raise NotSupportedError(self._old_server("enforce CHECK constraints"))
        if self.is_noop_add(op, rt):
            return
        name = effective_name(op.constraint)
        render = render_constraint(op.constraint, name, rt, self.caps)
        p.steps.append(sa.schema.AddConstraint(render))
        self.facts.append(fact_of(op.constraint, self.caps, name))

    # ---- DROP CONSTRAINT -----------------------------------------------------------------

    def resolve_drop(self, op: DropConstraintOp) -> Fact:
        """The constraint ``op`` drops, as the database has it; NoSuchObjectError if none.

        An unnamed constraint (or one whose computed autoname the database does not
        have, e.g. MySQL's ``<t>_ibfk_1`` or a UNIQUE key named after its column) is found
        by its kind and columns.
        """
        kind = op.kind
        name = op.constraint_name
        explicit = op.constraint is None or given_name(op.constraint) is not None
        label = _LABELS.get(kind or "", "")
        if kind == "primary_key":
            pk = next((f for f in self.facts if f.kind == "primary_key"), None)
            if pk is None:
                raise NoSuchObjectError(
                    f"Table {self.table!r} has no primary key to drop"
                    + (f" (asked for {name!r})" if name else "")
                )
            if (
                explicit
                and name
                and pk.name
                and self.caps.family != "mysql"
                and not _same_name(pk.name, name)
            ):
                raise NoSuchObjectError(
                    f"Table {self.table!r} has no primary key named {name!r} "
                    f"(its primary key is {pk.describe()})"
                )
            if pk.name is None and self.caps.family != "mysql":
                # offline: the Table object does not know the name; the autoname does
                return replace(pk, name=name)
            return pk
        candidates = [f for f in self.facts if kind is None or f.kind == kind]
        for fact in candidates:
            if _same_name(fact.name, name):
                return fact
        if not explicit and op.constraint is not None:
            want = fact_of(op.constraint, self.caps, None)
            for fact in candidates:
                if fact.same_definition(want, self.caps):
                    if fact.name is None and self.snap.offline:
                        return replace(fact, name=name)  # the Table object names none
                    return fact
        what = f"{label} constraint" if label else "constraint"
        raise NoSuchObjectError(
            f"Table {self.table!r} has no {what} named {name!r}; "
            f"its constraints: {self._existing()}"
        )

    def _old_server(self, what: str) -> str:
        server = "MariaDB" if self.caps.is_mariadb else "MySQL"
        version = ".".join(map(str, self.caps.server_version))
        need = "10.2" if self.caps.is_mariadb else "8.0.16"
        return f"{server} {version} cannot {what} (needs {need} or newer)"

    def drop(self, p: Plan, op: DropConstraintOp, rt: sa.Table) -> None:
        fact = self.resolve_drop(op)
        if fact.kind == "check" and not self.caps.drop_check_constraint:
            raise NotSupportedError(self._old_server("drop CHECK constraints"))
        if fact.kind == "primary_key":
            self._drop_primary_key(p, op, fact)
        else:
            p.steps.append(ddl.DropConstraintByName(op.table, fact.name, fact.kind, op.cascade))
        bare = replace(fact, name=None)
        self.facts = [f for f in self.facts if replace(f, name=None) != bare]

    def _drop_primary_key(self, p: Plan, op: DropConstraintOp, pk: Fact) -> None:
        """Drop the PK; FKs that depend on it are dropped first and restored by finish()."""
        deps = [
            fk
            for fk in self.snap.referencing_fks or ()
            if set(_lower(fk.referred_columns)) == set(_lower(pk.columns))
        ]
        cascade_here = op.cascade and self.caps.family == "postgresql"
        if deps and not op.cascade:
            new_cols = self._next_primary_key(op)
            fits = new_cols is not None and set(_lower(new_cols)) == set(_lower(pk.columns))
            fits = fits or any(
                f.kind == "unique" and set(_lower(f.columns)) == set(_lower(pk.columns))
                for f in self.facts
            )
            if not fits:
                shown = "; ".join(
                    f"{fk.table.fullname}.{fk.name} ({', '.join(fk.columns)})" for fk in deps
                )
                new = f"({', '.join(new_cols)})" if new_cols else "none"
                raise InvalidOperationError(
                    f"Cannot change or drop the {pk.describe()} of {self.table!r}: "
                    f"foreign keys depend on it ({shown}) and could not be restored on the "
                    f"new key {new}; drop those foreign keys first, or drop with "
                    "cascade=True. Nothing was changed"
                )
            self.restore.extend(deps)
        if deps and not cascade_here:
            for fk in deps:
                p.steps.append(ddl.DropConstraintByName(fk.table, fk.name, "foreign_key"))
        p.steps.append(ddl.DropConstraintByName(op.table, pk.name, "primary_key", cascade_here))

    def _next_primary_key(self, op: DropConstraintOp) -> tuple[str, ...] | None:
        """Columns of a primary key added after ``op`` in the same plan, if any."""
        after = self.ops[self.ops.index(op) + 1 :] if op in self.ops else []
        for later in after:
            if isinstance(later, AddConstraintOp) and isinstance(
                later.constraint, sa.PrimaryKeyConstraint
            ):
                return fact_of(later.constraint, self.caps, None).columns
        return None

    def finish(self, p: Plan) -> None:
        """Restore the foreign keys dropped for a primary key change."""
        for fk in self.restore:
            p.steps.append(sa.schema.AddConstraint(render_referencing_fk(fk, self.snap.ref)))
        self.restore = []

    # ---- RENAME INDEX --------------------------------------------------------------------

    def rename_index(self, p: Plan, op: RenameIndexOp, rt: sa.Table) -> None:
        """PostgreSQL ``ALTER INDEX``; MySQL ``RENAME INDEX`` (older: drop and create);
        SQLite: drop and re-create from the stored ``CREATE INDEX`` text."""
        names = self._index_names()
        old = next((n for n in names if n.lower() == op.index_name.lower()), None)
        if old is None:
            raise NoSuchObjectError(
                f"Table {self.table!r} has no index named {op.index_name!r} "
                f"(indexes: {', '.join(sorted(names)) or 'none'})"
            )
        if op.new_name == old:
            return
        if any(n.lower() == op.new_name.lower() for n in names if n != old):
            raise DuplicateObjectError(
                f"Table {self.table!r} already has an index named {op.new_name!r}"
            )
        family = self.caps.family
        if family == "postgresql" or (family == "mysql" and self.caps.native_rename_index):
            p.steps.append(ddl.RenameIndex(op.table, old, op.new_name))
        elif family == "mysql":
            index = self._index(old)
            p.steps.append(sa.schema.DropIndex(sa.Index(old, _table=rt)))
            cols = [column_named(rt, c.name) for c in index.columns]
            p.steps.append(sa.schema.CreateIndex(sa.Index(op.new_name, *cols, unique=index.unique)))
        else:
            parsed = sqlite_schema.parse_create_index(self._sqlite_index_sql(old))
            p.steps.append(sa.schema.DropIndex(sa.Index(old, _table=rt)))
            p.steps.append(ddl.RawSQL(sqlite_index_sql(parsed, op.new_name, op.table)))
        for f in list(self.facts):
            if f.index and f.name == old:
                self.facts[self.facts.index(f)] = replace(f, name=op.new_name)

    def _sqlite_index_sql(self, name: str) -> str:
        sql = self.snap.index_sql.get(name)
        if sql is None:  # offline: as the Table object describes the index
            from sqlalchemy.dialects import sqlite

            sql = str(sa.schema.CreateIndex(self._index(name)).compile(dialect=sqlite.dialect()))
        return sql.strip()

    def _index_names(self) -> set[str]:
        if self.caps.family == "sqlite" and not self.snap.offline:
            return set(self.snap.index_sql)
        names: set[str] = {str(i.name) for i in self.snap.table.indexes if i.name}
        if self.caps.family == "postgresql":
            # a UNIQUE constraint's index: ALTER INDEX renames the constraint with it
            names |= {f.name for f in self.facts if f.kind == "unique" and f.name}
        return names

    def _index(self, name: str) -> sa.Index:
        return next(i for i in self.snap.table.indexes if i.name == name)

    # ---- DROP COLUMN ---------------------------------------------------------------------

    def drop_column(self, p: Plan, op: DropColumnOp, rt: sa.Table) -> None:
        """DROP COLUMN; indexes on it shrink or vanish, FK/UNIQUE constraints on it go.

        PostgreSQL drops every index and constraint that involves the column: composite
        indexes (and a composite primary key) are re-created without it afterwards.
        MySQL/MariaDB shrink indexes themselves but refuse while a foreign key uses the
        column: those FKs (and the index each one created) are dropped first, and so
        are composite UNIQUE keys and CHECKs on the column, so that they go as they do
        on PostgreSQL.
        """
        name = op.column_name
        touching = [f for f in self.facts if f.mentions(name)]
        if self.caps.family == "mysql":
            dropped_indexes: set[str] = set()
            for f in touching:
                if f.kind == "foreign_key":
                    p.steps.append(ddl.DropConstraintByName(op.table, f.name, "foreign_key"))
                    if f.name and any(i.name == f.name for i in self.snap.table.indexes):
                        p.steps.append(sa.schema.DropIndex(sa.Index(f.name, _table=rt)))
                        dropped_indexes.add(f.name)
            for f in touching:
                if f.kind == "unique" and len(f.columns) > 1 and f.name not in dropped_indexes:
                    p.steps.append(ddl.DropConstraintByName(op.table, f.name, "unique"))
                elif f.kind == "check" and f.name:
                    p.steps.append(ddl.DropConstraintByName(op.table, f.name, "check"))
            pk = next((f for f in touching if f.kind == "primary_key"), None)
            if pk is not None and len(pk.columns) > 1:
                # MariaDB refuses to drop a column of a composite primary key
                p.steps.append(ddl.DropConstraintByName(op.table, None, "primary_key"))
            p.steps.append(ddl.DropColumn(op.table, name))
            if pk is not None and len(pk.columns) > 1:
                self._re_add_primary_key(p, rt, pk, name)
        else:
            p.steps.append(ddl.DropColumn(op.table, name))
            for index in self.snap.table.indexes:
                cols = [c.name for c in index.columns]
                if name not in cols or len(cols) < 2 or not index.name:
                    continue
                rest = [column_named(rt, c) for c in cols if c != name]
                kw = {k: v for k, v in index.dialect_kwargs.items() if v}
                p.steps.append(
                    sa.schema.CreateIndex(sa.Index(index.name, *rest, unique=index.unique, **kw))
                )
            pk = next((f for f in touching if f.kind == "primary_key"), None)
            if pk is not None and len(pk.columns) > 1:
                # PostgreSQL dropped the whole primary key with the column
                self._re_add_primary_key(p, rt, pk, name)
        for f in touching:
            self.facts.remove(f)

    def _re_add_primary_key(self, p: Plan, rt: sa.Table, pk: Fact, dropped: str) -> None:
        rest = [c for c in pk.columns if c.lower() != dropped.lower()]
        holder = sa.Table(rt.name, sa.MetaData(), schema=rt.schema)
        for c in rest:
            holder.append_column(sa.Column(c, sa.types.NullType()))
        p.steps.append(sa.schema.AddConstraint(_pk_on(holder, rest, pk.name)))
        self.facts.append(replace(pk, columns=tuple(rest)))


def _pk_on(table: sa.Table, cols: Sequence[str], name: str | None) -> sa.PrimaryKeyConstraint:
    pk = sa.PrimaryKeyConstraint(*cols, name=name)
    table.append_constraint(pk)
    return pk


def sqlite_index_sql(parsed: sqlite_schema.ParsedIndex, name: str, table: TableRef) -> str:
    """The stored ``CREATE INDEX`` text with only its name changed."""
    sql = parsed.render(name=name)
    if table.schema:
        head = "CREATE UNIQUE INDEX " if parsed.unique else "CREATE INDEX "
        qualified = f"{sqlite_schema.quote(table.schema)}.{sqlite_schema.quote(name)}"
        sql = head + qualified + sql[len(head) + len(sqlite_schema.quote(name)) :]
    return sql


def _stub_table(meta: sa.MetaData, schema: str | None, name: str, cols: Sequence[str]) -> sa.Table:
    """A table in ``meta`` with at least ``cols`` (types do not matter to FK DDL)."""
    key = f"{schema}.{name}" if schema else name
    table = meta.tables.get(key)
    if table is None:
        table = sa.Table(name, meta, schema=schema)
    for col in cols:
        if col not in table.c:
            table.append_column(sa.Column(col, sa.types.NullType()))
    return table


def render_constraint(
    cons: sa.Constraint, name: str | None, rt: sa.Table, caps: Capabilities
) -> sa.Constraint:
    """A new SQLAlchemy constraint on the render table ``rt``; the caller's is untouched."""
    kind = constraint_kind(cons)
    fact = fact_of(cons, caps, name)
    kw = dict(cons.dialect_kwargs)
    new: sa.Constraint
    if kind == "check":
        new = sa.CheckConstraint(sa.text(fact.sqltext or ""), name=name, **kw)
    elif kind == "unique":
        new = sa.UniqueConstraint(*columns_named(rt, fact.columns), name=name, **kw)
    elif kind == "primary_key":
        columns = columns_named(rt, fact.columns)
        # the render table's old key goes first: SQLAlchemy warns when a new primary key
        # disagrees with the columns still flagged primary_key (and keeps the old flags)
        for col in rt.primary_key.columns:
            col.primary_key = False
        new = sa.PrimaryKeyConstraint(*columns, name=name, **kw)
    else:
        assert isinstance(cons, sa.ForeignKeyConstraint) and fact.referred is not None
        schema, reftable, refcols = fact.referred
        if reftable == rt.name and (schema or None) == (rt.schema or None):
            target = rt
        else:
            target = _stub_table(rt.metadata, schema, reftable, refcols)
        new = sa.ForeignKeyConstraint(
            columns_named(rt, fact.columns),
            [column_named(target, c) for c in refcols],
            name=name,
            ondelete=cons.ondelete,
            onupdate=cons.onupdate,
            deferrable=cons.deferrable,
            initially=cons.initially,
            match=cons.match,
            **kw,
        )
    rt.append_constraint(new)
    return new


def render_referencing_fk(fk: ReferencingFK, referred: TableRef) -> sa.ForeignKeyConstraint:
    """The ``ADD CONSTRAINT ... FOREIGN KEY`` that restores ``fk``."""
    meta = sa.MetaData()
    parent = _stub_table(meta, referred.schema, referred.name, fk.referred_columns)
    child = _stub_table(meta, fk.table.schema, fk.table.name, fk.columns)
    cons = sa.ForeignKeyConstraint(
        list(fk.columns),
        [parent.c[c] for c in fk.referred_columns],
        name=fk.name,
        ondelete=fk.ondelete,
        onupdate=fk.onupdate,
        deferrable=fk.deferrable,
        initially=fk.initially,
    )
    child.append_constraint(cons)
    return cons


def sqlite_index_only_drop(
    snap: TableSnapshot, op: DropColumnOp
) -> list[sqlite_schema.ParsedIndex] | None:
    """SQLite: when only explicit indexes keep DROP COLUMN from working, those indexes.

    None when anything else depends on the column (constraints, foreign keys, an index
    expression or partial-index condition that uses it): that needs a rebuild.
    """
    name = op.column_name
    col = snap.column(name)
    if col is None or col.foreign_keys or snap.constraints_on(name):
        return None
    for cons in snap.table.constraints:
        if isinstance(cons, sa.CheckConstraint) and sqlite_schema.references_identifier(
            check_text(cons.sqltext, _SQLITE_CAPS), name
        ):
            return None
    found: list[sqlite_schema.ParsedIndex] = []
    for index in snap.indexes_on(name):
        sql = snap.index_sql.get(str(index.name))
        if sql is None:
            return None
        parsed = sqlite_schema.parse_create_index(sql)
        if parsed.where is not None and sqlite_schema.references_identifier(parsed.where, name):
            return None
        for item in parsed.columns:
            plain = item.column is not None and item.column.lower() == name.lower()
            if not plain and sqlite_schema.references_identifier(item.text, name):
                return None
        found.append(parsed)
    return found


def sqlite_drop_column(
    p: Plan, op: DropColumnOp, indexes: Sequence[sqlite_schema.ParsedIndex], rt: sa.Table
) -> None:
    """DROP INDEX the indexes on the column, DROP COLUMN, re-create the composite ones
    without it (from their stored text, so collations, order and conditions stay)."""
    name = op.column_name.lower()
    for parsed in indexes:
        p.steps.append(sa.schema.DropIndex(sa.Index(parsed.name, _table=rt)))
    p.steps.append(ddl.DropColumn(op.table, op.column_name))
    for parsed in indexes:
        rest = tuple(c for c in parsed.columns if (c.column or "").lower() != name)
        if rest:
            shrunk = replace(parsed, columns=rest)
            p.steps.append(ddl.RawSQL(sqlite_index_sql(shrunk, parsed.name, op.table)))


_SQLITE_CAPS = Capabilities(family="sqlite", server_version=(3, 40, 0))
