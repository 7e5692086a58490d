"""Dropping a column that indexes and constraints depend on (SPEC §4), every backend.

Indexes on it shrink (composite) or vanish, FK and UNIQUE constraints that mention it
go, in the database and in the Table object; the rows of the other columns stay.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

import migrate  # noqa: F401  (installs the changeset methods)
from tests.support import column_names, rows


def make_orders(engine: sa.Engine) -> tuple[sa.Table, sa.Table]:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    customers = sa.Table(
        "customers",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        mysql_engine="InnoDB",
    )
    orders = sa.Table(
        "orders",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id", name="fk_cust")),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.Integer),
        sa.Index("ix_a", "a"),
        sa.Index("ix_ab", "a", "b"),
        sa.Index("ix_bc", "b", "c"),
        mysql_engine="InnoDB",
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(customers.insert(), [{"id": 1}, {"id": 2}])
        conn.execute(
            orders.insert(),
            [
                {"id": i, "customer_id": 1 + i % 2, "a": i, "b": 10 * i, "c": 100 * i}
                for i in (1, 2)
            ],
        )
    return customers, orders


def indexes(engine: sa.Engine, table: str = "orders") -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes(table)}


def python_indexes(table: sa.Table) -> dict[str, list[str]]:
    return {str(i.name): [c.name for c in i.columns] for i in table.indexes}


def test_indexes_shrink_or_vanish(engine: sa.Engine) -> None:
    _, orders = make_orders(engine)
    orders.c.a.drop()
    found = indexes(engine)
    assert "ix_a" not in found
    assert found["ix_ab"] == ["b"]
    assert found["ix_bc"] == ["b", "c"]
    assert python_indexes(orders) == {"ix_ab": ["b"], "ix_bc": ["b", "c"]}
    assert column_names(engine, "orders") == ["id", "customer_id", "b", "c"]
    assert rows(engine, "orders") == [(1, 2, 10, 100), (2, 1, 20, 200)]


def test_drop_column_with_unique_constraints(engine: sa.Engine, backend_name: str) -> None:
    _, orders = make_orders(engine)
    uq_single = sa.UniqueConstraint("c", name="uq_c")
    uq_multi = sa.UniqueConstraint("b", "c", name="uq_bc")
    for uq in (uq_single, uq_multi):
        orders.append_constraint(uq)
        uq.create()
    orders.drop_column("c")
    insp = sa.inspect(engine)
    assert insp.get_unique_constraints("orders") == []
    assert not [i for i in insp.get_indexes("orders") if i["unique"]]
    assert "ix_bc" in indexes(engine) and indexes(engine)["ix_bc"] == ["b"]
    assert uq_single not in orders.constraints and uq_multi not in orders.constraints
    assert rows(engine, "orders") == [(1, 2, 1, 10), (2, 1, 2, 20)]


# SQLite: by rebuild
def test_drop_column_with_foreign_key(engine: sa.Engine) -> None:
    _, orders = make_orders(engine)
    orders.c.customer_id.drop()
    assert sa.inspect(engine).get_foreign_keys("orders") == []
    assert all("customer_id" not in cols for cols in indexes(engine).values())
    assert column_names(engine, "orders") == ["id", "a", "b", "c"]
    assert not orders.foreign_keys
    assert "customer_id" not in orders.c
    assert rows(engine, "orders") == [(1, 1, 10, 100), (2, 2, 20, 200)]


# SQLite: by rebuild
def test_drop_column_in_composite_foreign_key(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    parent = sa.Table(
        "parent",
        meta,
        sa.Column("x", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("y", sa.Integer, primary_key=True, autoincrement=False),
        mysql_engine="InnoDB",
    )
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("px", sa.Integer),
        sa.Column("py", sa.Integer),
        sa.ForeignKeyConstraint(["px", "py"], ["parent.x", "parent.y"], name="fk_xy"),
        mysql_engine="InnoDB",
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"x": 1, "y": 2}])
        conn.execute(child.insert(), [{"id": 1, "px": 1, "py": 2}])
    child.c.py.drop()
    assert sa.inspect(engine).get_foreign_keys("child") == []
    assert column_names(engine, "child") == ["id", "px"]
    assert rows(engine, "child") == [(1, 1)]
    assert not child.foreign_keys


# SQLite: by rebuild
def test_drop_column_of_composite_primary_key(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    pairs = sa.Table(
        "pairs",
        meta,
        sa.Column("x", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("y", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("v", sa.String(5)),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(pairs.insert(), [{"x": 1, "y": 1, "v": "a"}, {"x": 2, "y": 1, "v": "b"}])
    pairs.c.y.drop()
    assert sa.inspect(engine).get_pk_constraint("pairs")["constrained_columns"] == ["x"]
    assert [c.name for c in pairs.primary_key.columns] == ["x"]
    assert rows(engine, "pairs", order_by="x") == [(1, "a"), (2, "b")]


@pytest.mark.backends("sqlite")
def test_sqlite_index_only_dependencies_need_no_rebuild(engine: sa.Engine, capture: Any) -> None:
    """Only indexes on the column: DROP INDEX, native DROP COLUMN, CREATE the shrunk one."""
    _, orders = make_orders(engine)
    with capture(engine) as sql:
        orders.c.a.drop()
    assert not [s for s in sql if "CREATE TABLE" in s.upper()]
    assert [s for s in sql if "DROP COLUMN" in s.upper()]
    assert indexes(engine) == {"ix_ab": ["b"], "ix_bc": ["b", "c"]}
    assert rows(engine, "orders") == [(1, 2, 10, 100), (2, 1, 20, 200)]


@pytest.mark.backends("sqlite")
def test_sqlite_drop_of_a_column_a_table_check_mentions_rebuilds(engine: sa.Engine) -> None:
    """SQLite's native DROP COLUMN refuses a column any CHECK mentions; the reflected
    CHECK has only its text ("a" quoted), so the planner reads the text."""
    with engine.begin() as c:
        c.exec_driver_sql(
            'CREATE TABLE t (id INTEGER PRIMARY KEY, "a" INTEGER NOT NULL, b INTEGER, '
            'CONSTRAINT "ck_1" CHECK ("a" >= 0), CHECK (b <> 1))'
        )
        c.exec_driver_sql("INSERT INTO t (id, a, b) VALUES (1, 5, 2), (2, 0, NULL)")
    t = sa.Table("t", sa.MetaData(), autoload_with=engine)
    t.c.a.drop(engine=engine)
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == ["id", "b"]
    assert [c["sqltext"] for c in sa.inspect(engine).get_check_constraints("t")] == ["b <> 1"]
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT id, b FROM t ORDER BY id").all() == [(1, 2), (2, None)]
    t = sa.Table("t", sa.MetaData(), autoload_with=engine)
    t.c.b.drop(engine=engine)  # its own CHECK goes with it (a rebuild too)
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == ["id"]
