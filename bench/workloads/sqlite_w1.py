"""W1: SQLite, five changes to one table of N rows (3 indexes, a FK child).

Rename a column, drop a column, change a type, set NOT NULL, add a UNIQUE. The floor is
a hand-written 12-step rebuild (one copy, indexes after
the load, ``foreign_key_check`` of the two tables). Every tool starts from a fresh copy of
the same database file, on an engine whose connections run ``PRAGMA foreign_keys=ON``
(the setting a careful application uses); the floor switches it off itself.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

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

FLOOR_SQL = [
    "PRAGMA foreign_keys=OFF",
    "BEGIN",
    'CREATE TABLE "new_items" (id INTEGER PRIMARY KEY, title TEXT, price BIGINT, '
    "flag INTEGER NOT NULL, code TEXT, CONSTRAINT uq_items_code UNIQUE (code))",
    'INSERT INTO "new_items" (id, title, price, flag, code) '
    "SELECT id, name, price, flag, code FROM items",
    "DROP TABLE items",
    'ALTER TABLE "new_items" RENAME TO items',
    "CREATE INDEX ix_items_name ON items (title)",
    "CREATE INDEX ix_items_price ON items (price)",
    "CREATE INDEX ix_items_flag_price ON items (flag, price)",
    "PRAGMA foreign_key_check(items)",
    "PRAGMA foreign_key_check(orders)",
    "COMMIT",
    "PRAGMA foreign_keys=ON",
]


def _build(path: Path, rows: int) -> None:
    e = sa.create_engine(f"sqlite:///{path}")
    with e.connect() as c:
        c.exec_driver_sql(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price INTEGER, "
            "note TEXT, flag INTEGER, code TEXT)"
        )
        c.exec_driver_sql(
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
            "item_id INTEGER REFERENCES items(id) ON DELETE CASCADE)"
        )
        c.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO items SELECT i, 'name ' || i, i % 1000, 'note ' || i, i % 2, "
            "'code-' || i FROM n",
            (rows,),
        )
        c.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO orders SELECT i, i * 10 FROM n",
            (max(rows // 10, 1),),
        )
        c.exec_driver_sql("CREATE INDEX ix_items_name ON items (name)")
        c.exec_driver_sql("CREATE INDEX ix_items_price ON items (price)")
        c.exec_driver_sql("CREATE INDEX ix_items_flag_price ON items (flag, price)")
        c.commit()
    e.dispose()


def _fk_on(dbapi_connection: Any, record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


# ------------------------------------------------------------------------------- tools


def floor(trial: Trial) -> None:
    assert trial.engine is not None
    with trial.engine.connect() as c:
        for stmt in FLOOR_SQL:
            c.exec_driver_sql(stmt)


def ours_legacy(trial: Trial) -> None:
    from migrate.changeset.constraint import UniqueConstraint

    meta = sa.MetaData()
    meta.bind = trial.engine  # type: ignore[attr-defined]  # the legacy bound metadata
    t = sa.Table("items", meta, autoload_with=trial.engine)
    t.c.name.alter(name="title")  # type: ignore[attr-defined]
    t.c.note.drop()  # type: ignore[attr-defined]
    t.c.price.alter(type=sa.BigInteger())  # type: ignore[attr-defined]
    t.c.flag.alter(nullable=False)  # type: ignore[attr-defined]
    UniqueConstraint("code", table=t, name="uq_items_code").create()


def ours_batch(trial: Trial) -> None:
    from migrate.changeset import alter_table

    with alter_table("items", engine=trial.engine) as b:
        b.rename_column("name", "title")
        b.drop_column("note")
        b.alter_column("price", type=sa.BigInteger())
        b.alter_column("flag", nullable=False)
        b.add_constraint(sa.UniqueConstraint("code", name="uq_items_code"))


def alembic_batch(trial: Trial, *, foreign_keys: bool = False) -> str:
    assert trial.engine is not None
    with trial.engine.connect() as conn:
        if not foreign_keys:  # Alembic's documented requirement for batch mode
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        op = alembic_op(conn)
        with op.batch_alter_table("items") as b:
            b.alter_column("name", new_column_name="title")
            b.drop_column("note")
            b.alter_column("price", type_=sa.BigInteger(), existing_type=sa.Integer())
            b.alter_column("flag", nullable=False, existing_type=sa.Integer())
            b.create_unique_constraint("uq_items_code", ["code"])
        conn.commit()
    return f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}"


def alembic_ops(trial: Trial) -> str:
    """What a script writes change by change: op.* where SQLite can, a batch where not."""
    assert trial.engine is not None
    with trial.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        op = alembic_op(conn)
        op.alter_column("items", "name", new_column_name="title")
        op.drop_column("items", "note")
        with op.batch_alter_table("items") as b:
            b.alter_column("price", type_=sa.BigInteger(), existing_type=sa.Integer())
        with op.batch_alter_table("items") as b:
            b.alter_column("flag", nullable=False, existing_type=sa.Integer())
        with op.batch_alter_table("items") as b:
            b.create_unique_constraint("uq_items_code", ["code"])
        conn.commit()
    return "PRAGMA foreign_keys=OFF"


def workloads(rows: int) -> list[Workload]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-w1-"))
    atexit.register(shutil.rmtree, tmp, True)
    template = tmp / "template.db"
    state: dict[str, Any] = {"n": 0}

    def setup() -> Trial:
        if not template.exists():
            _build(template, rows)
        state["n"] += 1
        db = tmp / f"run{state['n']}.db"
        shutil.copy(template, db)
        engine = sa.create_engine(f"sqlite:///{db}")
        event.listen(engine, "connect", _fk_on)
        with engine.connect() as c:  # same start for everyone: file opened, pool warm
            c.exec_driver_sql("SELECT 1")
        counter = Counter()
        counter.attach(engine)
        return Trial(engine, counter, {"db": db})

    def check(trial: Trial) -> Any:
        assert trial.engine is not None
        with trial.engine.connect() as c:
            return fingerprint(c, ["items", "orders"])

    def teardown(trial: Trial) -> None:
        assert trial.engine is not None
        trial.engine.dispose()
        trial.data["db"].unlink(missing_ok=True)

    tools = [
        Tool("raw SQL floor (one hand-written 12-step rebuild)", FLOOR, floor),
        Tool("changeset batch (alter_table)", OURS, ours_batch),
        Tool("changeset legacy calls, one by one", OURS, ours_legacy),
    ]
    if HAVE_ALEMBIC:
        tools += [
            Tool("alembic batch_alter_table", ALEMBIC, alembic_batch),
            Tool("alembic op.* one by one (batch where SQLite needs it)", ALEMBIC, alembic_ops),
        ]
        if rows <= 50_000:  # the cascade scans orders once per items row: quadratic
            tools.append(
                Tool(
                    "alembic batch_alter_table, foreign_keys=ON",
                    ALEMBIC,
                    lambda trial: alembic_batch(trial, foreign_keys=True),
                )
            )
    return [
        Workload(
            "W1",
            f"SQLite {rows:,} rows, 3 indexes, FK child: five changes to one table",
            tools,
            setup,
            check,
            teardown,
            # with three runs the batch measured 0.90x-1.24x the floor from table to
            # table on a shared machine; five keep it within a few percent
            min_runs=5,
        )
    ]
