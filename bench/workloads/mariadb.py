"""W4: MariaDB/MySQL (``TEST_MYSQL_URL``), N rows, two column changes in one table.

``a`` INTEGER NOT NULL -> BIGINT NOT NULL, ``b`` VARCHAR(50) NULL -> VARCHAR(100) NOT NULL.
The floor is one ``ALTER TABLE ... MODIFY a ..., MODIFY b ...`` (one table copy).
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa

from workloads.common import (
    ALEMBIC,
    FLOOR,
    HAVE_ALEMBIC,
    OURS,
    RAW,
    Counter,
    Tool,
    Trial,
    Workload,
    alembic_op,
    fingerprint,
)

T = "bench_w4"


def _raw(*statements: str) -> Any:
    def run(trial: Trial) -> None:
        assert trial.engine is not None
        with trial.engine.begin() as c:
            for s in statements:
                c.exec_driver_sql(s)

    return run


def ours_legacy(trial: Trial) -> None:
    meta = sa.MetaData()
    meta.bind = trial.engine  # type: ignore[attr-defined]
    t = sa.Table(
        T,
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Integer, nullable=False),
        sa.Column("b", sa.String(50)),
    )
    t.c.a.alter(type=sa.BigInteger())  # type: ignore[attr-defined]
    t.c.b.alter(type=sa.String(100), nullable=False)  # type: ignore[attr-defined]


def ours_batch(trial: Trial) -> None:
    from migrate.changeset import alter_table

    with alter_table(T, engine=trial.engine) as b:
        b.alter_column("a", type=sa.BigInteger())
        b.alter_column("b", type=sa.String(100), nullable=False)


def alembic_ops(trial: Trial) -> None:
    assert trial.engine is not None
    with trial.engine.begin() as conn:
        op = alembic_op(conn)
        op.alter_column(
            T, "a", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=False
        )
        op.alter_column(
            T,
            "b",
            type_=sa.String(100),
            nullable=False,
            existing_type=sa.String(50),
            existing_nullable=True,
        )


def alembic_batch(trial: Trial) -> None:
    assert trial.engine is not None
    with trial.engine.begin() as conn:
        with alembic_op(conn).batch_alter_table(T) as b:
            b.alter_column(
                "a", type_=sa.BigInteger(), existing_type=sa.Integer(), existing_nullable=False
            )
            b.alter_column(
                "b",
                type_=sa.String(100),
                nullable=False,
                existing_type=sa.String(50),
                existing_nullable=True,
            )


def workloads(rows: int) -> list[Workload]:
    title = f"MariaDB/MySQL {rows:,} rows: two column changes in one table"
    url = os.environ.get("TEST_MYSQL_URL")
    if not url:
        return [Workload("W4", title, [], _none, _none, skip="TEST_MYSQL_URL not set")]
    engine = sa.create_engine(url)
    counter = Counter()
    counter.attach(engine)

    def setup() -> Trial:
        with engine.begin() as c:
            c.exec_driver_sql(f"DROP TABLE IF EXISTS {T}")
            c.exec_driver_sql(
                f"CREATE TABLE {T} (id INTEGER PRIMARY KEY, a INTEGER NOT NULL, "
                "b VARCHAR(50) NULL) ENGINE=InnoDB"
            )
            limit = (
                "max_recursive_iterations" if c.dialect.is_mariadb else ("cte_max_recursion_depth")
            )
            c.exec_driver_sql(f"SET SESSION {limit} = {rows + 10}")
            c.exec_driver_sql(
                f"INSERT INTO {T} WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                "SELECT i + 1 FROM n WHERE i < %s) SELECT i, i %% 1000, CONCAT('b', i) FROM n",
                (rows,),
            )
        return Trial(engine, counter)

    def check(trial: Trial) -> Any:
        with engine.connect() as c:
            return fingerprint(c, [T])

    def teardown(trial: Trial) -> None:
        with engine.begin() as c:
            c.exec_driver_sql(f"DROP TABLE IF EXISTS {T}")

    tools = [
        Tool(
            "raw SQL floor (one ALTER, two MODIFY)",
            FLOOR,
            _raw(f"ALTER TABLE {T} MODIFY a BIGINT NOT NULL, MODIFY b VARCHAR(100) NOT NULL"),
        ),
        Tool(
            "raw SQL, two ALTERs",
            RAW,
            _raw(
                f"ALTER TABLE {T} MODIFY a BIGINT NOT NULL",
                f"ALTER TABLE {T} MODIFY b VARCHAR(100) NOT NULL",
            ),
        ),
        Tool("changeset batch (alter_table)", OURS, ours_batch),
        Tool("changeset Column.alter x2 (legacy)", OURS, ours_legacy),
    ]
    if HAVE_ALEMBIC:
        tools += [
            Tool("alembic op.alter_column x2", ALEMBIC, alembic_ops),
            Tool("alembic batch_alter_table", ALEMBIC, alembic_batch),
        ]
    return [Workload("W4", title, tools, setup, check, teardown)]


def _none(trial: Trial) -> Any:
    return None
