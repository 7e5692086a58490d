"""Concurrency: threads changing different tables, each in its own ``bind()`` block.

* PostgreSQL: two threads, each with its own Connection bound by ``migrate.changeset.bind``,
  interleaved by a barrier: every statement a thread sends goes to its own connection and
  names only its own table; both end with exactly their own changes.
* SQLite (one file): the same with two engines; SQLite serialises writers, so each
  operation either succeeds or fails with a clear "database is locked" error, and the
  schema in the end is exactly the operations that succeeded (nothing half-done).
* SQLite: a change while another connection holds a read transaction fails with
  "database is locked" (short busy timeout), leaves schema, rows and the caller's Table as
  they were, and works once the reader is gone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

import migrate.changeset as cs
from migrate.changeset import alter_table
from tests.support import split_statements

STEPS = 6
# Margins for a loaded machine (checked at load 6-10 on 2 cores): a step takes well under
# a second; the barrier and join only bound a hang.
BARRIER_TIMEOUT = 120
JOIN_TIMEOUT = 600


def make_table(engine: sa.Engine, name: str) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        name,
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("v", sa.String(20)),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "v": f"{name}{i}"} for i in range(1, 4)])


def step_ops(name: str, i: int) -> list[Callable[[], None]]:
    """Operation ``i`` of a thread working on table ``name`` (bind from the context)."""

    def add() -> None:
        meta = sa.MetaData()
        table = sa.Table(name, meta, autoload_with=cs.binding.current())  # type: ignore[arg-type]
        sa.Column(f"c{i}", sa.Integer, server_default=str(i)).create(table)

    def index() -> None:
        with alter_table(name) as t:
            t.create_index(f"ix_{name}_{i}", f"c{i}")

    return [add, index]


def expected_columns(done: list[int]) -> list[str]:
    return ["id", "v", *(f"c{i}" for i in done)]


def columns(engine: sa.Engine, name: str) -> list[str]:
    return [c["name"] for c in sa.inspect(engine).get_columns(name)]


def rows(engine: sa.Engine, name: str) -> list[tuple[Any, ...]]:
    t = sa.Table(name, sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        return [tuple(r)[:2] for r in conn.execute(sa.select(t).order_by(t.c.id))]


@pytest.mark.backends("postgresql")
def test_two_threads_two_tables_postgresql(engine: sa.Engine) -> None:
    for name in ("ta", "tb"):
        make_table(engine, name)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    seen: dict[str, list[str]] = {"ta": [], "tb": []}

    def worker(name: str) -> None:
        try:
            with engine.connect() as conn:

                @event.listens_for(conn, "before_cursor_execute")
                def record(c: Any, cursor: Any, statement: str, *a: Any) -> None:
                    seen[name].extend(split_statements(c, statement))

                with cs.bind(conn):
                    for i in range(STEPS):
                        barrier.wait(timeout=BARRIER_TIMEOUT)
                        assert cs.binding.current() is conn
                        for op in step_ops(name, i):
                            op()
                conn.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("ta", "tb")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), f"a worker still runs after {JOIN_TIMEOUT}s"
    assert not errors, errors
    for name, other in (("ta", "tb"), ("tb", "ta")):
        assert columns(engine, name) == expected_columns(list(range(STEPS)))
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes(name)}
        assert indexes == {f"ix_{name}_{i}" for i in range(STEPS)}
        assert rows(engine, name) == [(i, f"{name}{i}") for i in range(1, 4)]
        ddl = [s for s in seen[name] if s.lstrip().upper().startswith(("ALTER", "CREATE"))]
        assert len(ddl) == 2 * STEPS
        assert not any(f'"{other}"' in s or f" {other} " in f" {s} " for s in ddl), ddl


@pytest.mark.backends("sqlite")
def test_two_threads_two_tables_sqlite_file(engine: sa.Engine, tmp_path: Path) -> None:
    url = str(engine.url)
    for name in ("ta", "tb"):
        make_table(engine, name)
    done: dict[str, list[int]] = {"ta": [], "tb": []}
    locked: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(name: str) -> None:
        own = sa.create_engine(url, connect_args={"timeout": 0.5})
        try:
            with cs.bind(own):
                for i in range(STEPS):
                    barrier.wait(timeout=BARRIER_TIMEOUT)
                    assert cs.binding.current() is own
                    add, index = step_ops(name, i)
                    try:
                        add()
                    except sa.exc.OperationalError as exc:
                        assert "database is locked" in str(exc)
                        locked.append(f"{name}:{i}")
                        continue
                    index_done = False
                    while not index_done:  # retry: the column exists, its index must follow
                        try:
                            index()
                            index_done = True
                        except sa.exc.OperationalError as exc:
                            assert "database is locked" in str(exc)
                            locked.append(f"{name}:{i}:ix")
                    done[name].append(i)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
            barrier.abort()
        finally:
            own.dispose()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("ta", "tb")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), f"a worker still runs after {JOIN_TIMEOUT}s"
    assert not errors, errors
    for name in ("ta", "tb"):
        assert columns(engine, name) == expected_columns(done[name])
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes(name)}
        assert indexes == {f"ix_{name}_{i}" for i in done[name]}
        assert rows(engine, name) == [(i, f"{name}{i}") for i in range(1, 4)]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("operation", ["add_column", "batch_rebuild", "rename_table"])
def test_sqlite_change_while_another_connection_reads(engine: sa.Engine, operation: str) -> None:
    make_table(engine, "t")
    url = str(engine.url)
    writer = sa.create_engine(url, connect_args={"timeout": 0.2})
    reader = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table("t", meta, autoload_with=writer)
    before_cols = list(table.c.keys())

    def change() -> None:
        if operation == "add_column":
            sa.Column("extra", sa.Integer, server_default="1").create(table, engine=writer)
        elif operation == "batch_rebuild":
            with alter_table(table, engine=writer) as b:
                b.alter_column("v", type=sa.String(40), nullable=False)
                b.add_constraint(sa.UniqueConstraint("v", name="uq_t_v"))
        else:
            table.rename("t_renamed", engine=writer)

    try:
        with reader.connect() as rconn:
            rconn.exec_driver_sql("BEGIN")
            assert len(rconn.exec_driver_sql("SELECT * FROM t").all()) == 3  # SHARED lock
            with pytest.raises(sa.exc.OperationalError, match="database is locked"):
                change()
            rconn.rollback()
        assert set(sa.inspect(engine).get_table_names()) == {"t"}
        assert columns(engine, "t") == ["id", "v"]
        assert {u["name"] for u in sa.inspect(engine).get_unique_constraints("t")} == set()
        assert rows(engine, "t") == [(i, f"t{i}") for i in range(1, 4)]
        assert list(table.c.keys()) == before_cols and table.name == "t"
        assert "t" in meta.tables
        with engine.connect() as conn:
            leftovers = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE name NOT IN ('t')"
            ).all()
            assert [r[0] for r in leftovers if not r[0].startswith("sqlite_autoindex")] == []
        change()  # the reader is gone: now it works
    finally:
        writer.dispose()
        reader.dispose()
