"""Columns whose ``key=`` differs from their name, on the real databases.

``sa.Column("Name", ..., key="name_key")``: the database knows ``Name``; the planners
must never look it up by the Table's ``.c`` key. Each test checks the schema and the
rows afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table, to_sql
from tests.support import columns, index_names, rows


def make_table(engine: sa.Engine) -> sa.Table:
    meta = sa.MetaData()
    t = sa.Table(
        "kt",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("Name", sa.String(20), key="name_key"),
        sa.Column("Other", sa.Integer, key="other_key"),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            t.insert(),
            [
                {"id": 1, "name_key": "one", "other_key": 10},
                {"id": 2, "name_key": "two", "other_key": None},
            ],
        )
    return t


def run_offline(engine: sa.Engine, operation: Any) -> list[str]:
    """Render ``operation`` with ``to_sql`` for this database, then run the statements."""
    with to_sql(engine.dialect) as statements:
        operation()
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    return statements


def type_text(engine: sa.Engine, column: str) -> str:
    return str(columns(engine, "kt")[column]["type"]).upper()


def test_offline_alter_type_and_nullable(engine: sa.Engine) -> None:
    t = make_table(engine)
    run_offline(engine, lambda: t.c.name_key.alter(type=sa.String(40), nullable=False))
    found = columns(engine, "kt")
    assert list(found) == ["id", "Name", "Other"]
    assert "40" in type_text(engine, "Name") and found["Name"]["nullable"] is False
    assert rows(engine, "kt") == [(1, "one", 10), (2, "two", None)]


def test_offline_rename(engine: sa.Engine) -> None:
    t = make_table(engine)
    run_offline(engine, lambda: t.c.name_key.alter(name="label"))
    assert list(columns(engine, "kt")) == ["id", "label", "Other"]
    assert "20" in type_text(engine, "label")
    assert rows(engine, "kt") == [(1, "one", 10), (2, "two", None)]


def test_offline_batch_alter_and_rename(engine: sa.Engine) -> None:
    t = make_table(engine)

    def batch() -> None:
        with alter_table(t) as b:
            b.alter_column("Other", type=sa.BigInteger)
            b.alter_column("Name", type=sa.String(30))
            b.rename_column("Name", "label")

    run_offline(engine, batch)
    found = columns(engine, "kt")
    assert list(found) == ["id", "label", "Other"]
    assert "30" in type_text(engine, "label") and "BIGINT" in type_text(engine, "Other")
    assert rows(engine, "kt") == [(1, "one", 10), (2, "two", None)]


@pytest.mark.backends("postgresql", "mysql")
def test_offline_add_to_primary_key(engine: sa.Engine) -> None:
    t = make_table(engine)
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == 2).values(other_key=20))
    run_offline(engine, lambda: t.c.other_key.alter(primary_key=True, nullable=False))
    pk = sa.inspect(engine).get_pk_constraint("kt")["constrained_columns"]
    assert pk == ["id", "Other"]
    assert columns(engine, "kt")["Other"]["nullable"] is False
    assert rows(engine, "kt") == [(1, "one", 10), (2, "two", 20)]


@pytest.mark.backends("postgresql", "mysql")
def test_offline_drop_column_of_a_composite_index(engine: sa.Engine) -> None:
    t = make_table(engine)
    with engine.begin() as conn:
        sa.Index("ix_comp", t.c.name_key, t.c.other_key).create(conn)
    run_offline(engine, lambda: t.c.other_key.drop())
    assert list(columns(engine, "kt")) == ["id", "Name"]
    indexes = {i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes("kt")}
    assert indexes == {"ix_comp": ["Name"]}
    assert rows(engine, "kt") == [(1, "one"), (2, "two")]


def test_add_keyed_column_filled_from_a_sql_default(engine: sa.Engine) -> None:
    t = make_table(engine)
    col = sa.Column("Flag", sa.Integer, key="flag_key", default=sa.text("7"), nullable=False)
    col.create(t, engine=engine)
    found = columns(engine, "kt")
    assert list(found) == ["id", "Name", "Other", "Flag"]
    assert found["Flag"]["nullable"] is False
    assert rows(engine, "kt") == [(1, "one", 10, 7), (2, "two", None, 7)]


def test_batch_adds_a_keyed_column_then_indexes_and_alters_it(engine: sa.Engine) -> None:
    make_table(engine)
    with alter_table("kt", engine=engine) as b:
        b.add_column(sa.Column("Flag", sa.Integer, key="flag_key", default=sa.text("3")))
        b.create_index("ix_flag", "Flag")
        b.alter_column("Flag", type=sa.BigInteger, nullable=False)
    found = columns(engine, "kt")
    assert list(found) == ["id", "Name", "Other", "Flag"]
    assert found["Flag"]["nullable"] is False and "BIGINT" in type_text(engine, "Flag")
    assert "ix_flag" in index_names(engine, "kt")
    assert rows(engine, "kt") == [(1, "one", 10, 3), (2, "two", None, 3)]


@pytest.mark.backends("postgresql", "mysql")
def test_offline_unique_and_foreign_key_to_keyed_columns(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    parent = sa.Table(
        "kp", meta, sa.Column("ID", sa.Integer, primary_key=True, autoincrement=False, key="pid")
    )
    t = sa.Table(
        "kt",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("Name", sa.String(20), key="name_key"),
        sa.Column("Ref", sa.Integer, key="ref_key"),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"pid": 5}])
        conn.execute(t.insert(), [{"id": 1, "name_key": "a", "ref_key": 5}])

    def batch() -> None:
        with alter_table(t) as b:
            b.add_constraint(sa.UniqueConstraint("Name", name="uq_kt_name"))
            b.add_constraint(sa.ForeignKeyConstraint(["Ref"], [parent.c.pid], name="fk_kt_ref"))

    run_offline(engine, batch)
    insp = sa.inspect(engine)
    fks = [(f["constrained_columns"], f["referred_columns"]) for f in insp.get_foreign_keys("kt")]
    assert fks == [(["Ref"], ["ID"])]
    uniques = {u["name"]: u["column_names"] for u in insp.get_unique_constraints("kt")}
    assert uniques.get("uq_kt_name") == ["Name"]
    assert rows(engine, "kt") == [(1, "a", 5)]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 2, "name_key": "b", "ref_key": 6}])


def test_batch_on_the_callers_table_follows_keyed_columns(engine: sa.Engine) -> None:
    """After the batch the caller's Table matches the database: found by name, not key."""
    t = make_table(engine)
    name_col = t.c.name_key
    with alter_table(t, engine=engine) as b:
        b.alter_column("Other", type=sa.BigInteger, server_default="0")
        b.rename_column("Name", "label")
        b.create_index("ix_kt_label", "label")
    assert list(columns(engine, "kt")) == ["id", "label", "Other"]
    assert "ix_kt_label" in index_names(engine, "kt")
    assert rows(engine, "kt") == [(1, "one", 10), (2, "two", None)]
    # the Table object: same Column objects, new name, new type, the index on them
    assert name_col.name == "label" and t.c.name_key is name_col
    assert isinstance(t.c.other_key.type, sa.BigInteger)
    assert t.c.other_key.server_default is not None
    (index,) = [i for i in t.indexes if i.name == "ix_kt_label"]
    assert list(index.columns) == [name_col]
