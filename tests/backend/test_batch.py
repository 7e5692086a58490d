"""Batches (SPEC §6): several changes to one table, applied together or not at all."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table
from tests.support import column_names, index_names, make_users, rows, schema_state


def test_nothing_runs_if_the_block_raises(engine: sa.Engine, capture: Any) -> None:
    make_users(engine)
    before = schema_state(engine)
    with capture(engine) as sql, pytest.raises(RuntimeError, match="boom"):
        with alter_table("users", engine=engine) as t:
            t.add_column(sa.Column("email", sa.String(60)))
            raise RuntimeError("boom")
    assert sql == []
    assert schema_state(engine) == before


def test_native_changes_by_name(engine: sa.Engine) -> None:
    make_users(engine)
    with alter_table("users", engine=engine) as t:
        t.add_column(sa.Column("email", sa.String(60), default="e@x"))
        t.add_column(sa.Column("age", sa.Integer))
        t.create_index("ix_users_email", "email")
    assert column_names(engine, "users") == ["id", "name", "email", "age"]
    assert "ix_users_email" in index_names(engine, "users")
    assert rows(engine, "users") == [(i, f"u{i}", "e@x", None) for i in (1, 2, 3)]
    with alter_table("users", engine=engine) as t:
        t.drop_index("ix_users_email")
        t.drop_column("age")
    assert column_names(engine, "users") == ["id", "name", "email"]
    assert "ix_users_email" not in index_names(engine, "users")


@pytest.mark.backends("postgresql", "mysql")
def test_server_batch_is_one_alter_statement(engine: sa.Engine, capture: Any) -> None:
    make_users(engine)
    with capture(engine) as sql:
        with alter_table("users", engine=engine) as t:
            t.add_column(sa.Column("a", sa.Integer))
            t.add_column(sa.Column("b", sa.String(10)))
            t.drop_column("name")
    alters = [s for s in sql if s.upper().startswith("ALTER TABLE")]
    assert len(alters) == 1, alters
    assert column_names(engine, "users") == ["id", "a", "b"]
    assert rows(engine, "users") == [(i, None, None) for i in (1, 2, 3)]


def test_with_table_object_follows(engine: sa.Engine) -> None:
    users = make_users(engine)
    with alter_table(users) as t:
        t.add_column(sa.Column("email", sa.String(60)))
        t.drop_column("name")
    assert list(users.c.keys()) == ["id", "email"]
    assert column_names(engine, "users") == ["id", "email"]
    assert rows(engine, "users") == [(i, None) for i in (1, 2, 3)]


def test_alter_and_rename_columns_with_table_object(engine: sa.Engine) -> None:
    users = make_users(engine)
    with alter_table(users) as t:
        t.alter_column("name", type=sa.String(80), server_default="anon")
        t.rename_column("name", "full_name")
    assert users.c.full_name is users.c.name  # the old key keeps resolving
    assert isinstance(users.c.full_name.type, sa.String) and users.c.full_name.type.length == 80
    info = {c["name"]: c for c in sa.inspect(engine).get_columns("users")}
    assert list(info) == ["id", "full_name"]
    assert "anon" in str(info["full_name"]["default"])
    assert info["full_name"]["type"].length == 80
    assert rows(engine, "users") == [(i, f"u{i}") for i in (1, 2, 3)]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (id) VALUES (9)"))
    assert rows(engine, "users")[-1] == (9, "anon")


def _indexed(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        "ix_t",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer),
        sa.Index("ix_a", "a"),
        sa.Index("ix_ab", "a", "b"),
    )
    meta.create_all(engine)
    with engine.begin() as c:
        c.execute(t.insert(), [{"id": i, "a": i * 10, "b": i * 100} for i in (1, 2)])


def test_drop_index_then_its_column_in_one_batch(engine: sa.Engine) -> None:
    """Found by the property tests: SQLite dropped the index a second time."""
    _indexed(engine)
    with alter_table("ix_t", engine=engine) as t:
        t.drop_index("ix_a")
        t.drop_index("ix_ab")
        t.drop_column("a")
    assert column_names(engine, "ix_t") == ["id", "b"]
    # the composite index was dropped by the batch: not re-created on the rest of it
    assert index_names(engine, "ix_t") == set()
    assert rows(engine, "ix_t") == [(1, 100), (2, 200)]


def test_rename_then_drop_an_indexed_column_in_one_batch(engine: sa.Engine) -> None:
    _indexed(engine)
    with alter_table("ix_t", engine=engine) as t:
        t.rename_column("a", "a2")
        t.drop_column("a2")
    assert column_names(engine, "ix_t") == ["id", "b"]
    assert index_names(engine, "ix_t") <= {"ix_ab"}
    assert rows(engine, "ix_t") == [(1, 100), (2, 200)]
