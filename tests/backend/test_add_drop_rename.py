"""The first vertical slice on every backend: add a column, drop a column, rename a table.

Each test changes a real database, then reads schema and rows back.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import migrate
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidOperationError,
    NoSuchColumnError,
    NoSuchTableError,
)
from tests.support import column_names, columns, make_users, rows, schema_state, table_names


def test_add_nullable_column_fills_python_default(engine: sa.Engine) -> None:
    users = make_users(engine)
    col = sa.Column("email", sa.String(60), default="nobody@example.com")
    col.create(users)
    assert col is users.c.email
    assert column_names(engine, "users") == ["id", "name", "email"]
    assert rows(engine, "users") == [(i, f"u{i}", "nobody@example.com") for i in (1, 2, 3)]


@pytest.mark.parametrize("nullable", [True, False])
def test_a_default_of_another_python_type_fills_the_rows_converted(
    engine: sa.Engine, nullable: bool
) -> None:
    """``default=3`` on a String column (the type cannot write 3 as a literal): the rows
    get '3', as an INSERT of the default would store it; in a batch too, where the column
    is added as Integer and changed to String in the same block."""
    users = make_users(engine)
    sa.Column("code", sa.String(20), nullable=nullable, default=3).create(users)
    with migrate.changeset.alter_table("users", engine=engine) as b:
        b.add_column(sa.Column("n", sa.Integer, nullable=nullable, default=4))
        b.alter_column("n", type=sa.String(20))
    assert column_names(engine, "users") == ["id", "name", "code", "n"]
    assert columns(engine, "users")["code"]["nullable"] is nullable
    assert columns(engine, "users")["n"]["default"] is None
    assert rows(engine, "users") == [(i, f"u{i}", "3", "4") for i in (1, 2, 3)]


def test_a_default_of_another_python_type_renders_offline() -> None:
    t = sa.Table("users", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    for dialect in ("postgresql", "mysql", "sqlite"):
        with migrate.changeset.to_sql(dialect) as sql:
            sa.Column("code", sa.String(20), nullable=False, default=3).create(t)
        if dialect == "sqlite":  # a rebuild: the copy writes the value
            assert 'SELECT "id", 3 FROM "users"' in " ".join(sql), sql
        else:
            assert "DEFAULT 3" in sql[0], (dialect, sql)
        t = sa.Table("users", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))


def test_add_column_without_populate_leaves_nulls(engine: sa.Engine) -> None:
    users = make_users(engine)
    sa.Column("email", sa.String(60), default="x").create(users, populate_default=False)
    assert rows(engine, "users") == [(i, f"u{i}", None) for i in (1, 2, 3)]


def test_add_not_null_column_with_server_default(engine: sa.Engine) -> None:
    users = make_users(engine)
    sa.Column("active", sa.Integer, nullable=False, server_default="1").create(users)
    info = columns(engine, "users")["active"]
    assert info["nullable"] is False
    assert "1" in str(info["default"])
    assert rows(engine, "users") == [(i, f"u{i}", 1) for i in (1, 2, 3)]
    with engine.begin() as conn:
        conn.execute(users.insert().values(id=9, name="new"))
    assert rows(engine, "users")[-1] == (9, "new", 1)


def test_add_not_null_column_with_python_default_keeps_no_server_default(
    engine: sa.Engine,
) -> None:
    users = make_users(engine)
    sa.Column("score", sa.Integer, nullable=False, default=7).create(users)
    info = columns(engine, "users")["score"]
    assert info["nullable"] is False
    assert info["default"] is None
    assert rows(engine, "users") == [(i, f"u{i}", 7) for i in (1, 2, 3)]


def test_add_column_with_sql_expression_default_per_row(engine: sa.Engine) -> None:
    users = make_users(engine)
    col = sa.Column("label", sa.String(80), default=sa.literal_column("name"))
    col.create(users)
    assert rows(engine, "users") == [(i, f"u{i}", f"u{i}") for i in (1, 2, 3)]


def test_add_column_with_index_name(engine: sa.Engine) -> None:
    users = make_users(engine)
    sa.Column("email", sa.String(60), index=True).create(users, index_name="ix_users_email")
    indexes = {i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes("users")}
    assert indexes["ix_users_email"] == ["email"]
    assert {i.name for i in users.indexes} == {"ix_users_email"}
    assert rows(engine, "users") == [(i, f"u{i}", None) for i in (1, 2, 3)]


def test_add_not_null_column_without_default_to_empty_table(engine: sa.Engine) -> None:
    # SQLite's ADD COLUMN refuses this even on an empty table: one rebuild instead
    users = make_users(engine, rows_=0)
    sa.Column("code", sa.String(10), nullable=False).create(users)
    info = columns(engine, "users")["code"]
    assert info["nullable"] is False and info["default"] is None
    with engine.begin() as conn:
        conn.execute(users.insert().values(id=1, name="a", code="c"))
    assert rows(engine, "users") == [(1, "a", "c")]


def test_drop_column_python_table_follows(engine: sa.Engine) -> None:
    users = make_users(engine)
    col = sa.Column("email", sa.String(60), default="e")
    col.create(users)
    users.c.email.drop()
    assert column_names(engine, "users") == ["id", "name"]
    assert "email" not in users.c
    assert rows(engine, "users") == [(i, f"u{i}") for i in (1, 2, 3)]


def test_drop_column_by_name_and_fresh_column(engine: sa.Engine) -> None:
    users = make_users(engine)
    sa.Column("a", sa.Integer).create(users)
    sa.Column("b", sa.Integer).create(users)
    users.drop_column("a")
    sa.Column("b", sa.Integer).drop(users)
    assert column_names(engine, "users") == ["id", "name"]
    assert list(users.c.keys()) == ["id", "name"]
    assert rows(engine, "users") == [(i, f"u{i}") for i in (1, 2, 3)]


def test_drop_then_create_again(engine: sa.Engine) -> None:
    users = make_users(engine)
    col = sa.Column("email", sa.String(60))
    col.create(users)
    col.drop()
    col.create(users)
    assert users.c.email is col
    assert column_names(engine, "users") == ["id", "name", "email"]


def test_rename_table_rekeys_metadata(engine: sa.Engine) -> None:
    users = make_users(engine)
    meta = users.metadata
    users.rename("people")
    assert table_names(engine) == {"people"}
    assert list(meta.tables) == ["people"]
    assert users.name == "people" and users.fullname == "people"
    assert meta.tables["people"] is users
    assert rows(engine, "people") == [(i, f"u{i}") for i in (1, 2, 3)]
    # the renamed Table object keeps working
    sa.Column("email", sa.String(60)).create(users)
    assert column_names(engine, "people") == ["id", "name", "email"]


def test_rename_table_onto_name_of_dropped_table_object(engine: sa.Engine) -> None:
    users = make_users(engine)
    meta = users.metadata
    old = sa.Table("old", meta, sa.Column("id", sa.Integer, primary_key=True))
    old.create(engine)
    old.drop(engine)
    users.rename("old")
    assert meta.tables["old"] is users
    assert set(meta.tables) == {"old"}
    assert rows(engine, "old") == [(i, f"u{i}") for i in (1, 2, 3)]


def test_rename_table_function_by_name(engine: sa.Engine) -> None:
    make_users(engine)
    migrate.rename_table("users", "people", engine=engine)
    assert table_names(engine) == {"people"}


def test_schema_qualified_table(engine: sa.Engine, other_schema: str) -> None:
    meta = sa.MetaData()
    t = sa.Table("t", meta, sa.Column("id", sa.Integer, primary_key=True), schema=other_schema)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1}, {"id": 2}])
    sa.Column("v", sa.Integer, default=5).create(t, engine=engine)
    t.rename("u", engine=engine)
    assert meta.tables[f"{other_schema}.u"] is t
    insp = sa.inspect(engine)
    assert [c["name"] for c in insp.get_columns("u", schema=other_schema)] == ["id", "v"]
    with engine.connect() as conn:
        assert conn.execute(sa.select(t).order_by(t.c.id)).all() == [(1, 5), (2, 5)]


def test_reserved_word_names(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    t = sa.Table("user", meta, sa.Column("order", sa.Integer, primary_key=True))
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"order": 1}])
    sa.Column("key", sa.String(10), default="k").create(t, engine=engine)
    t.rename("select", engine=engine)
    assert column_names(engine, "select") == ["order", "key"]
    assert rows(engine, "select", order_by="order") == [(1, "k")]


# ---- bad input: a migrate.exceptions error before anything changes -------------------------


def test_unknown_table(engine: sa.Engine) -> None:
    make_users(engine)
    meta = sa.MetaData()
    ghost = sa.Table("ghost", meta, sa.Column("id", sa.Integer))
    before = schema_state(engine)
    with pytest.raises(NoSuchTableError, match="ghost"):
        sa.Column("x", sa.Integer).create(ghost, engine=engine)
    with pytest.raises(NoSuchTableError, match="ghost"):
        ghost.rename("ghost2", engine=engine)
    assert schema_state(engine) == before
    assert "x" not in ghost.c


def test_duplicate_column(engine: sa.Engine) -> None:
    users = make_users(engine)
    before = schema_state(engine)
    other_meta = sa.MetaData()
    hand = sa.Table("users", other_meta, sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(DuplicateObjectError, match="name"):
        sa.Column("name", sa.String(5)).create(hand, engine=engine)
    assert schema_state(engine) == before
    assert list(hand.c.keys()) == ["id"]
    assert rows(engine, "users") == [(i, f"u{i}") for i in (1, 2, 3)]
    assert list(users.c.keys()) == ["id", "name"]


def test_not_null_without_default_on_non_empty_table(engine: sa.Engine) -> None:
    users = make_users(engine)
    before = schema_state(engine)
    with pytest.raises(InvalidOperationError, match="code"):
        sa.Column("code", sa.String(10), nullable=False).create(users)
    assert schema_state(engine) == before
    assert "code" not in users.c
    assert rows(engine, "users") == [(i, f"u{i}") for i in (1, 2, 3)]


def test_drop_unknown_column(engine: sa.Engine) -> None:
    users = make_users(engine)
    before = schema_state(engine)
    with pytest.raises(NoSuchColumnError, match="nope"):
        users.drop_column("nope")
    assert schema_state(engine) == before


def test_rename_onto_existing_table(engine: sa.Engine) -> None:
    users = make_users(engine)
    sa.Table("people", sa.MetaData(), sa.Column("id", sa.Integer)).create(engine)
    before = schema_state(engine)
    with pytest.raises(DuplicateObjectError, match="people"):
        users.rename("people")
    assert schema_state(engine) == before
    assert users.name == "users"
