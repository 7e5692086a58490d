"""Offline SQL (``to_sql``) keeps the caller's Table as online runs do: a renamed column's
old keys resolve to it until it is dropped, then nothing does."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table, to_sql

DIALECTS = ["sqlite", "postgresql", "mysql"]


def users() -> sa.Table:
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50)),
    )


def assert_gone(table: sa.Table, *keys: str) -> None:
    for key in keys:
        assert key not in table.c, key
        assert table.c.get(key) is None, key


@pytest.mark.parametrize("dialect", DIALECTS)
def test_rename_then_drop_forgets_old_key(dialect: str) -> None:
    t = users()
    with to_sql(dialect) as out:
        sa.Column("extra", sa.String(20)).create(t)
        t.c.extra.alter(name="extra2")
        assert t.c.extra is t.c.extra2
        t.c.extra2.drop()
    assert_gone(t, "extra", "extra2")
    assert list(t.c.keys()) == ["id", "name"]
    assert len(out) == 3 and "DROP COLUMN extra2" in out[-1]


def test_w5_sequence_renders_the_same_and_leaves_no_alias() -> None:
    """The bench's W5 operations, table by table."""
    t = users()
    with to_sql("postgresql") as out:
        sa.Column("extra", sa.String(20)).create(t)
        t.c.name.alter(type=sa.String(100), nullable=False)
        t.c.extra.alter(name="extra2")
        t.c.extra2.drop()
    assert out == [
        "ALTER TABLE users ADD COLUMN extra VARCHAR(20);",
        "ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(100), ALTER COLUMN name SET NOT NULL;",
        "ALTER TABLE users RENAME COLUMN extra TO extra2;",
        "ALTER TABLE users DROP COLUMN extra2;",
    ]
    assert_gone(t, "extra", "extra2")
    assert list(t.c.keys()) == ["id", "name"]
    assert isinstance(t.c.name.type, sa.String) and t.c.name.type.length == 100
    assert t.c.name.nullable is False


@pytest.mark.parametrize("dialect", DIALECTS)
def test_rename_chain_and_table_rename_then_drop(dialect: str) -> None:
    t = users()
    meta = t.metadata
    with to_sql(dialect) as out:
        a = sa.Column("a", sa.Integer)
        a.create(t)
        a.alter(name="b")
        t.rename("people")
        t.c.b.alter(name="c")
        assert t.c.a is a and t.c.b is a and t.c.c is a
        assert list(t.c.keys()) == ["id", "name", "c"]
        assert list(meta.tables) == ["people"]
        t.c.a.drop()
    assert len(out) == 5
    assert_gone(t, "a", "b", "c")
    assert list(t.c.keys()) == ["id", "name"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_batch_rename_and_drop(dialect: str) -> None:
    t = users()
    with to_sql(dialect):
        with alter_table(t) as b:
            b.add_column(sa.Column("extra", sa.String(20)))
            b.rename_column("extra", "extra2")
        assert t.c.extra is t.c.extra2
        with alter_table(t) as b:
            b.drop_column("extra2")
    assert_gone(t, "extra", "extra2")
    assert list(t.c.keys()) == ["id", "name"]


RENAMES = [
    [("b", "c")],  # plain
    [("b", "c"), ("c", "b")],  # back to the old name: its alias is taken over
    [("b", "c"), ("c", "d"), ("a", "b")],  # another column takes an old alias's name
    [("k", "x")],  # a keyed column (key "k", name "kn"): only its name changes
    [("b", "kn")],  # to the name of another column (keyed)
    [("b", "k")],  # to the key of another column
]


@pytest.mark.parametrize("renames", RENAMES)
def test_renaming_one_entry_leaves_the_collection_as_rekeying_all(
    renames: list[tuple[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``_tables.rename_column`` re-keys just the renamed column's entry when it can; the
    table's column collection ends exactly as re-keying every entry leaves it."""
    from migrate.changeset import _tables

    def run() -> list[tuple[object, ...]]:
        t = sa.Table(
            "t",
            sa.MetaData(),
            sa.Column("a", sa.Integer),
            sa.Column("b", sa.Integer),
            sa.Column("kn", sa.Integer, key="k"),
            sa.Index("ix", "b"),
        )
        origin = {id(c): c.key for c in t.c}  # names each column across the two runs
        states: list[tuple[object, ...]] = []
        for old, new in renames:
            _tables.rename_column(t, t.c[old], new)
            coll: Any = t._columns
            states.append(
                (
                    [(k, origin[id(c)]) for k, c, _ in coll._collection],
                    sorted((str(k), v[0], origin[id(v[1])]) for k, v in coll._index.items()),
                    [(c.key, c.name) for c in t.c],
                    [[c.name for c in index.columns] for index in t.indexes],
                )
            )
        return states

    fast = run()
    monkeypatch.setattr(_tables, "_rekey_one", lambda *a: False)
    assert fast == run()
