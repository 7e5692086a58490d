"""Our DDL elements and their renderers.

Each element holds just what its statement needs; ``@compiles`` functions on
*our* classes say how each dialect spells it (never on SQLAlchemy's own classes,
which would change every program that imports us). Identifiers always go
through ``compiler.preparer``.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateColumn
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.ddl import ExecutableDDLElement

from migrate.changeset.ops import TableRef


def render(element: Any, compiler: DDLCompiler, **kw: Any) -> str:
    """``compiler.process(element, **kw)``, without ``ext.compiler``'s per-call dispatch
    (bench W5): for a class with ``@compiles`` renderers (all of this package's elements,
    and whatever a program registered on them), the one for the compiler's dialect, else
    the class's default one, called directly, the choice ``ext.compiler`` makes; any other
    element through ``compiler.process``."""
    dispatcher = type(element).__dict__.get("_compiler_dispatcher")
    if dispatcher is not None:
        specs = dispatcher.specs
        fn = specs.get(compiler.dialect.name) or specs.get("default")
        if fn is not None:
            return str(fn(element, compiler, **kw))
    return str(compiler.process(element, **kw))


class AlterTableElement(ExecutableDDLElement):
    """Base of ``ALTER TABLE <table> ...`` statements."""

    inherit_cache = False

    def __init__(self, table: TableRef) -> None:
        self.table = table


def plain(name: str) -> str:
    """``name`` as a plain ``str`` unless it is a ``quoted_name`` that forces quoting on or
    off (the preparer quotes both alike). The preparer calls ``.lower()`` on each name it
    has not quoted before, which memoizes a function on a ``quoted_name`` for as long as
    the caller's Table lives: offline, a new table name per operation (bench W5)."""
    return name if getattr(name, "quote", None) is not None else str(name)


def format_table(compiler: DDLCompiler, table: TableRef) -> str:
    quoted = compiler.preparer.quote(plain(table.name))
    if table.schema:
        return f"{compiler.preparer.quote_schema(table.schema)}.{quoted}"
    return quoted


def alter_table(compiler: DDLCompiler, table: TableRef) -> str:
    return f"ALTER TABLE {format_table(compiler, table)}"


def quote(compiler: DDLCompiler, name: str) -> str:
    return compiler.preparer.quote(name)


class AddColumn(AlterTableElement):
    def __init__(self, table: TableRef, column: sa.Column[Any]) -> None:
        super().__init__(table)
        self.column = column


class DropColumn(AlterTableElement):
    def __init__(self, table: TableRef, column_name: str) -> None:
        super().__init__(table)
        self.column_name = column_name


class RenameTable(AlterTableElement):
    def __init__(self, table: TableRef, new_name: str) -> None:
        super().__init__(table)
        self.new_name = new_name


class RenameColumn(AlterTableElement):
    def __init__(self, table: TableRef, old_name: str, new_name: str) -> None:
        super().__init__(table)
        self.old_name = old_name
        self.new_name = new_name


class RawSQL(ExecutableDDLElement):
    """A statement whose text was built by a tokenizer from the database's own DDL."""

    inherit_cache = False

    def __init__(self, sql: str) -> None:
        self.sql = sql


@compiles(AddColumn)
def _add_column(element: AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    spec = compiler.process(CreateColumn(element.column), **kw)
    return f"{alter_table(compiler, element.table)} ADD COLUMN {spec}"


@compiles(AddColumn, "postgresql")
def _add_column_postgresql(element: AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    spec = _plain_pg_column_spec(element.column, compiler)
    if spec is None:
        return _add_column(element, compiler, **kw)
    return f"{alter_table(compiler, element.table)} ADD COLUMN {spec}"


def _plain_pg_column_spec(column: sa.Column[Any], compiler: DDLCompiler) -> str | None:
    """What PostgreSQL's ``get_column_specification`` renders for a column outside the
    primary key, without its adaptation of the type to the dialect, which only decides
    ``SERIAL`` for a primary key column and costs a sixth of an offline ADD COLUMN (a new
    type object per column; bench W5). None: anything else, rendered by SQLAlchemy
    (a compiler class of another dialect or a program's own, ``@compiles`` on
    ``CreateColumn``, a primary key, identity, computed or system column, or
    constraints on the column)."""
    if (
        type(compiler).get_column_specification is not _pg_column_specification()
        or type(compiler).visit_create_column is not DDLCompiler.visit_create_column
        or "_compiler_dispatcher" in CreateColumn.__dict__
        or column.primary_key
        or column.identity is not None
        or column.computed is not None
        or column.system
        or column.constraints
    ):
        return None
    spec = (
        f"{compiler.preparer.format_column(column)} "
        + compiler.dialect.type_compiler_instance.process(
            column.type, type_expression=column, identifier_preparer=compiler.preparer
        )
    )
    default = compiler.get_column_default_string(column)
    if default is not None:
        spec += " DEFAULT " + default
    if not column.nullable:
        spec += " NOT NULL"
    return spec


@functools.cache
def _pg_column_specification() -> Any:
    """SQLAlchemy's PostgreSQL ``get_column_specification`` (imported on first use: the
    dialect's modules take ~70 ms to import, which a SQLite user should not pay)."""
    from sqlalchemy.dialects.postgresql.base import PGDDLCompiler

    return PGDDLCompiler.get_column_specification


@compiles(DropColumn)
def _drop_column(element: DropColumn, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table)} DROP COLUMN {quote(compiler, element.column_name)}"
    )


@compiles(RenameTable)
def _rename_table(element: RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    return f"{alter_table(compiler, element.table)} RENAME TO {quote(compiler, element.new_name)}"


@compiles(RenameTable, "mysql", "mariadb")
def _rename_table_mysql(element: RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    # MySQL moves an unqualified new name into the current database: keep the schema
    target = format_table(compiler, TableRef(element.new_name, element.table.schema))
    return f"{alter_table(compiler, element.table)} RENAME TO {target}"


@compiles(RenameColumn)
def _rename_column(element: RenameColumn, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table)} RENAME COLUMN "
        f"{quote(compiler, element.old_name)} TO {quote(compiler, element.new_name)}"
    )


@compiles(RawSQL)
def _raw_sql(element: RawSQL, compiler: DDLCompiler, **kw: Any) -> str:
    return element.sql


class AlterColumnDefault(AlterTableElement):
    """``ALTER COLUMN c SET DEFAULT x`` / ``DROP DEFAULT`` (``default`` None)."""

    def __init__(self, table: TableRef, column: sa.Column[Any], default: Any) -> None:
        super().__init__(table)
        self.column = column
        self.default = default


class AlterColumnNullable(AlterTableElement):
    """``ALTER COLUMN c SET NOT NULL`` / ``DROP NOT NULL`` (PostgreSQL spelling)."""

    def __init__(self, table: TableRef, column_name: str, nullable: bool) -> None:
        super().__init__(table)
        self.column_name = column_name
        self.nullable = nullable


class ModifyColumn(AlterTableElement):
    """MySQL ``CHANGE COLUMN old <full new spec>``: the whole column is restated.

    ``keep_zero``: the column becomes ``AUTO_INCREMENT``; a row whose key is 0 keeps it
    (MariaDB's statement-scoped ``NO_AUTO_VALUE_ON_ZERO``; without it the ALTER gives
    that row a new id, or fails on a duplicate).
    """

    def __init__(
        self, table: TableRef, old_name: str, column: sa.Column[Any], keep_zero: bool = False
    ) -> None:
        super().__init__(table)
        self.old_name = old_name
        self.column = column
        self.keep_zero = keep_zero


#: MySQL: the session's sql_mode, kept while a statement runs with NO_AUTO_VALUE_ON_ZERO
KEEP_ZERO_ON = (
    "SET @migrate_sql_mode = @@sql_mode",
    "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO')",
)
KEEP_ZERO_OFF = "SET SESSION sql_mode = @migrate_sql_mode"
#: MariaDB: the same for one statement
KEEP_ZERO_STATEMENT = "SET STATEMENT sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO') FOR "


@compiles(AlterColumnDefault)
def _alter_column_default(element: AlterColumnDefault, compiler: DDLCompiler, **kw: Any) -> str:
    column = quote(compiler, element.column.name)
    head = f"{alter_table(compiler, element.table)} ALTER COLUMN {column}"
    if element.default is None:
        return f"{head} DROP DEFAULT"
    render = element.column._copy()
    render.server_default = element.default
    return f"{head} SET DEFAULT {compiler.get_column_default_string(render)}"


@compiles(AlterColumnNullable)
def _alter_column_nullable(element: AlterColumnNullable, compiler: DDLCompiler, **kw: Any) -> str:
    action = "DROP NOT NULL" if element.nullable else "SET NOT NULL"
    return (
        f"{alter_table(compiler, element.table)} ALTER COLUMN "
        f"{quote(compiler, element.column_name)} {action}"
    )


@compiles(ModifyColumn)
def _modify_column(element: ModifyColumn, compiler: DDLCompiler, **kw: Any) -> str:
    spec = compiler.get_column_specification(element.column)
    prefix = ""
    if element.keep_zero and getattr(compiler.dialect, "is_mariadb", False):
        prefix = KEEP_ZERO_STATEMENT
    return (
        f"{prefix}{alter_table(compiler, element.table)} CHANGE COLUMN "
        f"{quote(compiler, element.old_name)} {spec}"
    )


class DropConstraintByName(AlterTableElement):
    """Drop a constraint known by name and kind (MySQL spells each kind differently)."""

    def __init__(self, table: TableRef, name: str | None, kind: str, cascade: bool = False) -> None:
        super().__init__(table)
        self.name = name
        self.kind = kind
        self.cascade = cascade


@compiles(DropConstraintByName)
def _drop_constraint(element: DropConstraintByName, compiler: DDLCompiler, **kw: Any) -> str:
    cascade = " CASCADE" if element.cascade else ""
    return (
        f"{alter_table(compiler, element.table)} DROP CONSTRAINT "
        f"{quote(compiler, element.name or '')}{cascade}"
    )


@compiles(DropConstraintByName, "mysql", "mariadb")
def _drop_constraint_mysql(element: DropConstraintByName, compiler: DDLCompiler, **kw: Any) -> str:
    head = alter_table(compiler, element.table)
    if element.kind == "primary_key":
        return f"{head} DROP PRIMARY KEY"  # nameless: SQLAlchemy 2.0 cannot quote ""
    name = quote(compiler, element.name or "")
    if element.kind == "foreign_key":
        return f"{head} DROP FOREIGN KEY {name}"
    if element.kind == "unique":
        return f"{head} DROP INDEX {name}"
    if element.kind == "check" and not compiler.dialect.is_mariadb:  # type: ignore[attr-defined]
        return f"{head} DROP CHECK {name}"
    return f"{head} DROP CONSTRAINT {name}"


# ---- ALTER COLUMN with several clauses (PostgreSQL) --------------------------------------


class ColumnClause:
    """One ``ALTER COLUMN c ...`` clause of an :class:`AlterColumn` statement."""


class SetType(ColumnClause):
    """``TYPE x`` [``USING expr``]; ``cast_using`` renders ``USING "c"::x``."""

    def __init__(
        self, type_: sa.types.TypeEngine[Any], using: str | None = None, cast_using: bool = False
    ) -> None:
        self.type = type_
        self.using = using
        self.cast_using = cast_using


class SetNullable(ColumnClause):
    def __init__(self, nullable: bool) -> None:
        self.nullable = nullable


class SetDefault(ColumnClause):
    """``SET DEFAULT x`` (optionally ``(x)::type``) or ``DROP DEFAULT`` (``default`` None)."""

    def __init__(
        self,
        default: sa.DefaultClause | None,
        type_: sa.types.TypeEngine[Any],
        cast_to: sa.types.TypeEngine[Any] | None = None,
    ) -> None:
        self.default = default
        self.type = type_
        self.cast_to = cast_to


class SetIdentity(ColumnClause):
    """``ADD GENERATED BY DEFAULT AS IDENTITY`` / ``DROP IDENTITY IF EXISTS``."""

    def __init__(self, add: bool) -> None:
        self.add = add


class AlterColumn(AlterTableElement):
    """``ALTER TABLE t ALTER COLUMN c <clause>, ALTER COLUMN c <clause>, ...``: one statement."""

    def __init__(self, table: TableRef, column_name: str, clauses: list[ColumnClause]) -> None:
        super().__init__(table)
        self.column_name = column_name
        self.clauses = clauses


def _render_clause(clause: ColumnClause, column: str, compiler: DDLCompiler) -> str:
    if isinstance(clause, SetType):
        typ = compiler.type_compiler.process(clause.type)
        if clause.using is not None:
            return f"TYPE {typ} USING {clause.using}"
        if clause.cast_using:
            return f"TYPE {typ} USING {column}::{typ}"
        return f"TYPE {typ}"
    if isinstance(clause, SetNullable):
        return "DROP NOT NULL" if clause.nullable else "SET NOT NULL"
    if isinstance(clause, SetDefault):
        if clause.default is None:
            return "DROP DEFAULT"
        holder = sa.Column("x", clause.type, server_default=clause.default)
        text = compiler.get_column_default_string(holder)
        if clause.cast_to is not None:
            text = f"({text})::{compiler.type_compiler.process(clause.cast_to)}"
        return f"SET DEFAULT {text}"
    if isinstance(clause, SetIdentity):
        return "ADD GENERATED BY DEFAULT AS IDENTITY" if clause.add else "DROP IDENTITY IF EXISTS"
    raise TypeError(f"unknown column clause {clause!r}")


@compiles(AlterColumn)
def _alter_column(element: AlterColumn, compiler: DDLCompiler, **kw: Any) -> str:
    column = quote(compiler, element.column_name)
    clauses = ", ".join(
        f"ALTER COLUMN {column} {_render_clause(c, column, compiler)}" for c in element.clauses
    )
    return f"{alter_table(compiler, element.table)} {clauses}"


class AddConstraintClause(AlterTableElement):
    """``ALTER TABLE t ADD <constraint>`` as a clause :class:`AlterTableClauses` can join
    (SQLAlchemy's ``AddConstraint`` is a statement of its own)."""

    def __init__(self, table: TableRef, constraint: sa.Constraint) -> None:
        super().__init__(table)
        self.constraint = constraint


@compiles(AddConstraintClause)
def _add_constraint_clause(element: AddConstraintClause, compiler: DDLCompiler, **kw: Any) -> str:
    spec = compiler.process(element.constraint, **kw)
    return f"{alter_table(compiler, element.table)} ADD {spec}"


class AlterTableClauses(AlterTableElement):
    """Several ALTER TABLE elements of one table as ONE statement, clauses in order."""

    def __init__(self, table: TableRef, elements: list[AlterTableElement]) -> None:
        super().__init__(table)
        self.elements = elements


@compiles(AlterTableClauses)
def _alter_table_clauses(element: AlterTableClauses, compiler: DDLCompiler, **kw: Any) -> str:
    head = alter_table(compiler, element.table) + " "
    clauses = []
    prefix = ""
    for sub in element.elements:
        sql = render(sub, compiler, **kw)
        if sql.startswith(KEEP_ZERO_STATEMENT):  # MariaDB: then for the whole statement
            prefix, sql = KEEP_ZERO_STATEMENT, sql[len(KEEP_ZERO_STATEMENT) :]
        # every element renders "ALTER TABLE <same table> <clause>": keep the clause
        assert sql.startswith(head), sql
        clauses.append(sql[len(head) :])
    return prefix + head + ", ".join(clauses)


class RenameIndex(AlterTableElement):
    """Rename an index: PostgreSQL ``ALTER INDEX``, MySQL ``ALTER TABLE ... RENAME INDEX``."""

    def __init__(self, table: TableRef, old_name: str, new_name: str) -> None:
        super().__init__(table)
        self.old_name = old_name
        self.new_name = new_name


@compiles(RenameIndex)
def _rename_index(element: RenameIndex, compiler: DDLCompiler, **kw: Any) -> str:
    old = quote(compiler, element.old_name)
    if element.table.schema:
        old = f"{compiler.preparer.quote_schema(element.table.schema)}.{old}"
    return f"ALTER INDEX {old} RENAME TO {quote(compiler, element.new_name)}"


@compiles(RenameIndex, "mysql", "mariadb")
def _rename_index_mysql(element: RenameIndex, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table)} RENAME INDEX "
        f"{quote(compiler, element.old_name)} TO {quote(compiler, element.new_name)}"
    )


class DropOwnedSequence(AlterTableElement):
    """PostgreSQL: drop the sequence a (serial) column owns, if it owns one.

    ``pg_get_serial_sequence`` finds it by ownership, so a sequence the column merely
    uses in its default is never dropped.
    """

    def __init__(self, table: TableRef, column_name: str) -> None:
        super().__init__(table)
        self.column_name = column_name


def _sql_string(text: str) -> str:
    """``text`` as an SQL string literal (the quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


@compiles(DropOwnedSequence)
def _drop_owned_sequence(element: DropOwnedSequence, compiler: DDLCompiler, **kw: Any) -> str:
    table = _sql_string(format_table(compiler, element.table))
    column = _sql_string(element.column_name)
    return (
        "DO $migrate$DECLARE s text; BEGIN "
        f"SELECT pg_get_serial_sequence({table}, {column}) INTO s; "
        "IF s IS NOT NULL THEN EXECUTE 'DROP SEQUENCE ' || s; END IF; END$migrate$"
    )


class RenameSequence(ExecutableDDLElement):
    """PostgreSQL ``ALTER SEQUENCE [schema.]old RENAME TO new``."""

    inherit_cache = False

    def __init__(self, schema: str | None, name: str, new_name: str) -> None:
        self.sequence = TableRef(name, schema)
        self.new_name = new_name


@compiles(RenameSequence)
def _rename_sequence(element: RenameSequence, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"ALTER SEQUENCE {format_table(compiler, element.sequence)} "
        f"RENAME TO {quote(compiler, element.new_name)}"
    )


# ---- online-change options and PostgreSQL extras -----------------------------------------


class WithAlterOptions(ExecutableDDLElement):
    """A MySQL/MariaDB ALTER TABLE / CREATE INDEX / DROP INDEX with ``ALGORITHM=``/``LOCK=``.

    ``ALTER TABLE t <clauses>, ALGORITHM=INSTANT, LOCK=NONE``; on index statements
    ``... ALGORITHM=INPLACE LOCK=NONE``. The server refuses the change when it cannot do
    it that way, instead of silently copying the table.
    """

    inherit_cache = False

    def __init__(self, inner: Any, algorithm: str | None, lock: str | None) -> None:
        self.inner = inner
        self.algorithm = algorithm
        self.lock = lock


@compiles(WithAlterOptions)
def _with_alter_options(element: WithAlterOptions, compiler: DDLCompiler, **kw: Any) -> str:
    sql = render(element.inner, compiler, **kw).rstrip()
    options = [f"ALGORITHM={element.algorithm}"] if element.algorithm else []
    options += [f"LOCK={element.lock}"] if element.lock else []
    if not options:
        return sql
    if sql.upper().startswith("ALTER TABLE"):
        return f"{sql}, {', '.join(options)}"
    return f"{sql} {' '.join(options)}"


class ValidateConstraint(AlterTableElement):
    """PostgreSQL ``ALTER TABLE t VALIDATE CONSTRAINT c`` (after ``ADD ... NOT VALID``)."""

    def __init__(self, table: TableRef, name: str) -> None:
        super().__init__(table)
        self.name = name


@compiles(ValidateConstraint)
def _validate_constraint(element: ValidateConstraint, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table)} VALIDATE CONSTRAINT "
        f"{quote(compiler, element.name)}"
    )


class AddNotNullCheck(AlterTableElement):
    """PostgreSQL ``ADD CONSTRAINT n CHECK (c IS NOT NULL) NOT VALID``."""

    def __init__(self, table: TableRef, name: str, column_name: str) -> None:
        super().__init__(table)
        self.name = name
        self.column_name = column_name


@compiles(AddNotNullCheck)
def _add_not_null_check(element: AddNotNullCheck, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table)} ADD CONSTRAINT {quote(compiler, element.name)} "
        f"CHECK ({quote(compiler, element.column_name)} IS NOT NULL) NOT VALID"
    )


class AlterEnumAddValue(ExecutableDDLElement):
    """PostgreSQL ``ALTER TYPE [schema.]t ADD VALUE 'v' [BEFORE 'w' | AFTER 'w']``."""

    inherit_cache = False

    def __init__(
        self,
        schema: str | None,
        name: str,
        value: str,
        before: str | None = None,
        after: str | None = None,
    ) -> None:
        self.type = TableRef(name, schema)
        self.value = value
        self.before = before
        self.after = after


@compiles(AlterEnumAddValue)
def _alter_enum_add_value(element: AlterEnumAddValue, compiler: DDLCompiler, **kw: Any) -> str:
    sql = (
        f"ALTER TYPE {format_table(compiler, element.type)} ADD VALUE {_sql_string(element.value)}"
    )
    if element.before is not None:
        sql += f" BEFORE {_sql_string(element.before)}"
    elif element.after is not None:
        sql += f" AFTER {_sql_string(element.after)}"
    return sql


class RenameConstraint(AlterTableElement):
    """PostgreSQL ``ALTER TABLE t RENAME CONSTRAINT old TO new``."""

    def __init__(self, table: TableRef, old_name: str, new_name: str) -> None:
        super().__init__(table)
        self.old_name = old_name
        self.new_name = new_name


@compiles(RenameConstraint)
def _rename_constraint(element: RenameConstraint, compiler: DDLCompiler, **kw: Any) -> str:
    return (
        f"{alter_table(compiler, element.table)} RENAME CONSTRAINT "
        f"{quote(compiler, element.old_name)} TO {quote(compiler, element.new_name)}"
    )


class CopyRows(ExecutableDDLElement):
    """A rebuild's ``INSERT INTO new (...) SELECT ... FROM old``, optionally for one rowid
    range so the runner can copy a large table in chunks and report progress."""

    inherit_cache = False

    def __init__(
        self,
        sql: str,
        source: str,
        key: str | None,
        rows: tuple[int, int] | None = None,
    ) -> None:
        self.sql = sql
        self.source = source
        self.key = key
        self.rows = rows

    def bounds(self) -> sa.TextClause:
        """``SELECT min(rowid), max(rowid)`` of the table the rows come from."""
        assert self.key is not None
        return sa.text(f"SELECT min({self.key}), max({self.key}) FROM {self.source}")

    def count(self) -> sa.TextClause:
        """``SELECT count(*)`` of the table the rows come from."""
        return sa.text(f"SELECT count(*) FROM {self.source}")

    def chunk(self, first: int, last: int) -> CopyRows:
        """The same copy restricted to rowids ``first`` .. ``last``."""
        assert self.key is not None
        return CopyRows(self.sql, self.source, self.key, (first, last))


@compiles(CopyRows)
def _copy_rows(element: CopyRows, compiler: DDLCompiler, **kw: Any) -> str:
    if element.rows is None:
        return element.sql
    first, last = element.rows
    return f"{element.sql} WHERE {element.key} BETWEEN {int(first)} AND {int(last)}"


# ---- a Python default written through its type's bind processing -------------------------

_PROBE = sa.engine.default.DefaultDialect()
# SQLAlchemy 2.0's JSON processing reads these of any dialect (2.1's DefaultDialect has them)
for _attr in ("_json_serializer", "_json_deserializer"):
    if not hasattr(_PROBE, _attr):
        setattr(_PROBE, _attr, None)


def needs_binding(value: Any, type_: sa.types.TypeEngine[Any]) -> bool:
    """Whether a column's constant Python default can only be stored as an INSERT stores
    it, through the type's bind processing (``PickleType``, ``JSON``, a ``TypeDecorator``
    whose literal rendering fails): the type writes no literal of it, and processes the
    values it binds. Others are written as literals (see ``planner.default_literal``)."""
    try:
        literal = type_.literal_processor(_PROBE)
        if literal is not None:
            literal(value)
            return False
    except Exception:  # noqa: BLE001 (any failure of the type's own renderer)
        pass
    return type_.bind_processor(_PROBE) is not None


class TypedValue(sa.sql.expression.ColumnElement[Any]):
    """A column's constant Python default, filling existing rows: a bound parameter of
    the column's type (processed exactly like the value of an INSERT); in offline SQL,
    the processed value as a literal where the dialect can write one."""

    inherit_cache = False

    def __init__(self, value: Any, type_: sa.types.TypeEngine[Any], column_name: str) -> None:
        self.value = value
        self.type = type_
        self.column_name = column_name


@compiles(TypedValue)
def _typed_value(element: TypedValue, compiler: Any, **kw: Any) -> str:
    if not kw.get("literal_binds"):
        return str(compiler.process(sa.bindparam(None, element.value, type_=element.type), **kw))
    return processed_literal(element.value, element.type, compiler.dialect, element.column_name)


def bind_value(value: Any, type_: sa.types.TypeEngine[Any], dialect: Any) -> Any:
    """``value`` as ``type_`` binds it for ``dialect`` (what an INSERT sends)."""
    processor = type_.dialect_impl(dialect).bind_processor(dialect)
    return processor(value) if processor is not None else value


def processed_literal(
    value: Any, type_: sa.types.TypeEngine[Any], dialect: Any, column_name: str
) -> str:
    """``value`` after ``type_``'s bind processing for ``dialect``, as an SQL literal
    (bytes, text, numbers); OfflineError naming the column for anything else."""
    from migrate.exceptions import OfflineError

    out = bind_value(value, type_, dialect)
    if not isinstance(out, (bytes, bytearray, memoryview, str, int, float, type(None))):
        # a driver's wrapper (psycopg's Json): the type's own, driver-free processing
        out = bind_value(value, type_, _PROBE)
    if out is None:
        return "NULL"
    if isinstance(out, (bytes, bytearray, memoryview)):
        hexed = bytes(out).hex()
        return f"'\\x{hexed}'::bytea" if dialect.name == "postgresql" else f"X'{hexed}'"
    if isinstance(out, str):
        string: Any = sa.String().literal_processor(dialect)  # type: ignore[no-untyped-call]
        return str(string(out))
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        return repr(out)
    raise OfflineError(
        f"Column {column_name!r}: its default {value!r} becomes {out!r} through the type "
        f"{type_}, which {dialect.name} SQL cannot write as a literal; offline SQL cannot "
        "fill existing rows with it: give the column a server_default, or "
        "populate_default=False"
    )
