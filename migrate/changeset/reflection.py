"""Whole-database reflection: one connection -> :class:`SchemaInfo`, plain frozen data.

Reads every table of one schema at once with SQLAlchemy's multi-table reflection
(``Inspector.get_multi_columns`` and friends: one catalog query per kind on PostgreSQL and
MySQL instead of one per table), plus PostgreSQL's enum types. The same data classes
describe a model (:func:`migrate.changeset.diff.model.schema_of`), so the comparison
works on two values of one type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Inspector


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

    @property
    def sequence_default(self) -> bool:
        """The default draws from a sequence: ``nextval(...)``, a PostgreSQL serial's."""
        return self.default is not None and self.default.lower().startswith("nextval(")


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
    """Reflect every table of ``schema`` (the default schema when None) in one pass.

    SQLite: four statements in all (``sqlite_master`` and the table-valued pragmas
    ``pragma_table_xinfo``, ``pragma_foreign_key_list``, ``pragma_index_list``/``_info``),
    CHECK constraints and constraint names from the stored ``CREATE TABLE`` text (parsed
    by :mod:`migrate.changeset.sqlite_schema`); SQLAlchemy's SQLite reflection runs
    several statements per table. Elsewhere: SQLAlchemy's multi-table reflection.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        return _read_sqlite(conn, schema)
    insp: Inspector = sa.inspect(conn)
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
        declared: dict[str, str] = {}
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


def _read_sqlite(conn: sa.Connection, schema: str | None) -> SchemaInfo:
    from migrate.changeset import sqlite_schema

    prep = conn.dialect.identifier_preparer
    db = schema or "main"
    master = f"{prep.quote(schema)}.sqlite_master" if schema else "sqlite_master"
    arg = sqlite_schema.quote_string(db)
    tables_sql = {
        name: sql
        for name, sql in conn.exec_driver_sql(
            f"SELECT name, sql FROM {master} WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    each = f"FROM {master} m JOIN {{}} WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
    columns: dict[str, list[ColumnInfo]] = {name: [] for name in tables_sql}
    pks: dict[str, list[tuple[int, str]]] = {}
    # the type names SQLite's dialect knows
    names = dict(getattr(conn.dialect, "ischema_names", {}))

    def resolve(text: str) -> sa.types.TypeEngine[Any]:
        return sqlite_type(text, names)

    for table, name, type_text, notnull, default, pk, hidden in conn.exec_driver_sql(
        'SELECT m.name, p.name, p.type, p."notnull", p.dflt_value, p.pk, p.hidden '
        + each.format(f"pragma_table_xinfo(m.name, {arg}) p")
        + " ORDER BY m.name, p.cid"
    ):
        if hidden in (1,):  # a virtual table's hidden column
            continue
        columns[table].append(
            ColumnInfo(
                name=name,
                type=resolve(type_text),
                nullable=not notnull and not pk,
                default=default,
                autoincrement=False,
                declared_type=type_text,
            )
        )
        if pk:
            pks.setdefault(table, []).append((pk, name))
    fk_rows: dict[tuple[str, int], list[Any]] = {}
    for row in conn.exec_driver_sql(
        'SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete '
        + each.format(f"pragma_foreign_key_list(m.name, {arg}) f")
        + " ORDER BY m.name, f.id, f.seq"
    ):
        fk_rows.setdefault((row[0], row[1]), []).append(row)
    uniques: dict[str, list[UniqueInfo]] = {}
    indexes: dict[str, list[IndexInfo]] = {}
    index_cols: dict[tuple[str, str], list[str]] = {}
    origins: dict[tuple[str, str], tuple[int, str]] = {}
    for table, index, unique, origin, name in conn.exec_driver_sql(
        'SELECT m.name, il.name, il."unique", il.origin, ii.name '
        + each.format(
            f"pragma_index_list(m.name, {arg}) il JOIN pragma_index_info(il.name, {arg}) ii"
        )
        + " ORDER BY m.name, il.name, ii.seqno"
    ):
        index_cols.setdefault((table, index), []).append(name if name is not None else "?")
        origins[(table, index)] = (unique, origin)
    parsed: dict[str, Any] = {}
    for table, sql in tables_sql.items():
        # the pragmas tell everything but CHECKs, AUTOINCREMENT and constraint names:
        # the stored text is parsed whole (~2 ms a table) for the first two, and only
        # its named table constraints are read for names
        upper = (sql or "").upper()
        if "CONSTRAINT" in upper and "CHECK" not in upper and "AUTOINCREMENT" not in upper:
            named = sqlite_schema.named_table_constraints(sql)
            if named is not None:
                parsed[table] = sqlite_schema.ParsedTable(table, (), named)
                continue
        if "CHECK" in upper or "CONSTRAINT" in upper or "AUTOINCREMENT" in upper:
            try:
                parsed[table] = sqlite_schema.parse_create_table(sql)
            except sqlite_schema.SqlParseError:
                pass
    for (table, index), cols in index_cols.items():
        unique, origin = origins[(table, index)]
        if origin == "pk":
            continue
        if origin == "u":
            uniques.setdefault(table, []).append(
                UniqueInfo(_constraint_name(parsed.get(table), "unique", cols), tuple(cols))
            )
        else:
            indexes.setdefault(table, []).append(IndexInfo(index, tuple(cols), bool(unique)))
    fks_by_table: dict[str, list[list[Any]]] = {}
    for (t, _), rows in sorted(fk_rows.items()):
        fks_by_table.setdefault(t, []).append(rows)
    tables: dict[str, TableInfo] = {}
    for table in tables_sql:
        column_infos = columns[table]
        pk_cols = tuple(name for _, name in sorted(pks.get(table, [])))
        p = parsed.get(table)
        if p is not None and p.autoincrement:
            column_infos = [
                replace(c, autoincrement=True) if _has_autoincrement(p, c.name) else c
                for c in column_infos
            ]
        fks = []
        for rows in fks_by_table.get(table, []):
            local = tuple(r[3] for r in rows)
            referred = rows[0][2]
            remote = tuple(r[4] for r in rows)
            if any(r is None for r in remote):  # REFERENCES parent: its primary key
                remote = tuple(n for _, n in sorted(pks.get(referred, [])))
            fks.append(
                ForeignKeyInfo(
                    name=_constraint_name(p, "foreign_key", list(local)),
                    columns=local,
                    referred_schema=None,
                    referred_table=referred,
                    referred_columns=remote,
                    ondelete=_sqlite_action(rows[0][6]),
                    onupdate=_sqlite_action(rows[0][5]),
                )
            )
        tables[table] = TableInfo(
            name=table,
            schema=schema,
            columns=tuple(column_infos),
            primary_key=PrimaryKeyInfo(_constraint_name(p, "primary_key", list(pk_cols)), pk_cols)
            if pk_cols
            else None,
            foreign_keys=tuple(fks),
            uniques=tuple(uniques.get(table, ())),
            checks=_sqlite_checks(p),
            indexes=tuple(indexes.get(table, ())),
        )
    return SchemaInfo("sqlite", schema, tables, {})


def sqlite_type(declared: str, names: Mapping[str, Any]) -> sa.types.TypeEngine[Any]:
    """A SQLAlchemy type for a SQLite column's declared type: a name SQLAlchemy's SQLite
    dialect knows (``names``: its ``ischema_names``) with the numbers in parentheses as
    arguments, else the type of the column's affinity by SQLite's rules (case does not
    matter; https://www.sqlite.org/datatype3.html#determination_of_column_affinity):
    ``INT`` -> INTEGER; ``CHAR``, ``CLOB``, ``TEXT`` -> TEXT; ``BLOB`` or no type -> none;
    ``REAL``, ``FLOA``, ``DOUB`` -> REAL; anything else NUMERIC."""
    name, _, rest = declared.partition("(")
    name = " ".join(name.upper().split())
    numbers = [int(n) for n in "".join(c if c.isdigit() else " " for c in rest).split()]
    cls: Any = names.get(name)
    if cls is None:
        if "INT" in name:
            cls = sa.INTEGER
        elif "CHAR" in name or "CLOB" in name or "TEXT" in name:
            cls = sa.TEXT
        elif "BLOB" in name or not name:
            cls = sa.types.NullType
        elif "REAL" in name or "FLOA" in name or "DOUB" in name:
            cls = sa.REAL
        else:
            cls = sa.NUMERIC
    try:
        return cls(*numbers)  # type: ignore[no-any-return]
    except TypeError:  # more numbers than the type takes
        return cls()  # type: ignore[no-any-return]


def _has_autoincrement(parsed: Any, column: str) -> bool:
    defn = parsed.column(column)
    return defn is not None and bool(defn.autoincrement)


def _sqlite_action(value: str | None) -> str | None:
    return None if value is None or value.upper() == "NO ACTION" else value


def _constraint_name(parsed: Any, kind: str, columns: list[str]) -> str | None:
    """The name a parsed ``CREATE TABLE`` gives the constraint of ``kind`` on ``columns``."""
    if parsed is None:
        return None
    want = [c.lower() for c in columns]
    for cons in parsed.constraints:
        if cons.kind == kind and [c.lower() for c in cons.columns] == want:
            return cons.name  # type: ignore[no-any-return]
    if len(columns) == 1:
        col = parsed.column(columns[0])
        if col is not None:
            clause = col.clause(
                {"unique": "unique", "primary_key": "primary_key"}.get(kind, "references")
            )
            if clause is not None:
                return clause.name  # type: ignore[no-any-return]
    return None


def _sqlite_checks(parsed: Any) -> tuple[CheckInfo, ...]:
    if parsed is None:
        return ()
    found: list[CheckInfo] = []
    bodies = [(c.name, c.body) for c in parsed.constraints if c.kind == "check"]
    for col in parsed.columns:
        bodies.extend((c.name, c.body) for c in col.clauses if c.kind == "check")
    for name, body in bodies:
        text = body.strip()
        if text[:5].upper() == "CHECK":
            text = text[5:].strip()
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
        found.append(CheckInfo(name, text))
    return tuple(found)


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
