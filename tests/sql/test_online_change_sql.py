"""Issue 7: PostgreSQL and MySQL/MariaDB online-change SQL, per dialect side by side."""

from __future__ import annotations

import io
import uuid

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table, to_sql
from migrate.changeset.constraint import CheckConstraint, ForeignKeyConstraint
from migrate.exceptions import InvalidOperationError, NotSupportedError, OfflineError
from tests.sql.cases import assert_sql, render


def users(schema: str | None = None) -> sa.Table:
    meta = sa.MetaData()
    sa.Table("parents", meta, sa.Column("id", sa.Integer, primary_key=True), schema=schema)
    return sa.Table(
        "users",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
        sa.Column("parent_id", sa.Integer),
        sa.Column("mood", sa.Enum("a", "b", name="mood", schema=schema)),
        schema=schema,
    )


# ---- PostgreSQL: one statement, USING casts ----------------------------------------------


def test_three_attribute_alter_is_one_statement() -> None:
    assert_sql(
        lambda: users().c.name.alter(type=sa.Text, nullable=False, server_default="x"),
        postgresql=[
            "ALTER TABLE users ALTER COLUMN name TYPE TEXT, ALTER COLUMN name SET NOT NULL, "
            "ALTER COLUMN name SET DEFAULT 'x';"
        ],
        mysql=["ALTER TABLE users CHANGE COLUMN name name TEXT NOT NULL DEFAULT 'x';"],
    )


@pytest.mark.parametrize(
    ("new_type", "sql"),
    [
        (sa.Integer(), "TYPE INTEGER USING name::INTEGER"),
        (sa.Uuid(), "TYPE UUID USING name::UUID"),
        (sa.JSON(), "TYPE JSON USING name::JSON"),
    ],
)
def test_varchar_to_other_family_casts(new_type: sa.types.TypeEngine[object], sql: str) -> None:
    assert_sql(
        lambda: users("app").c.name.alter(type=new_type),
        postgresql=[f"ALTER TABLE app.users ALTER COLUMN name {sql};"],
    )


def test_enum_to_text_and_back() -> None:
    assert_sql(
        lambda: users().c.mood.alter(type=sa.Text),
        postgresql=["ALTER TABLE users ALTER COLUMN mood TYPE TEXT USING mood::TEXT;"],
        mysql=["ALTER TABLE users CHANGE COLUMN mood mood TEXT;"],
    )
    assert_sql(
        lambda: users().c.name.alter(type=sa.Enum("a", "b", name="mood")),
        # the type exists (another column of the table uses it): no CREATE TYPE
        postgresql=["ALTER TABLE users ALTER COLUMN name TYPE mood USING name::mood;"],
        mysql=["ALTER TABLE users CHANGE COLUMN name name ENUM('a','b');"],
    )


# ---- PostgreSQL: populate_default ---------------------------------------------------------


def test_constant_default_is_a_temporary_server_default_not_an_update() -> None:
    assert_sql(
        lambda: sa.Column("n", sa.Integer, nullable=False, default=7).create(users()),
        postgresql=[
            "ALTER TABLE users ADD COLUMN n INTEGER DEFAULT 7 NOT NULL;",
            "ALTER TABLE users ALTER COLUMN n DROP DEFAULT;",
        ],
        mysql=[
            "ALTER TABLE users ADD COLUMN n INTEGER NOT NULL DEFAULT 7;",
            "ALTER TABLE users ALTER COLUMN n DROP DEFAULT;",
        ],
    )


def test_callable_default_cannot_be_rendered_offline_on_postgresql() -> None:
    with pytest.raises(OfflineError, match="callable evaluated per row"):
        render("postgresql", lambda: sa.Column("u", sa.Uuid, default=uuid.uuid4).create(users()))


def test_an_operation_offline_sql_cannot_render_writes_none_of_its_statements() -> None:
    """The ADD COLUMN renders, the per-row fill after it cannot: the block's output and
    stream keep the earlier operation only, and the Table is unchanged."""
    t = users()
    stream = io.StringIO()
    with to_sql("postgresql", stream) as out:
        sa.Column("a", sa.Integer).create(t)  # type: ignore[attr-defined]
        with pytest.raises(OfflineError, match="callable evaluated per row"):
            sa.Column("u", sa.Uuid, default=uuid.uuid4).create(t, unique_name="uq_u")  # type: ignore[attr-defined]
    assert out == ["ALTER TABLE users ADD COLUMN a INTEGER;"]
    assert stream.getvalue() == "ALTER TABLE users ADD COLUMN a INTEGER;\n\n"
    assert "u" not in t.c and "a" in t.c


def test_a_new_columns_type_the_dialect_cannot_render_is_named_offline() -> None:
    t = users()
    with to_sql("mysql") as out:
        with pytest.raises(NotSupportedError, match="Cannot add column 'label' to table 'users'"):
            sa.Column("label", sa.String()).create(t)  # type: ignore[attr-defined]
    assert out == []
    assert "label" not in t.c


def test_callable_default_without_populate_is_just_a_column() -> None:
    assert_sql(
        lambda: sa.Column("u", sa.Uuid, default=uuid.uuid4).create(users(), populate_default=False),
        postgresql=["ALTER TABLE users ADD COLUMN u UUID;"],
    )


# ---- PostgreSQL: rename_constraints -------------------------------------------------------


def test_rename_constraints_renames_names_embedding_the_table() -> None:
    def op() -> None:
        t = users("app")
        sa.Index("ix_users_name", t.c.name)
        sa.Index("other_ix", t.c.parent_id)
        t.rename("people", rename_constraints=True)

    assert_sql(
        op,
        postgresql=[
            "ALTER TABLE app.users RENAME TO people;",
            "ALTER TABLE app.people RENAME CONSTRAINT users_pkey TO people_pkey;",
            "ALTER INDEX app.ix_users_name RENAME TO ix_people_name;",
        ],
        # other dialects ignore it
        mysql=["ALTER TABLE app.users RENAME TO app.people;"],
    )


def test_rename_without_rename_constraints_keeps_names() -> None:
    assert_sql(
        lambda: users().rename("people"),
        postgresql=["ALTER TABLE users RENAME TO people;"],
    )


# ---- PostgreSQL: CONCURRENTLY, NOT VALID, VALIDATE, safe NOT NULL --------------------------


def test_concurrently_index_create_and_drop() -> None:
    def op() -> None:
        with alter_table(users("app")) as t:
            t.create_index("ix_name", "name", postgresql_concurrently=True)
            t.drop_index("ix_old", postgresql_concurrently=True)

    assert_sql(
        op,
        postgresql=[
            "CREATE INDEX CONCURRENTLY ix_name ON app.users (name);",
            "DROP INDEX CONCURRENTLY app.ix_old;",
        ],
        mysql=["CREATE INDEX ix_name ON app.users (name);", "DROP INDEX ix_old ON app.users;"],
    )


def test_not_valid_check_and_foreign_key_then_validate() -> None:
    def op() -> None:
        t = users("app")
        CheckConstraint("name <> ''", table=t, name="ck_name", postgresql_not_valid=True).create()
        ForeignKeyConstraint(
            [t.c.parent_id], ["app.parents.id"], name="fk_parent", postgresql_not_valid=True
        ).create()
        CheckConstraint("name <> ''", table=t, name="ck_name").validate()

    assert_sql(
        op,
        postgresql=[
            "ALTER TABLE app.users ADD CONSTRAINT ck_name CHECK (name <> '') NOT VALID;",
            "ALTER TABLE app.users ADD CONSTRAINT fk_parent FOREIGN KEY(parent_id) "
            "REFERENCES app.parents (id) NOT VALID;",
            "ALTER TABLE app.users VALIDATE CONSTRAINT ck_name;",
        ],
    )


def test_validate_is_postgresql_only() -> None:
    t = users()
    with pytest.raises(NotSupportedError):
        render("mysql", lambda: CheckConstraint("name <> ''", table=t, name="ck").validate())


def test_safe_not_null() -> None:
    assert_sql(
        lambda: users("app").c.name.alter(nullable=False, postgresql_safe_not_null=True),
        postgresql=[
            "ALTER TABLE app.users ADD CONSTRAINT users_name_not_null "
            "CHECK (name IS NOT NULL) NOT VALID;",
            "ALTER TABLE app.users VALIDATE CONSTRAINT users_name_not_null;",
            "ALTER TABLE app.users ALTER COLUMN name SET NOT NULL;",
            "ALTER TABLE app.users DROP CONSTRAINT users_name_not_null;",
        ],
        mysql=["ALTER TABLE app.users CHANGE COLUMN name name VARCHAR(20) NOT NULL;"],
    )


# ---- PostgreSQL: enum types ---------------------------------------------------------------


def test_new_enum_column_creates_the_type_first() -> None:
    assert_sql(
        lambda: sa.Column("feel", sa.Enum("x", "y", name="feel", schema="app")).create(
            users("app")
        ),
        postgresql=[
            "CREATE TYPE app.feel AS ENUM ('x', 'y');",
            "ALTER TABLE app.users ADD COLUMN feel app.feel;",
        ],
        mysql=["ALTER TABLE app.users ADD COLUMN feel ENUM('x','y');"],
    )


def test_enum_column_of_an_existing_type_creates_nothing() -> None:
    assert_sql(
        lambda: sa.Column("mood2", sa.Enum("a", "b", name="mood")).create(users()),
        postgresql=["ALTER TABLE users ADD COLUMN mood2 mood;"],
    )


def test_more_enum_values_are_added_to_the_type() -> None:
    assert_sql(
        lambda: users().c.mood.alter(type=sa.Enum("z", "a", "c", "b", "d", name="mood")),
        postgresql=[
            "ALTER TYPE mood ADD VALUE 'z' BEFORE 'a';",
            "ALTER TYPE mood ADD VALUE 'c' BEFORE 'b';",
            "ALTER TYPE mood ADD VALUE 'd' AFTER 'b';",
        ],
        mysql=["ALTER TABLE users CHANGE COLUMN mood mood ENUM('z','a','c','b','d');"],
    )


def test_removing_an_enum_value_is_refused_on_postgresql() -> None:
    with pytest.raises(NotSupportedError, match="values can only be added"):
        render("postgresql", lambda: users().c.mood.alter(type=sa.Enum("a", name="mood")))


# ---- MySQL/MariaDB: ALGORITHM= and LOCK= -----------------------------------------------------


def test_algorithm_and_lock_on_every_operation() -> None:
    def op() -> None:
        t = users()
        opts = {"mysql_algorithm": "INPLACE", "mysql_lock": "NONE"}
        sa.Column("x", sa.Integer).create(t, **opts)
        t.c.name.alter(type=sa.String(40), **opts)
        CheckConstraint("x > 0", table=t, name="ck_x").create(**opts)
        CheckConstraint("x > 0", table=t, name="ck_x").drop(**opts)
        t.c.x.drop(**opts)
        t.rename("people", mysql_algorithm="INSTANT")

    assert_sql(
        op,
        mysql=[
            "ALTER TABLE users ADD COLUMN x INTEGER, ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users CHANGE COLUMN name name VARCHAR(40), ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users ADD CONSTRAINT ck_x CHECK (x > 0), ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users DROP CHECK ck_x, ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users DROP COLUMN x, ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users RENAME TO people, ALGORITHM=INSTANT;",
        ],
        mariadb=[
            "ALTER TABLE users ADD COLUMN x INTEGER, ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users CHANGE COLUMN name name VARCHAR(40), ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users ADD CONSTRAINT ck_x CHECK (x > 0), ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users DROP CONSTRAINT ck_x, ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users DROP COLUMN x, ALGORITHM=INPLACE, LOCK=NONE;",
            "ALTER TABLE users RENAME TO people, ALGORITHM=INSTANT;",
        ],
        # a dialect option of another dialect: ignored without a warning
        postgresql=[
            "ALTER TABLE users ADD COLUMN x INTEGER;",
            "ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(40);",
            "ALTER TABLE users ADD CONSTRAINT ck_x CHECK (x > 0);",
            "ALTER TABLE users DROP CONSTRAINT ck_x;",
            "ALTER TABLE users DROP COLUMN x;",
            "ALTER TABLE users RENAME TO people;",
        ],
    )


def test_algorithm_on_a_batch_and_on_index_statements() -> None:
    def op() -> None:
        with alter_table(users(), mysql_algorithm="inplace", mysql_lock="none") as t:
            t.alter_column("name", type=sa.String(40))
            t.add_column(sa.Column("w", sa.Integer))
            t.create_index("ix_w", "w")

    assert_sql(
        op,
        mysql=[
            "ALTER TABLE users CHANGE COLUMN name name VARCHAR(40), ADD COLUMN w INTEGER, "
            "ALGORITHM=INPLACE, LOCK=NONE;",
            "CREATE INDEX ix_w ON users (w) ALGORITHM=INPLACE LOCK=NONE;",
        ],
        postgresql=[
            "ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(40), ADD COLUMN w INTEGER;",
            "CREATE INDEX ix_w ON users (w);",
        ],
    )


def test_rename_index_with_algorithm() -> None:
    def op() -> None:
        t = users()
        ix = sa.Index("ix_name", t.c.name)
        ix.rename("ix_name2", mysql_lock="NONE")

    assert_sql(
        op,
        mysql=["ALTER TABLE users RENAME INDEX ix_name TO ix_name2, LOCK=NONE;"],
        postgresql=["ALTER INDEX ix_name RENAME TO ix_name2;"],
    )


def test_bad_algorithm_is_refused_on_every_dialect() -> None:
    for dialect in ("mysql", "postgresql", "sqlite"):
        with pytest.raises(InvalidOperationError, match="mysql_algorithm='FAST'"):
            with to_sql(dialect):
                sa.Column("x", sa.Integer).create(users(), mysql_algorithm="FAST")
