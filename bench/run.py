"""Benchmarks: this library vs the hand-written SQL floor vs Alembic, in one table.

    python bench/run.py [--rows 1000000] [--runs 3] [--only W1,W5] [--quick] [-v]

Every workload runs each tool ``--runs`` times (round robin) on fresh data; setup is not
timed. Printed: one markdown table with the median time, the ratio to the floor, the
statements sent to the driver, table copies (``INSERT ... SELECT``), and whether the
resulting schema and a row checksum equal the floor's. PostgreSQL and MariaDB workloads
use ``TEST_PG_URL`` / ``TEST_MYSQL_URL`` and are skipped (with the reason) when unset.
Alembic tools need ``pip install -e '.[bench]'``. Exit status 1 only when a result of the
floor or of this library is wrong; never because of time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import sqlalchemy as sa  # noqa: E402
from workloads import common  # noqa: E402
from workloads.common import ALEMBIC, FLOOR, OURS, Row, Workload  # noqa: E402

import migrate.changeset  # noqa: E402,F401  (installs the legacy methods)

QUICK = {"rows": 20_000, "runs": 3, "ops": 1_000, "tables": 40}
FULL = {"rows": 1_000_000, "runs": 3, "ops": 10_000, "tables": 200}


def collect(rows: int, ops: int, tables: int, only: set[str] | None) -> list[Workload]:
    from workloads import fixed, mariadb, offline, pg, sqlite_w1

    def want(*keys: str) -> bool:
        return only is None or bool(only & set(keys))

    found: list[Workload] = []
    if want("W1"):
        found += sqlite_w1.workloads(rows)
    if want("W2", "W3"):
        found += [w for w in pg.workloads(rows) if only is None or w.key in only]
    if want("W4"):
        found += mariadb.workloads(rows * 3 // 10)
    if want("W5"):
        found += offline.workloads(ops)
    if want("W6"):
        found += [w for w in fixed.workloads(tables) if only is None or w.key[:2] in only]
    return found


def fmt_row(r: Row, floor: float | None, alembic: float | None = None) -> str:
    med = r.median
    secs = f"{med:.3f}" if med is not None else "-"
    ratio = f"{med / floor:.2f}x" if med is not None and floor else "-"
    stmts = "-" if r.statements is None else str(r.statements)
    if r.changes is not None:
        stmts += f" ({r.changes})"
    if r.round_trips is not None and r.round_trips != r.statements:
        stmts += f" in {r.round_trips} round trips"
    copies = "-" if r.copies is None else str(r.copies)
    correct = {True: "yes", False: "**no**", None: "-"}[r.correct]
    notes = list(r.notes)
    if r.status and r.status != "error":
        notes.insert(0, r.status)
    if med is not None and r.ops:
        notes.append(f"{r.ops / med:,.0f} ops/s")
        if floor is not None and r.kind != FLOOR and r.workload.startswith("W6"):
            notes.append(f"overhead {(med - floor) / r.ops * 1000:.2f} ms/op over the floor")
        if alembic and r.kind == OURS:
            notes.append(f"{alembic / med:.2f}x Alembic's ops/s")
    runs = f" ({len(r.times)} runs)" if r.times else ""
    return (
        f"| {r.workload} | {r.tool} | {secs}{runs} | {ratio} | {stmts} | {copies} | "
        f"{correct} | {'; '.join(notes)} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=lambda s: int(float(s)), help="rows of W1/W2 (W3: /10)")
    parser.add_argument("--runs", type=int, help="runs per tool (median; at least 3)")
    parser.add_argument("--ops", type=int, help="W5 operations rendered")
    parser.add_argument("--tables", type=int, help="W6 tables")
    parser.add_argument("--only", help="comma separated workloads, e.g. W1,W5")
    parser.add_argument("--quick", action="store_true", help="small sizes for CI (< 1 min)")
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="garbage collector off while timed: CPU-bound rows (W5) without the "
        "collections their allocations trigger",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    sizes["runs"] = max(3, sizes["runs"])
    only = {k.strip().upper() for k in args.only.split(",")} if args.only else None

    started = time.perf_counter()
    results: list[tuple[Workload, list[Row]]] = []
    for w in collect(sizes["rows"], sizes["ops"], sizes["tables"], only):
        if args.verbose:
            print(f"{w.key}: {w.title}", flush=True)
        results.append(
            (w, common.run_workload(w, sizes["runs"], verbose=args.verbose, no_gc=args.no_gc))
        )

    print(
        f"Python {sys.version.split()[0]}, SQLAlchemy {sa.__version__}, SQLite "
        f"{sqlite3.sqlite_version}, alembic "
        f"{_version('alembic') if common.HAVE_ALEMBIC else 'not installed'}, "
        f"{os.cpu_count()} CPUs; median of {sizes['runs']} runs per tool, fresh data each run"
        + ("; garbage collector off while timed" if args.no_gc else "")
        + "\n"
    )
    for w, _ in results:
        print(f"* {w.key}: {w.title}" + (f" -- skipped: {w.skip}" if w.skip else ""))
    print()
    print(
        "| workload | tool | median s | vs floor | statements (DDL/DML) | table copies | correct | notes |"
    )
    print("|---|---|---:|---:|---:|---:|---|---|")
    wrong: list[str] = []
    for _w, rows in results:
        floor = next((r.median for r in rows if r.kind == FLOOR), None)
        alembic = next((r.median for r in rows if r.kind == ALEMBIC), None)
        for r in rows:
            print(fmt_row(r, floor, alembic))
            if r.kind in (FLOOR, OURS) and r.correct is False:
                wrong.append(f"{r.workload} {r.tool}")
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    if wrong:
        print("WRONG RESULT: " + ", ".join(wrong), file=sys.stderr)
        return 1
    return 0


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


if __name__ == "__main__":
    raise SystemExit(main())
