"""Index.rename and rename_index on every backend (SPEC §4, §8: SQLite and MySQL too)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import rename_index
from migrate.exceptions import DuplicateObjectError, NoSuchObjectError
from tests.support import index_names, make_users, rows, schema_state

USERS = [(i, f"u{i}") for i in (1, 2, 3)]


def indexes(engine: sa.Engine, table: str = "users") -> dict[str, tuple[Any, ...]]:
    return {
        i["name"]: (tuple(i["column_names"]), bool(i["unique"]))
        for i in sa.inspect(engine).get_indexes(table)
        if i["name"]
    }


def test_index_rename_method(engine: sa.Engine) -> None:
    users = make_users(engine)
    index = sa.Index("ix_users_name", users.c.name, unique=True)
    index.create(engine)
    index.rename("ix_users_name2")
    assert index.name == "ix_users_name2"
    assert indexes(engine) == {"ix_users_name2": (("name",), True)}
    assert rows(engine, "users") == USERS
    with pytest.raises(sa.exc.IntegrityError):  # still unique
        with engine.begin() as conn:
            conn.execute(users.insert().values(id=9, name="u1"))


def test_rename_index_by_name_without_table(engine: sa.Engine) -> None:
    users = make_users(engine)
    sa.Index("ix_name_id", users.c.name, users.c.id).create(engine)
    rename_index("ix_name_id", "ix_renamed", engine=engine)
    assert indexes(engine) == {"ix_renamed": (("name", "id"), False)}
    assert rows(engine, "users") == USERS


def test_rename_index_function_with_index_and_table(engine: sa.Engine) -> None:
    users = make_users(engine)
    index = sa.Index("ix_a", users.c.name)
    index.create(engine)
    rename_index(index, "ix_b")
    assert index.name == "ix_b"
    rename_index("ix_b", "ix_c", table=users, engine=engine)
    assert index.name == "ix_c"  # the Table's Index object follows
    rename_index("ix_c", "ix_d", table="users", engine=engine)
    assert index_names(engine, "users") == {"ix_d"}
    assert rows(engine, "users") == USERS


def test_rename_reserved_word_and_mixed_case(engine: sa.Engine) -> None:
    users = make_users(engine)
    index = sa.Index("order", users.c.name)
    index.create(engine)
    index.rename("Select Me")
    assert index_names(engine, "users") == {"Select Me"}


@pytest.mark.backends("sqlite")
def test_sqlite_keeps_partial_index_condition_and_collation(engine: sa.Engine) -> None:
    make_users(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE INDEX ix_p ON users (name COLLATE NOCASE DESC) WHERE id > 1")
    rename_index("ix_p", "ix_q", engine=engine)
    with engine.connect() as conn:
        (sql,) = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'"
        ).one()
    assert sql == 'CREATE INDEX "ix_q" ON "users" (name COLLATE NOCASE DESC) WHERE id > 1'
    assert rows(engine, "users") == USERS


def test_bad_input(engine: sa.Engine) -> None:
    users = make_users(engine)
    sa.Index("ix_one", users.c.name).create(engine)
    sa.Index("ix_two", users.c.id, users.c.name).create(engine)
    before = schema_state(engine)
    with pytest.raises(NoSuchObjectError, match="ix_nope"):
        rename_index("ix_nope", "ix_x", engine=engine)
    with pytest.raises(NoSuchObjectError, match="ix_nope"):
        rename_index("ix_nope", "ix_x", table=users, engine=engine)
    with pytest.raises(DuplicateObjectError, match="ix_two"):
        rename_index("ix_one", "ix_two", table=users, engine=engine)
    assert schema_state(engine) == before
    assert rows(engine, "users") == USERS
