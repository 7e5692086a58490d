"""SQL of the first slice (add/drop column, rename table), every dialect side by side."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

import migrate
from migrate.changeset import to_sql
from tests.sql.cases import assert_sql, render


def users(schema: str | None = None) -> sa.Table:
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40)),
        schema=schema,
    )


def test_add_nullable_column() -> None:
    assert_sql(
        lambda: sa.Column("email", sa.String(60)).create(users()),
        sqlite=["ALTER TABLE users ADD COLUMN email VARCHAR(60);"],
        postgresql=["ALTER TABLE users ADD COLUMN email VARCHAR(60);"],
        mysql=["ALTER TABLE users ADD COLUMN email VARCHAR(60);"],
    )


def test_add_column_with_constant_python_default() -> None:
    assert_sql(
        lambda: sa.Column("score", sa.Integer, nullable=False, default=7).create(users()),
        postgresql=[
            "ALTER TABLE users ADD COLUMN score INTEGER DEFAULT 7 NOT NULL;",
            "ALTER TABLE users ALTER COLUMN score DROP DEFAULT;",
        ],
        mysql=[
            "ALTER TABLE users ADD COLUMN score INTEGER NOT NULL DEFAULT 7;",
            "ALTER TABLE users ALTER COLUMN score DROP DEFAULT;",
        ],
    )
    assert_sql(
        lambda: sa.Column("nick", sa.String(10), default="anon").create(users()),
        sqlite=[
            "ALTER TABLE users ADD COLUMN nick VARCHAR(10);",
            "UPDATE users SET nick='anon';",
        ],
        postgresql=[
            "ALTER TABLE users ADD COLUMN nick VARCHAR(10) DEFAULT 'anon';",
            "ALTER TABLE users ALTER COLUMN nick DROP DEFAULT;",
        ],
    )


def test_add_column_with_sql_expression_default() -> None:
    assert_sql(
        lambda: sa.Column(
            "label", sa.String(40), nullable=False, default=sa.func.upper(sa.text("name"))
        ).create(users()),
        postgresql=[
            "ALTER TABLE users ADD COLUMN label VARCHAR(40);",
            "UPDATE users SET label=upper(name);",
            "ALTER TABLE users ALTER COLUMN label SET NOT NULL;",
        ],
        mysql=[
            "ALTER TABLE users ADD COLUMN label VARCHAR(40);",
            "UPDATE users SET label=upper(name);",
            "ALTER TABLE users CHANGE COLUMN label label VARCHAR(40) NOT NULL;",
        ],
    )


def test_add_column_with_index() -> None:
    assert_sql(
        lambda: sa.Column("email", sa.String(60), index=True).create(
            users(), index_name="ix_email"
        ),
        sqlite=[
            "ALTER TABLE users ADD COLUMN email VARCHAR(60);",
            "CREATE INDEX ix_email ON users (email);",
        ],
        postgresql=[
            "ALTER TABLE users ADD COLUMN email VARCHAR(60);",
            "CREATE INDEX ix_email ON users (email);",
        ],
    )


def test_drop_column() -> None:
    assert_sql(
        lambda: users().c.name.drop(),
        sqlite=["ALTER TABLE users DROP COLUMN name;"],
        postgresql=["ALTER TABLE users DROP COLUMN name;"],
        mysql=["ALTER TABLE users DROP COLUMN name;"],
    )


def test_rename_table_quotes_and_schemas() -> None:
    assert_sql(
        lambda: users().rename("order"),
        sqlite=['ALTER TABLE users RENAME TO "order";'],
        postgresql=['ALTER TABLE users RENAME TO "order";'],
        mysql=["ALTER TABLE users RENAME TO `order`;"],
    )
    assert_sql(
        lambda: users(schema="app").rename("people"),
        postgresql=["ALTER TABLE app.users RENAME TO people;"],
        mysql=["ALTER TABLE app.users RENAME TO app.people;"],
    )


def test_mariadb_dialect_name_renders_like_mysql() -> None:
    assert render("mariadb", lambda: users().rename("people")) == [
        "ALTER TABLE users RENAME TO people;"
    ]


def test_stream_receives_each_statement() -> None:
    out = io.StringIO()
    with to_sql("postgresql", stream=out) as statements:
        users().rename("people")
    assert out.getvalue() == "ALTER TABLE users RENAME TO people;\n\n"
    assert statements == ["ALTER TABLE users RENAME TO people;"]


def test_dialect_object_accepted() -> None:
    from sqlalchemy.dialects import postgresql

    with to_sql(postgresql.dialect()) as statements:
        users().c.name.drop()
    assert statements == ["ALTER TABLE users DROP COLUMN name;"]


def test_unsupported_dialect_names_it() -> None:
    with pytest.raises(migrate.NotSupportedError, match="oracle"):
        with to_sql("oracle"):
            pass
    with pytest.raises(migrate.NotSupportedError, match="mssql"):
        from sqlalchemy.dialects import mssql

        with to_sql(mssql.dialect()):
            pass


def test_offline_needs_no_bind_and_leaves_table_updated() -> None:
    t = users()
    with to_sql("sqlite"):
        col = sa.Column("email", sa.String(60))
        col.create(t)
    assert t.c.email is col
