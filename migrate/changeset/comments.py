"""Comments and PostgreSQL enum labels: the two changes generated scripts need beyond
the column and constraint operations.

``set_comment(table, column, comment)`` sets (or with None removes) a table's or a
column's comment. PostgreSQL: ``COMMENT ON``. MySQL/MariaDB: ``ALTER TABLE ... COMMENT``
for a table, ``MODIFY`` with the reflected column for a column. SQLite keeps no comments:
``NotSupportedError``.

``alter_enum(name, labels)`` gives a PostgreSQL enum type exactly ``labels``: new labels
only (order kept) by ``ALTER TYPE ... ADD VALUE``; anything else (a label removed or moved)
by a new type that every column using the old one is converted to (``USING col::text``),
which fails, changing nothing, if a row holds a removed label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from migrate.changeset import binding, runner
from migrate.changeset.binding import Bindable
from migrate.exceptions import NoSuchTableError, NotSupportedError, OfflineError


def set_comment(
    table: str,
    column: str | None,
    comment: str | None,
    *,
    schema: str | None = None,
    engine: Bindable | None = None,
    connection: Bindable | None = None,
) -> None:
    """Set the comment of ``table`` (``column`` None) or of ``table.column``.

    Offline (:func:`~migrate.changeset.to_sql`): a table's comment, and a column's on
    PostgreSQL (MySQL needs the reflected column)."""
    offline = runner.offline_state()
    if offline is not None:
        t = sa.Table(
            table,
            sa.MetaData(),
            sa.Column(column or "_", sa.types.NULLTYPE),
            schema=schema,
            comment=comment,
        )
        if column is None:
            ddl: Any = sa.schema.SetTableComment(t) if comment else sa.schema.DropTableComment(t)
        elif offline.dialect.name == "postgresql":
            t.c[column].comment = comment
            ddl = sa.schema.SetColumnComment(t.c[column])
        else:
            raise OfflineError(f"set_comment({table!r}, {column!r}) needs reflection on MySQL")
        offline.write([str(ddl.compile(dialect=offline.dialect)) + ";"])
        return
    target = binding.resolve(connection=connection, engine=engine, what=f"commenting {table!r}")
    with runner.transaction(target) as conn:
        if conn.dialect.name == "sqlite":
            raise NotSupportedError("SQLite keeps no comments on tables or columns")
        if column is None:
            t = sa.Table(table, sa.MetaData(), schema=schema, comment=comment)
            ddl = sa.schema.SetTableComment(t) if comment else sa.schema.DropTableComment(t)
        else:
            try:
                t = sa.Table(table, sa.MetaData(), schema=schema, autoload_with=conn)
            except sa.exc.NoSuchTableError as exc:
                raise NoSuchTableError(f"no table {table!r} to comment on") from exc
            col = t.c[column]
            col.comment = comment
            if comment is None and conn.dialect.name == "postgresql":
                ddl = sa.schema.DropColumnComment(col)
            else:
                ddl = sa.schema.SetColumnComment(col)
        conn.execute(ddl)


def alter_enum(
    name: str,
    labels: Sequence[str],
    *,
    schema: str | None = None,
    engine: Bindable | None = None,
    connection: Bindable | None = None,
) -> None:
    """Give PostgreSQL enum type ``name`` exactly ``labels`` (see the module docstring)."""
    if runner.offline_active():
        raise OfflineError(f"alter_enum({name!r}) reads the type's labels: not offline")
    target = binding.resolve(connection=connection, engine=engine, what=f"altering enum {name!r}")
    with runner.transaction(target) as conn:
        if conn.dialect.name != "postgresql":
            raise NotSupportedError(f"enum types are PostgreSQL's; not on {conn.dialect.name}")
        prep = conn.dialect.identifier_preparer
        qname = (
            prep.quote(name)
            if schema is None
            else f"{prep.quote_schema(schema)}.{prep.quote(name)}"
        )
        current = [
            row[0]
            for row in conn.execute(
                sa.text(
                    "SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
                    "JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = :name "
                    "AND n.nspname = coalesce(:schema, current_schema()) ORDER BY e.enumsortorder"
                ),
                {"name": name, "schema": schema},
            )
        ]
        if not current:
            raise NotSupportedError(f"no enum type {name!r}")
        wanted = list(labels)
        kept = [label for label in wanted if label in current]
        if kept == current:  # only additions
            for i, label in enumerate(wanted):
                if label in current:
                    continue
                after = wanted[i - 1] if i else None
                if after is not None:
                    where = f" AFTER {_literal(after)}"
                else:
                    where = f" BEFORE {_literal(current[0])}"
                conn.exec_driver_sql(f"ALTER TYPE {qname} ADD VALUE {_literal(label)}{where}")
                current.insert(current.index(after) + 1 if after is not None else 0, label)
            return
        old = f"{name}_old"
        qold = (
            prep.quote(old) if schema is None else f"{prep.quote_schema(schema)}.{prep.quote(old)}"
        )
        users = conn.execute(
            sa.text(
                "SELECT c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid "
                "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE t.typname = :name AND c.relkind = 'r' AND NOT a.attisdropped"
            ),
            {"name": name},
        ).all()
        conn.exec_driver_sql(f"ALTER TYPE {qname} RENAME TO {prep.quote(old)}")
        values = ", ".join(_literal(label) for label in wanted)
        conn.exec_driver_sql(f"CREATE TYPE {qname} AS ENUM ({values})")
        for table, column, default in users:
            qt, qc = prep.quote(table), prep.quote(column)
            if default is not None:
                conn.exec_driver_sql(f"ALTER TABLE {qt} ALTER COLUMN {qc} DROP DEFAULT")
            conn.exec_driver_sql(
                f"ALTER TABLE {qt} ALTER COLUMN {qc} TYPE {qname} USING {qc}::text::{qname}"
            )
            if default is not None:
                text = default.split("::")[0]
                conn.exec_driver_sql(f"ALTER TABLE {qt} ALTER COLUMN {qc} SET DEFAULT {text}")
        conn.exec_driver_sql(f"DROP TYPE {qold}")


def _literal(value: str | None) -> str:
    return "'" + str(value).replace("'", "''") + "'"
