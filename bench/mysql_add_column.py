"""Repeated ``create_column`` on MariaDB/MySQL: round trips and time per call.

What a replayed chain does most (issue #19, item 10): one plain ``Column.create`` after
another on the same table. Prints one markdown table: per call, the median wall time of
``--runs`` runs and the statements sent (``before_cursor_execute``: one per round trip),
with the reads among them (``SHOW``/``SELECT``).

    TEST_MYSQL_URL=mysql+pymysql://... python bench/mysql_add_column.py --calls 20 --runs 5

Compare two versions of the library by running it with each on ``PYTHONPATH``, and
with the legacy stack (a venv with SQLAlchemy 1.4.54 and sqlalchemy-migrate 0.13.0:
``pip install 'setuptools<81' sqlalchemy==1.4.54 sqlalchemy-migrate==0.13.0 pymysql``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

import sqlalchemy as sa

import migrate.changeset  # noqa: F401  (the changeset methods)

try:
    from migrate.changeset import MetaData
except ImportError:  # sqlalchemy-migrate 0.13 on SQLAlchemy 1.4: the legacy stack
    MetaData = sa.MetaData  # type: ignore[misc]  # bind= exists there


def one_run(engine: sa.Engine, calls: int, rows: int) -> tuple[float, int, int]:
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_add")
        conn.exec_driver_sql("CREATE TABLE bench_add (id INTEGER PRIMARY KEY, v VARCHAR(20))")
        if rows:
            conn.execute(
                sa.text("INSERT INTO bench_add (id, v) VALUES (:i, :v)"),
                [{"i": i, "v": f"v{i}"} for i in range(rows)],
            )
    meta = MetaData(bind=engine)
    table = sa.Table("bench_add", meta, autoload_with=engine)
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
        sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        started = time.perf_counter()
        for i in range(calls):
            sa.Column(f"c{i}", sa.String(40)).create(table)
        elapsed = time.perf_counter() - started
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    reads = sum(1 for s in sent if s.lstrip().upper().startswith(("SHOW", "SELECT")))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE bench_add")
    return elapsed, len(sent), reads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("TEST_MYSQL_URL")
    if not url:
        print("skipped: TEST_MYSQL_URL not set")
        return 0
    engine = sa.create_engine(url)
    try:
        results = [one_run(engine, args.calls, args.rows) for _ in range(args.runs)]
    finally:
        engine.dispose()
    median = statistics.median(r[0] for r in results) / args.calls
    statements = results[-1][1] / args.calls
    reads = results[-1][2] / args.calls
    print("| calls | rows | runs | median ms per call | statements per call | reads per call |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.calls} | {args.rows} | {args.runs} | {median * 1000:.1f} | "
        f"{statements:.1f} | {reads:.1f} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
