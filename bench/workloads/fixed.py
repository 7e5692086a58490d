"""W6: fixed cost per operation: N small tables (10 rows each), one ADD COLUMN per table and
one column rename per table by table name (the function-style alter that reflects).

Every tool runs all 2N operations in one transaction on one connection (as an Alembic
migration does), except the ``engine=`` row (a legacy script with bound metadata: one
transaction per operation). SQLite always (a file database); PostgreSQL when
``TEST_PG_URL`` is set (key W6-pg). The notes give the overhead per operation over the
floor's per-statement time.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from workloads.common import (
    ALEMBIC,
    FLOOR,
    HAVE_ALEMBIC,
    OURS,
    Counter,
    Tool,
    Trial,
    Workload,
    alembic_op,
    fingerprint,
)


def _declared(n: int) -> list[sa.Table]:
    meta = sa.MetaData()
    return [
        sa.Table(
            f"w6_{k}",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("c", sa.String(20)),
        )
        for k in range(n)
    ]


def floor(trial: Trial) -> None:
    assert trial.engine is not None
    with trial.engine.begin() as c:
        if c.dialect.name == "sqlite":
            c.exec_driver_sql("BEGIN")
        for k in range(trial.data["n"]):
            c.exec_driver_sql(f"ALTER TABLE w6_{k} ADD COLUMN x INTEGER")
            c.exec_driver_sql(f"ALTER TABLE w6_{k} RENAME COLUMN c TO c2")


def ours_connection(trial: Trial) -> None:
    from migrate.changeset import alter_column

    assert trial.engine is not None
    with trial.engine.begin() as c:
        for k, t in enumerate(trial.data["tables"]):
            sa.Column("x", sa.Integer).create(t, connection=c)  # type: ignore[attr-defined]
            alter_column("c", table=f"w6_{k}", connection=c, name="c2")


def ours_engine(trial: Trial) -> None:
    from migrate.changeset import alter_column

    for k, t in enumerate(trial.data["tables"]):
        sa.Column("x", sa.Integer).create(t, engine=trial.engine)  # type: ignore[attr-defined]
        alter_column("c", table=f"w6_{k}", engine=trial.engine, name="c2")


def ours_batch(trial: Trial) -> None:
    from migrate.changeset import alter_table

    assert trial.engine is not None
    with trial.engine.begin() as c:
        for k in range(trial.data["n"]):
            with alter_table(f"w6_{k}", connection=c) as b:
                b.add_column(sa.Column("x", sa.Integer))
                b.rename_column("c", "c2")


def alembic_ops(trial: Trial) -> None:
    assert trial.engine is not None
    with trial.engine.begin() as c:
        op = alembic_op(c)
        for k in range(trial.data["n"]):
            op.add_column(f"w6_{k}", sa.Column("x", sa.Integer))
            op.alter_column(f"w6_{k}", "c", new_column_name="c2")


def _workload(key: str, title: str, n: int, make_engine: Any, cleanup: Any) -> Workload:
    def setup() -> Trial:
        engine = make_engine()
        with engine.begin() as c:
            for t in _declared(n):
                t.drop(c, checkfirst=True)
                t.create(c)
                c.execute(t.insert(), [{"id": i, "c": f"v{i}"} for i in range(10)])
        counter = Counter()
        counter.attach(engine)
        return Trial(engine, counter, {"n": n, "tables": _declared(n)})

    def check(trial: Trial) -> Any:
        assert trial.engine is not None
        with trial.engine.connect() as c:
            return fingerprint(c, [f"w6_{k}" for k in range(n)])

    tools = [
        Tool("raw SQL floor (2 ALTERs per table, one transaction)", FLOOR, floor, ops=2 * n),
        Tool("changeset legacy, connection= (one transaction)", OURS, ours_connection, ops=2 * n),
        Tool("changeset legacy, engine= (transaction per op)", OURS, ours_engine, ops=2 * n),
        Tool("changeset batch per table, connection=", OURS, ours_batch, ops=2 * n),
    ]
    if HAVE_ALEMBIC:
        tools.append(Tool("alembic op.* (one transaction)", ALEMBIC, alembic_ops, ops=2 * n))
    return Workload(key, title, tools, setup, check, cleanup, per_op_notes=True)


def workloads(n: int) -> list[Workload]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-w6-"))
    atexit.register(shutil.rmtree, tmp, True)
    count = {"i": 0}

    def sqlite_engine() -> sa.Engine:
        count["i"] += 1
        return sa.create_engine(f"sqlite:///{tmp}/w6_{count['i']}.db")

    def sqlite_cleanup(trial: Trial) -> None:
        assert trial.engine is not None
        trial.engine.dispose()
        Path(str(trial.engine.url.database)).unlink(missing_ok=True)

    found = [
        _workload(
            "W6",
            f"SQLite: {n} small tables, add a column + rename a column by table name in each",
            n,
            sqlite_engine,
            sqlite_cleanup,
        )
    ]
    url = os.environ.get("TEST_PG_URL")
    title = f"PostgreSQL: {n} small tables, add a column + rename a column by table name"
    if not url:
        found.append(Workload("W6-pg", title, [], _none, _none, skip="TEST_PG_URL not set"))
        return found
    pg = sa.create_engine(url)

    def pg_cleanup(trial: Trial) -> None:
        with pg.begin() as c:
            for k in range(n):
                c.exec_driver_sql(f"DROP TABLE IF EXISTS w6_{k}")

    found.append(_workload("W6-pg", title, n, lambda: pg, pg_cleanup))
    return found


def _none(trial: Trial) -> Any:
    return None
