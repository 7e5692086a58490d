"""Benchmark: five changes to one SQLite table as one rebuild, against the hand-written floor.

    python bench/sqlite_rebuild.py [--rows 1000000] [--runs 3]

Table ``items`` (``--rows`` rows, three indexes) with a child table ``orders`` (rows / 10,
``ON DELETE CASCADE``). Five changes: rename a column, drop a column, change a type, set
NOT NULL, add a UNIQUE constraint. Variants:

* ``floor``: one 12-step rebuild written by hand in raw SQL (foreign keys off, BEGIN,
  CREATE/INSERT .. SELECT/DROP/RENAME, indexes after the load, ``foreign_key_check`` of
  the same two tables, COMMIT);
* ``batch``: ``read_sqlite_schema`` + ``plan_rebuild`` of the five operations +
  the library's runner (``runner.run_plan``);
* ``separate``: the five operations as five rebuilds.

Each run starts from a fresh copy of the same database file; only the change is timed;
the variants take turns run by run.
Prints a markdown table: variant, median seconds, ratio to floor, table copies.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from migrate.changeset.databases.sqlite import from_rebuild_plan
from migrate.changeset.ops import (
    AddConstraintOp,
    AlterColumnOp,
    DropColumnOp,
    Op,
    TableRef,
)
from migrate.changeset.rebuild import plan_rebuild, read_sqlite_schema
from migrate.changeset.runner import run_plan

T = TableRef("items")
OPS: list[Op] = [
    AlterColumnOp(T, "name", name="title"),
    DropColumnOp(T, "note"),
    AlterColumnOp(T, "price", type=sa.BigInteger()),
    AlterColumnOp(T, "flag", nullable=False),
    AddConstraintOp(T, sa.UniqueConstraint("code", name="uq_items_code")),
]

FLOOR = [
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


def build(path: Path, rows: int) -> None:
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


def floor(engine: sa.Engine) -> int:
    with engine.connect() as c:
        dbapi = c.connection.dbapi_connection
        assert dbapi is not None
        for stmt in FLOOR:
            dbapi.execute(stmt)
    return 1


def batch(engine: sa.Engine) -> int:
    with engine.connect() as c:
        plan = plan_rebuild(read_sqlite_schema(c, "items"), OPS)
        run_plan(engine, from_rebuild_plan(plan))
    return plan.copies


def separate(engine: sa.Engine) -> int:
    copies = 0
    for op in OPS:
        with engine.connect() as c:
            plan = plan_rebuild(read_sqlite_schema(c, "items"), [op])
            run_plan(engine, from_rebuild_plan(plan))
        copies += plan.copies
    return copies


def fingerprint(engine: sa.Engine) -> tuple[object, ...]:
    with engine.connect() as c:
        cols = tuple(r[1:4] for r in c.exec_driver_sql("PRAGMA table_info(items)"))
        idx = tuple(sorted(r[1] for r in c.exec_driver_sql("PRAGMA index_list(items)")))
        n = c.exec_driver_sql("SELECT count(*), sum(id), sum(price) FROM items").one()
        o = c.exec_driver_sql("SELECT count(*) FROM orders").scalar()
    return cols, idx, tuple(n), o


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=lambda s: int(float(s)), default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    variants: list[tuple[str, Callable[[sa.Engine], int]]] = [
        ("floor (hand-written 12-step)", floor),
        ("batch (one plan_rebuild)", batch),
        ("five separate rebuilds", separate),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.db"
        build(template, args.rows)
        times: dict[str, list[float]] = {name: [] for name, _ in variants}
        copies: dict[str, int] = {}
        prints: dict[str, tuple[object, ...]] = {}
        for run in range(args.runs):
            # round robin, so that drift in the machine's I/O state hits every variant alike
            for name, fn in variants:
                db = Path(tmp) / f"run{run}.db"
                shutil.copy(template, db)
                engine = sa.create_engine(f"sqlite:///{db}")
                with engine.connect() as c:  # same start for everyone: fk on, file opened
                    c.exec_driver_sql("PRAGMA foreign_keys=ON")
                start = time.perf_counter()
                copies[name] = fn(engine)
                times[name].append(time.perf_counter() - start)
                prints[name] = fingerprint(engine)
                engine.dispose()
                db.unlink()
        results = {name: (statistics.median(times[name]), copies[name]) for name, _ in variants}
        if len(set(prints.values())) != 1:
            raise SystemExit(f"variants disagree on the result: {prints}")
    base = results[variants[0][0]][0]
    print(
        f"SQLite {sqlite3.sqlite_version}, SQLAlchemy {sa.__version__}, "
        f"{args.rows:,} rows, median of {args.runs} runs\n"
    )
    print("| variant | median seconds | ratio to floor | table copies |")
    print("|---|---:|---:|---:|")
    for name, (secs, n_copies) in results.items():
        print(f"| {name} | {secs:.3f} | {secs / base:.2f}x | {n_copies} |")


if __name__ == "__main__":
    main()
