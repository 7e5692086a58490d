"""The test harness itself, on every configured backend (see tests/conftest.py)."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

Capture = Callable[[Engine | Connection], AbstractContextManager[list[str]]]


def _table(meta: sa.MetaData, name: str = "t", schema: str | None = None) -> sa.Table:
    return sa.Table(
        name,
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column("day", sa.Date),
        schema=schema,
    )


def test_backend_name_matches_dialect(engine: Engine, backend_name: str) -> None:
    assert engine.dialect.name == backend_name


def test_create_insert_select_round_trip(engine: Engine) -> None:
    meta = sa.MetaData()
    t = _table(meta)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            t.insert(),
            [
                {"id": 1, "name": "ünïcode ✓", "amount": decimal.Decimal("12.50"), "day": None},
                {"id": 2, "name": "two", "amount": None, "day": datetime.date(2024, 2, 29)},
            ],
        )
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t).order_by(t.c.id)).all()
    assert [tuple(r) for r in rows] == [
        (1, "ünïcode ✓", decimal.Decimal("12.50"), None),
        (2, "two", None, datetime.date(2024, 2, 29)),
    ]


def test_reflection_sees_created_table(engine: Engine) -> None:
    meta = sa.MetaData()
    _table(meta).create(engine)
    inspector = sa.inspect(engine)
    assert inspector.get_table_names() == ["t"]
    assert [c["name"] for c in inspector.get_columns("t")] == ["id", "name", "amount", "day"]


def test_other_schema_exists_and_is_separate(engine: Engine, other_schema: str) -> None:
    meta = sa.MetaData()
    t = _table(meta, schema=other_schema)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert().values(id=7, name="elsewhere"))
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.c.name)).scalar_one() == "elsewhere"
    inspector = sa.inspect(engine)
    assert inspector.get_table_names(schema=other_schema) == ["t"]
    assert inspector.get_table_names() == []


# The next two tests run in file order: the first leaves tables behind in both schemas, the
# second (on the same backend) must not see them.


def test_leave_tables_behind(engine: Engine, other_schema: str) -> None:
    meta = sa.MetaData()
    _table(meta, name="t")
    _table(meta, name="leftover", schema=other_schema)
    meta.create_all(engine)
    # Also leave data and an uncommitted-looking state: a row inserted and committed.
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, name) VALUES (1, 'x')"))
    assert sa.inspect(engine).has_table("t")


def test_database_starts_empty(engine: Engine, other_schema: str) -> None:
    inspector = sa.inspect(engine)
    assert not inspector.has_table("t")
    assert inspector.get_table_names() == []
    assert inspector.get_table_names(schema=other_schema) == []
    # And "t" can be created again with a different shape.
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (other_col INTEGER)"))
        conn.execute(sa.text("INSERT INTO t (other_col) VALUES (5)"))
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT other_col FROM t")).scalar_one() == 5


def test_same_query_after_table_changes_shape(engine: Engine) -> None:
    # One statement run often enough for psycopg 3 to prepare it server-side, then the table
    # changes shape: pooled connections must not serve a stale plan (checked: psycopg copes
    # with its default prepare_threshold, so the harness leaves it alone).
    query = sa.text("SELECT * FROM shape WHERE a = :a")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE shape (a INTEGER)"))
        conn.execute(sa.text("INSERT INTO shape (a) VALUES (1)"))
    with engine.connect() as conn:
        for _ in range(8):
            assert conn.execute(query, {"a": 1}).all() == [(1,)]
        conn.commit()
        conn.execute(sa.text("ALTER TABLE shape ADD COLUMN b INTEGER"))
        conn.commit()
        assert conn.execute(query, {"a": 1}).all() == [(1, None)]
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE shape"))
        conn.execute(sa.text("CREATE TABLE shape (a INTEGER, b INTEGER, c INTEGER)"))
        conn.execute(sa.text("INSERT INTO shape (a, b, c) VALUES (1, 2, 3)"))
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.execute(query, {"a": 1}).all() == [(1, 2, 3)]


def test_capture_records_statements(engine: Engine, capture: Capture) -> None:
    meta = sa.MetaData()
    t = _table(meta)
    with capture(engine) as sql:
        meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(t.insert().values(id=1, name="a"))
    creates = [s for s in sql if s.lstrip().upper().startswith("CREATE TABLE")]
    inserts = [s for s in sql if s.lstrip().upper().startswith("INSERT INTO")]
    assert len(creates) == 1 and "t" in creates[0]
    assert len(inserts) == 1
    # The listener is gone after the block.
    with engine.connect() as conn:
        conn.execute(sa.select(t))
    assert not any(s.lstrip().upper().startswith("SELECT") and "amount" in s for s in sql)


def test_capture_on_a_connection(engine: Engine, capture: Capture) -> None:
    with engine.connect() as conn:
        with capture(conn) as sql:
            conn.execute(sa.text("SELECT 1"))
        conn.execute(sa.text("SELECT 2"))
    assert sql == ["SELECT 1"]


@pytest.mark.requires("transactional_ddl")
def test_requires_marker_runs_where_capable(engine: Engine, backend_name: str) -> None:
    assert backend_name in ("sqlite", "postgresql")
    with engine.connect() as conn:
        if backend_name == "sqlite":
            # pysqlite does not BEGIN before DDL by itself (SPEC §10).
            conn.exec_driver_sql("BEGIN")
        conn.execute(sa.text("CREATE TABLE rolled_back (a INTEGER)"))
        conn.rollback()
    assert not sa.inspect(engine).has_table("rolled_back")


@pytest.mark.backends("postgresql")
def test_backends_marker_limits_parametrisation(backend_name: str) -> None:
    assert backend_name == "postgresql"
