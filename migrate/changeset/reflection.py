"""Whole-database reflection: one connection -> :class:`SchemaInfo`, plain frozen data.

Reads every table of one schema at once with SQLAlchemy's multi-table reflection
(``Inspector.get_multi_columns`` and friends: one catalog query per kind on PostgreSQL and
MySQL instead of one per table), plus PostgreSQL's enum types. The same data classes
describe a model (:func:`migrate.changeset.diff.model.schema_of`), so the comparison
works on two values of one type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.reflection import Inspector


@dataclass(frozen=True, slots=True)
class ColumnInfo:
    name: str
    #: a SQLAlchemy type: the model's own, or the one reflection built
    type: sa.types.TypeEngine[Any] = field(compare=False)
    nullable: bool = True
    #: the server default as SQL text (``'x'``, ``0``, ``now()``), None for none
    default: str | None = None
    #: part of an autoincrement / serial / identity key
    autoincrement: bool = False
    #: ``GENERATED ... AS IDENTITY`` (PostgreSQL), with its arguments
    identity: bool = False
    comment: str | None = None
    #: a generated column's expression (never altered: reported only)
    computed: str | None = None
    #: SQLite: the type as declared (reflection maps unknown names to an affinity)
    declared_type: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class PrimaryKeyInfo:
    name: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ForeignKeyInfo:
    name: str | None
    columns: tuple[str, ...]
    referred_schema: str | None
    referred_table: str
    referred_columns: tuple[str, ...]
    ondelete: str | None = None
    onupdate: str | None = None


@dataclass(frozen=True, slots=True)
class UniqueInfo:
    name: str | None
    columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CheckInfo:
    name: str | None
    sqltext: str


@dataclass(frozen=True, slots=True)
class IndexInfo:
    name: str
    #: column names; an expression's SQL text where the database reflects one
    columns: tuple[str, ...]
    unique: bool = False
    #: the name of the UNIQUE constraint this index implements (PostgreSQL, MySQL)
    duplicates_constraint: str | None = None


@dataclass(frozen=True, slots=True)
class TableInfo:
    name: str
    schema: str | None
    columns: tuple[ColumnInfo, ...]
    primary_key: PrimaryKeyInfo | None = None
    foreign_keys: tuple[ForeignKeyInfo, ...] = ()
    uniques: tuple[UniqueInfo, ...] = ()
    checks: tuple[CheckInfo, ...] = ()
    indexes: tuple[IndexInfo, ...] = ()
    comment: str | None = None

    def column(self, name: str) -> ColumnInfo | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None


@dataclass(frozen=True, slots=True)
class SchemaInfo:
    """Every table of one schema, by name, and (PostgreSQL) enum types by name."""

    dialect: str
    schema: str | None
    tables: Mapping[str, TableInfo]
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def read_schema(conn: sa.Connection, schema: str | None = None) -> SchemaInfo:
    """Reflect every table of ``schema`` (the default schema when None) in one pass."""
    insp: Inspector = sa.inspect(conn)
    dialect = conn.dialect.name
    columns = insp.get_multi_columns(schema=schema)
    if not columns:
        return SchemaInfo(dialect, schema, {}, _pg_enums(insp, schema, dialect))
    pks = insp.get_multi_pk_constraint(schema=schema)
    fks = insp.get_multi_foreign_keys(schema=schema)
    indexes = insp.get_multi_indexes(schema=schema)
    uniques = insp.get_multi_unique_constraints(schema=schema)
    checks = _optional(insp.get_multi_check_constraints, schema)
    comments = _optional(insp.get_multi_table_comment, schema) if dialect != "sqlite" else {}
    tables: dict[str, TableInfo] = {}
    for key, cols in columns.items():
        name = key[1]
        declared = _sqlite_declared_types(conn, name, schema) if dialect == "sqlite" else {}
        pk: Mapping[str, Any] = pks.get(key) or {}
        tables[name] = TableInfo(
            name=name,
            schema=schema,
            columns=tuple(_column(c, declared.get(c["name"])) for c in cols),
            primary_key=(
                PrimaryKeyInfo(pk.get("name"), tuple(pk["constrained_columns"]))
                if pk.get("constrained_columns")
                else None
            ),
            foreign_keys=tuple(_foreign_key(fk) for fk in fks.get(key, ())),
            uniques=tuple(
                UniqueInfo(u.get("name"), tuple(u["column_names"])) for u in uniques.get(key, ())
            ),
            checks=tuple(CheckInfo(c.get("name"), c["sqltext"]) for c in checks.get(key, ())),
            indexes=tuple(_index(i) for i in indexes.get(key, ())),
            comment=(comments.get(key) or {}).get("text"),
        )
    return SchemaInfo(dialect, schema, tables, _pg_enums(insp, schema, dialect))


def _optional(method: Any, schema: str | None) -> dict[Any, Any]:
    try:
        return dict(method(schema=schema))
    except NotImplementedError:
        return {}


def _sqlite_declared_types(conn: sa.Connection, table: str, schema: str | None) -> dict[str, str]:
    prep = conn.dialect.identifier_preparer
    where = f"{prep.quote(schema)}." if schema else ""
    rows = conn.exec_driver_sql(f"PRAGMA {where}table_xinfo({prep.quote(table)})")
    return {row[1]: row[2] for row in rows}


def _column(c: Mapping[str, Any], declared: str | None = None) -> ColumnInfo:
    computed = c.get("computed")
    default = c.get("default")
    return ColumnInfo(
        name=c["name"],
        type=c["type"],
        nullable=bool(c.get("nullable", True)),
        default=None if default is None else str(default),
        autoincrement=c.get("autoincrement") is True,
        identity=c.get("identity") is not None,
        comment=c.get("comment"),
        computed=None if computed is None else str(computed.get("sqltext")),
        declared_type=declared,
    )


def _foreign_key(fk: Mapping[str, Any]) -> ForeignKeyInfo:
    options = fk.get("options") or {}
    return ForeignKeyInfo(
        name=fk.get("name"),
        columns=tuple(fk["constrained_columns"]),
        referred_schema=fk.get("referred_schema"),
        referred_table=fk["referred_table"],
        referred_columns=tuple(fk["referred_columns"]),
        ondelete=options.get("ondelete"),
        onupdate=options.get("onupdate"),
    )


def _index(ix: Mapping[str, Any]) -> IndexInfo:
    names = ix.get("column_names") or []
    expressions = ix.get("expressions") or []
    columns = tuple(
        str(n if n is not None else (expressions[i] if i < len(expressions) else ""))
        for i, n in enumerate(names)
    )
    return IndexInfo(
        name=ix["name"],
        columns=columns,
        unique=bool(ix.get("unique")),
        duplicates_constraint=ix.get("duplicates_constraint"),
    )


def _pg_enums(insp: Inspector, schema: str | None, dialect: str) -> dict[str, tuple[str, ...]]:
    if dialect != "postgresql":
        return {}
    get_enums = getattr(insp, "get_enums", None)
    if get_enums is None:  # pragma: no cover - every PostgreSQL inspector has it
        return {}
    return {
        e["name"]: tuple(e["labels"])
        for e in get_enums(schema=schema)
        if schema is not None or e.get("visible", True)
    }
