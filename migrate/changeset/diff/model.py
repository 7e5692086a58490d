"""A model (MetaData) as the same plain data reflection gives: :class:`SchemaInfo`.

What a dialect would create from each Table: server defaults and CHECK conditions as the
dialect compiles them, only the CHECKs the dialect would emit (``Boolean``/``Enum``
constraints only where the type is emulated), indexes and UNIQUE constraints by column name.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from migrate.changeset.reflection import (
    CheckInfo,
    ColumnInfo,
    ForeignKeyInfo,
    IndexInfo,
    PrimaryKeyInfo,
    SchemaInfo,
    TableInfo,
    UniqueInfo,
)


class _CompilerStub:
    """What ``Boolean``/``Enum`` constraint rules read from a DDL compiler: its dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect


def schema_of(tables: list[sa.Table], dialect: Dialect, schema: str | None = None) -> SchemaInfo:
    """The model's tables (those in ``schema``) as :class:`SchemaInfo`."""
    enums: dict[str, tuple[str, ...]] = {}
    infos: dict[str, TableInfo] = {}
    for table in tables:
        infos[table.name] = table_info(table, dialect)
        for column in table.columns:
            t = column.type
            if isinstance(t, sa.Enum) and t.native_enum and t.name and dialect.name == "postgresql":
                enums[t.name] = tuple(t.enums)
    return SchemaInfo(dialect.name, schema, infos, enums)


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def table_info(table: sa.Table, dialect: Dialect) -> TableInfo:
    ddl = dialect.ddl_compiler(dialect, None)  # type: ignore[arg-type]
    stub = _CompilerStub(dialect)
    auto = table.autoincrement_column
    columns = tuple(
        ColumnInfo(
            name=c.name,
            type=c.type,
            nullable=bool(c.nullable),
            default=_default_sql(ddl, c),
            autoincrement=_generates(c, auto, dialect),
            identity=c.identity is not None and dialect.name == "postgresql",
            comment=c.comment,
            computed=None if c.computed is None else str(c.computed.sqltext),
        )
        for c in table.columns
    )
    pk_cols = tuple(c.name for c in table.primary_key.columns)
    foreign_keys = []
    uniques = []
    checks = []
    for cons in table.constraints:
        if isinstance(cons, sa.ForeignKeyConstraint):
            foreign_keys.append(_foreign_key(cons))
        elif isinstance(cons, sa.UniqueConstraint):
            uniques.append(UniqueInfo(_name(cons.name), tuple(c.name for c in cons.columns)))
        elif isinstance(cons, sa.CheckConstraint):
            rule = cons._create_rule
            if rule is not None and not rule(stub):
                continue
            checks.append(CheckInfo(_name(cons.name), check_sql(cons.sqltext, dialect)))
    indexes = tuple(
        IndexInfo(
            name=str(ix.name),
            columns=tuple(_index_expr(e, dialect) for e in ix.expressions),
            unique=bool(ix.unique),
        )
        for ix in table.indexes
        if ix.name
    )
    return TableInfo(
        name=table.name,
        schema=table.schema,
        columns=columns,
        primary_key=PrimaryKeyInfo(_name(table.primary_key.name), pk_cols) if pk_cols else None,
        foreign_keys=tuple(foreign_keys),
        uniques=tuple(uniques),
        checks=tuple(checks),
        indexes=indexes,
        comment=table.comment,
    )


def _generates(c: sa.Column[Any], auto: sa.Column[Any] | None, dialect: Dialect) -> bool:
    """Whether the DDL the dialect writes for ``c`` makes the database generate its values
    (the conditions of SQLAlchemy's DDL compilers): PostgreSQL ``SERIAL`` or identity,
    MySQL ``AUTO_INCREMENT``, SQLite ``AUTOINCREMENT`` (``sqlite_autoincrement=True``;
    any other ``INTEGER PRIMARY KEY`` is the rowid without it, the same table)."""
    name = dialect.name
    if name == "postgresql" and c.identity is not None:
        return True
    if c is not auto:
        return False
    default = c.default
    sequence = isinstance(default, sa.Sequence) and not default.optional
    if name == "postgresql":
        small = isinstance(c.type, sa.SmallInteger) and not getattr(
            dialect, "supports_smallserial", True
        )
        optional = isinstance(default, sa.Sequence) and default.optional
        return bool(c.primary_key) and (default is None or optional) and not small
    if name in ("mysql", "mariadb"):
        plain = c.server_default is None or isinstance(c.server_default, sa.Identity)
        return plain and not (dialect.supports_sequences and sequence)
    if name == "sqlite":
        table = c.table
        return bool(
            table.dialect_options["sqlite"]["autoincrement"]
            and len(table.primary_key.columns) == 1
            and issubclass(c.type._type_affinity or type(None), sa.Integer)
            and not c.foreign_keys
        )
    return True


def _default_sql(ddl: Any, column: sa.Column[Any]) -> str | None:
    if column.server_default is None:
        return None
    try:
        text = ddl.get_column_default_string(column)
    except Exception:  # a default the dialect cannot render: compared as None
        return None
    return None if text is None else str(text)


def _foreign_key(cons: sa.ForeignKeyConstraint) -> ForeignKeyInfo:
    schema, table, _ = cons.elements[0]._column_tokens
    referred_cols: list[str] = []
    for fk in cons.elements:
        try:  # the Column referred to: its table's real schema (MetaData(schema=...))
            target = fk.column
        except (sa.exc.NoReferencedTableError, sa.exc.NoReferencedColumnError):
            referred_cols.append(str(fk._column_tokens[2]))
            continue
        referred_cols.append(target.name)
        if isinstance(target.table, sa.Table):
            schema, table = target.table.schema, target.table.name
    return ForeignKeyInfo(
        name=_name(cons.name),
        columns=tuple(c.name for c in cons.columns) or tuple(cons.column_keys),
        referred_schema=schema,
        referred_table=str(table),
        referred_columns=tuple(referred_cols),
        ondelete=cons.ondelete,
        onupdate=cons.onupdate,
    )


def _compile(expr: Any, dialect: Dialect) -> str:
    compiler = dialect.ddl_compiler(dialect, None)  # type: ignore[arg-type]
    return str(compiler.sql_compiler.process(expr, include_table=False, literal_binds=True))


def check_sql(sqltext: Any, dialect: Dialect) -> str:
    if isinstance(sqltext, sa.sql.elements.TextClause):
        return sqltext.text
    if isinstance(sqltext, str):
        return sqltext
    return _compile(sqltext, dialect)


def _index_expr(expr: Any, dialect: Dialect) -> str:
    if isinstance(expr, sa.Column):
        return expr.name
    return _compile(expr, dialect)
