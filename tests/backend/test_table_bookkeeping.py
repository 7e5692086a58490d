"""The caller's Table after renames and drops: old keys of a renamed column resolve to it
until the column is dropped, then nothing resolves to it (every backend).

Each step checks the Table object, the database's columns and the rows.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import ColumnDelta, alter_table
from migrate.exceptions import Error
from tests.support import column_names, make_users, rows, table_names

ROWS = [(i, f"u{i}") for i in (1, 2, 3)]


def assert_gone(table: sa.Table, *keys: str) -> None:
    for key in keys:
        assert key not in table.c, key
        assert table.c.get(key) is None, key
        with pytest.raises(AttributeError):
            getattr(table.c, key)


def test_drop_of_renamed_column_forgets_its_old_key(engine: sa.Engine) -> None:
    users = make_users(engine)
    extra = sa.Column("extra", sa.String(20))
    extra.create(users)
    users.c.extra.alter(name="extra2")
    assert users.c.extra2 is extra and users.c.extra is extra
    assert list(users.c.keys()) == ["id", "name", "extra2"]
    assert column_names(engine, "users") == ["id", "name", "extra2"]
    assert rows(engine, "users") == [(*r, None) for r in ROWS]

    users.c.extra2.drop()
    assert_gone(users, "extra", "extra2")
    assert list(users.c.keys()) == ["id", "name"] and len(users.c) == 2
    assert extra not in set(users.c)
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == ROWS
    # the Table still works for SQL, and a new column may take either name
    with engine.connect() as conn:
        assert conn.execute(sa.select(users)).all() == ROWS
    again = sa.Column("extra", sa.Integer, default=4)
    again.create(users)
    assert users.c.extra is again
    assert_gone(users, "extra2")
    assert column_names(engine, "users") == ["id", "name", "extra"]
    assert rows(engine, "users") == [(*r, 4) for r in ROWS]


def test_rename_chain_then_drop(engine: sa.Engine) -> None:
    users = make_users(engine)
    a = sa.Column("a", sa.Integer, default=7)
    a.create(users)
    a.alter(name="b")
    assert column_names(engine, "users") == ["id", "name", "b"]
    users.c.b.alter(name="c")
    assert users.c.a is a and users.c.b is a and users.c.c is a
    assert a.name == "c" and a.key == "c"
    assert list(users.c.keys()) == ["id", "name", "c"]
    assert column_names(engine, "users") == ["id", "name", "c"]
    assert rows(engine, "users") == [(*r, 7) for r in ROWS]
    with engine.connect() as conn:
        assert conn.execute(sa.select(users.c.a).where(users.c.id == 1)).scalar() == 7

    users.c.a.drop()  # by an old key: the column itself
    assert_gone(users, "a", "b", "c")
    assert list(users.c.keys()) == ["id", "name"]
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == ROWS


def test_rename_back_to_an_old_name_then_drop(engine: sa.Engine) -> None:
    users = make_users(engine)
    a = sa.Column("a", sa.Integer)
    a.create(users)
    a.alter(name="b")
    a.alter(name="a")
    assert users.c.a is a and users.c.b is a
    assert list(users.c.keys()) == ["id", "name", "a"]
    assert column_names(engine, "users") == ["id", "name", "a"]
    a.drop()
    assert_gone(users, "a", "b")
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == ROWS


def test_drop_keeps_aliases_of_other_columns(engine: sa.Engine) -> None:
    users = make_users(engine)
    a, b = sa.Column("a", sa.Integer), sa.Column("b", sa.Integer)
    a.create(users)
    b.create(users)
    a.alter(name="a2")
    b.alter(name="b2")
    users.c.a2.drop()
    assert_gone(users, "a", "a2")
    assert users.c.b is b and users.c.b2 is b
    assert list(users.c.keys()) == ["id", "name", "b2"]
    assert column_names(engine, "users") == ["id", "name", "b2"]
    assert rows(engine, "users") == [(*r, None) for r in ROWS]


def test_table_rename_keeps_aliases_until_the_drop(engine: sa.Engine) -> None:
    users = make_users(engine)
    meta = users.metadata
    extra = sa.Column("extra", sa.String(20))
    extra.create(users)
    extra.alter(name="extra2")
    users.rename("people")
    assert table_names(engine) == {"people"} and list(meta.tables) == ["people"]
    assert users.c.extra is extra and users.c.extra2 is extra
    assert column_names(engine, "people") == ["id", "name", "extra2"]
    users.c.extra.alter(name="extra3")
    assert users.c.extra is extra and users.c.extra2 is extra and users.c.extra3 is extra
    assert column_names(engine, "people") == ["id", "name", "extra3"]

    users.c.extra3.drop()
    assert_gone(users, "extra", "extra2", "extra3")
    assert meta.tables["people"] is users and list(users.c.keys()) == ["id", "name"]
    assert column_names(engine, "people") == ["id", "name"]
    assert rows(engine, "people") == ROWS


def test_batch_rename_then_drop(engine: sa.Engine) -> None:
    users = make_users(engine)
    extra = sa.Column("extra", sa.String(20))
    extra.create(users)
    with alter_table(users) as b:
        b.rename_column("extra", "extra2")
    assert users.c.extra is extra and users.c.extra2 is extra
    assert column_names(engine, "users") == ["id", "name", "extra2"]
    with alter_table(users) as b:
        b.drop_column("extra2")
    assert_gone(users, "extra", "extra2")
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == ROWS

    # rename and drop in one batch
    other = sa.Column("other", sa.Integer)
    other.create(users)
    with alter_table(users) as b:
        b.rename_column("other", "other2")
        b.drop_column("other2")
    assert_gone(users, "other", "other2")
    assert list(users.c.keys()) == ["id", "name"]
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == ROWS


def test_failed_drop_keeps_the_aliases(engine: sa.Engine) -> None:
    users = make_users(engine)
    extra = sa.Column("extra", sa.String(20))
    extra.create(users)
    extra.alter(name="extra2")
    with engine.begin() as conn:  # behind the Table's back
        conn.execute(sa.text("ALTER TABLE users DROP COLUMN extra2"))
    with pytest.raises((Error, sa.exc.DBAPIError)):
        extra.drop()
    assert users.c.extra is extra and users.c.extra2 is extra
    assert list(users.c.keys()) == ["id", "name", "extra2"]
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == ROWS


def test_failed_alter_leaves_the_column_and_table_unchanged(engine: sa.Engine) -> None:
    users = make_users(engine)
    note = sa.Column("note", sa.String(20), server_default="x", default="d")
    note.create(users)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET note = NULL WHERE id = 2"))
    before = (note.type, note.nullable, note.server_default, note.default, note.name, note.key)
    with pytest.raises((Error, sa.exc.DBAPIError)):  # NULL in a row: NOT NULL refused
        note.alter(name="note2", type=sa.String(30), nullable=False, server_default="y")
    assert (note.type, note.nullable, note.server_default, note.default, note.name) == before[:5]
    assert note.key == "note" and note.type.length == 20  # type: ignore[attr-defined]
    assert list(users.c.keys()) == ["id", "name", "note"] and users.c.note is note
    assert_gone(users, "note2")
    assert column_names(engine, "users") == ["id", "name", "note"]
    assert rows(engine, "users") == [(1, "u1", "x"), (2, "u2", None), (3, "u3", "x")]


def test_successful_alter_returns_a_delta_on_the_column_itself(engine: sa.Engine) -> None:
    users = make_users(engine)
    note = sa.Column("note", sa.String(20))
    note.create(users)
    delta = note.alter("note2", sa.String(30), sa.DefaultClause("z"))
    assert delta.result_column is note and delta.column is note and delta.alter_metadata
    assert delta.current_name == "note"
    assert set(delta.keys()) == {"name", "type", "server_default"}
    assert delta["name"] == "note2" and delta["type"] is note.type
    assert note.type.length == 30 and note.server_default.arg == "z"  # type: ignore[attr-defined]
    assert users.c.note2 is note and users.c.note is note
    assert column_names(engine, "users") == ["id", "name", "note2"]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (id, name) VALUES (4, 'u4')"))
    assert rows(engine, "users") == [*[(*r, None) for r in ROWS], (4, "u4", "z")]
    # a standalone ColumnDelta still works on a copy
    copy_delta = ColumnDelta(note, type=sa.String(40))
    assert copy_delta.result_column is not note and note.type.length == 30  # type: ignore[attr-defined]
    assert copy_delta.result_column.type.length == 40  # type: ignore[attr-defined]
