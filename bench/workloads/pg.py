"""W2 and W3 on PostgreSQL (``TEST_PG_URL``).

W2: N rows, add a NOT NULL column with a constant (Python) default. The floor is
``ADD COLUMN ... DEFAULT 0 NOT NULL`` + ``DROP DEFAULT`` (catalog-only since PG 11); the
old way is ``ADD COLUMN`` + ``UPDATE`` backfill + ``SET NOT NULL``. A rewrite shows as a new
``pg_class.relfilenode``.

W3: N/10 rows, three attribute changes on one column (INTEGER NULL -> BIGINT NOT NULL
DEFAULT 0): the floor is one ``ALTER TABLE`` with three clauses; three separate ALTERs
are the comparison.
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

W2, W3 = "bench_w2", "bench_w3"


def _engine() -> tuple[sa.Engine, Counter]:
    engine = sa.create_engine(os.environ["TEST_PG_URL"])
    counter = Counter()
    counter.attach(engine)
    return engine, counter


def _relfilenode(engine: sa.Engine, table: str) -> int:
    with engine.connect() as c:
        return int(
            c.exec_driver_sql(
                "SELECT relfilenode FROM pg_class WHERE oid = %s::regclass", (table,)
            ).scalar_one()
        )


def _raw(*statements: str) -> Any:
    def run(trial: Trial) -> None:
        assert trial.engine is not None
        with trial.engine.begin() as c:
            for s in statements:
                c.exec_driver_sql(s)

    return run


# ------------------------------------------------------------------------------- W2


def _w2_table() -> sa.Table:
    return sa.Table(
        W2, sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer)
    )


def w2_ours(trial: Trial) -> None:
    """The Table declared where migrate scripts declare it: at module level, when the
    script is imported (``trial.data["table"]``, built in setup)."""
    sa.Column("status", sa.Integer, nullable=False, default=0).create(  # type: ignore[attr-defined]
        trial.data["table"], engine=trial.engine
    )


def w2_ours_declared(trial: Trial) -> None:
    """The same, with the Table declared inside the timed call (~0.4 ms of SQLAlchemy's
    own Table construction, with the caches cold after the setup)."""
    sa.Column("status", sa.Integer, nullable=False, default=0).create(  # type: ignore[attr-defined]
        _w2_table(), engine=trial.engine
    )


def w2_ours_batch(trial: Trial) -> None:
    from migrate.changeset import alter_table

    with alter_table(W2, engine=trial.engine) as b:
        b.add_column(sa.Column("status", sa.Integer, nullable=False, default=0))


def w2_alembic(trial: Trial) -> None:
    assert trial.engine is not None
    with trial.engine.begin() as conn:
        op = alembic_op(conn)
        op.add_column(W2, sa.Column("status", sa.Integer, nullable=False, server_default="0"))
        op.alter_column(W2, "status", server_default=None, existing_type=sa.Integer())


# ------------------------------------------------------------------------------- W3


def w3_ours(trial: Trial) -> None:
    meta = sa.MetaData()
    meta.bind = trial.engine  # type: ignore[attr-defined]
    t = sa.Table(
        W3, meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("qty", sa.Integer)
    )
    t.c.qty.alter(type=sa.BigInteger(), nullable=False, server_default="0")  # type: ignore[attr-defined]


def w3_ours_batch(trial: Trial) -> None:
    from migrate.changeset import alter_table

    with alter_table(W3, engine=trial.engine) as b:
        b.alter_column("qty", type=sa.BigInteger(), nullable=False, server_default="0")


def w3_alembic(trial: Trial) -> None:
    assert trial.engine is not None
    with trial.engine.begin() as conn:
        alembic_op(conn).alter_column(
            W3,
            "qty",
            type_=sa.BigInteger(),
            nullable=False,
            server_default="0",
            existing_type=sa.Integer(),
            existing_nullable=True,
        )


def workloads(rows: int) -> list[Workload]:
    if not os.environ.get("TEST_PG_URL"):
        skip = "TEST_PG_URL not set"
        return [
            Workload(
                "W2", "PostgreSQL: add NOT NULL column with default", [], _none, _none, skip=skip
            ),
            Workload("W3", "PostgreSQL: three changes to one column", [], _none, _none, skip=skip),
        ]
    engine, counter = _engine()

    def setup(table: str, n: int, col: str) -> Trial:
        with engine.begin() as c:
            c.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
            c.exec_driver_sql(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, {col} INTEGER)")
            c.exec_driver_sql(
                f"INSERT INTO {table} SELECT i, i %% 1000 FROM generate_series(1, %s) i", (n,)
            )
        with engine.connect() as c:
            c.exec_driver_sql(f"ANALYZE {table}")
            c.commit()
        data: dict[str, Any] = {"relfilenode": _relfilenode(engine, table)}
        if table == W2:
            data["table"] = _w2_table()  # a migrate script's module-level declaration
        return Trial(engine, counter, data)

    def check(table: str) -> Any:
        def fp(trial: Trial) -> Any:
            with engine.connect() as c:
                return fingerprint(c, [table])

        return fp

    def rewrite(table: str) -> Any:
        def note(trial: Trial) -> str:
            changed = _relfilenode(engine, table) != trial.data["relfilenode"]
            return f"rewrite: {'yes' if changed else 'no'}"

        return note

    def drop(table: str) -> Any:
        def teardown(trial: Trial) -> None:
            with engine.begin() as c:
                c.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")

        return teardown

    w2_tools = [
        Tool(
            "raw SQL floor (ADD .. DEFAULT 0 NOT NULL; DROP DEFAULT)",
            FLOOR,
            _raw(
                f"ALTER TABLE {W2} ADD COLUMN status INTEGER DEFAULT 0 NOT NULL",
                f"ALTER TABLE {W2} ALTER COLUMN status DROP DEFAULT",
            ),
        ),
        Tool(
            "raw SQL, UPDATE backfill (the old way)",
            RAW,
            _raw(
                f"ALTER TABLE {W2} ADD COLUMN status INTEGER",
                f"UPDATE {W2} SET status = 0",
                f"ALTER TABLE {W2} ALTER COLUMN status SET NOT NULL",
            ),
        ),
        Tool("changeset Column.create(populate_default), Table at module level", OURS, w2_ours),
        Tool("changeset Column.create, Table declared in the call", OURS, w2_ours_declared),
        Tool("changeset batch (alter_table)", OURS, w2_ours_batch),
    ]
    w3_tools = [
        Tool(
            "raw SQL floor (one ALTER, three clauses)",
            FLOOR,
            _raw(
                f"ALTER TABLE {W3} ALTER COLUMN qty TYPE BIGINT, ALTER COLUMN qty SET NOT NULL, "
                "ALTER COLUMN qty SET DEFAULT '0'",
            ),
        ),
        Tool(
            "raw SQL, three separate ALTERs",
            RAW,
            _raw(
                f"ALTER TABLE {W3} ALTER COLUMN qty TYPE BIGINT",
                f"ALTER TABLE {W3} ALTER COLUMN qty SET NOT NULL",
                f"ALTER TABLE {W3} ALTER COLUMN qty SET DEFAULT '0'",
            ),
        ),
        Tool("changeset Column.alter (legacy)", OURS, w3_ours),
        Tool("changeset batch (alter_table)", OURS, w3_ours_batch),
    ]
    if HAVE_ALEMBIC:
        w2_tools.append(Tool("alembic op.add_column + op.alter_column", ALEMBIC, w2_alembic))
        w3_tools.append(Tool("alembic op.alter_column", ALEMBIC, w3_alembic))
    n3 = max(rows // 10, 1)
    return [
        Workload(
            "W2",
            f"PostgreSQL {rows:,} rows: add a NOT NULL column with a default",
            w2_tools,
            lambda: setup(W2, rows, "v"),
            check(W2),
            drop(W2),
            inspect=rewrite(W2),
            min_runs=11,  # ~2 ms per run: three medians swing by 0.3x
        ),
        Workload(
            "W3",
            f"PostgreSQL {n3:,} rows: three changes to one column (type, NOT NULL, default)",
            w3_tools,
            lambda: setup(W3, n3, "qty"),
            check(W3),
            drop(W3),
        ),
    ]


def _none(trial: Trial) -> Any:
    return None
