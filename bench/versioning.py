"""The cost of the repository runner per version, and of the migrate.versioning facade on top.

    python bench/versioning.py [--versions 100] [--runs 5]

A repository of N versions, each creating one small table, is upgraded from 0 on a fresh
database: once through ``migrate.versioning.runner.migrate`` (what ``changeset run``
calls) and once through ``migrate.versioning.api.version_control`` + ``upgrade`` (what
oslo.db's ``db_sync`` calls), taking turns run by run (in alternating order). Prints one markdown table: the
median milliseconds per version of each. PostgreSQL and MariaDB rows need
``TEST_PG_URL`` / ``TEST_MYSQL_URL`` (use throwaway servers: the public/test schema is
emptied); SQLite uses a file in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from migrate.versioning import api, runner
from migrate.versioning.repository import Repository

SCRIPT = """import sqlalchemy as sa


def upgrade(migrate_engine):
    sa.Table("t{n}", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True)).create(
        migrate_engine
    )


def downgrade(migrate_engine):
    sa.Table("t{n}", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True)).drop(
        migrate_engine
    )
"""


def make_repository(versions: int) -> Path:
    root = Path(tempfile.mkdtemp()) / "bench_repo"
    root.mkdir()
    for n in range(1, versions + 1):
        (root / f"{n:04d}_t{n}.py").write_text(SCRIPT.format(n=n))
    return root


def fresh_engine(backend: str) -> sa.Engine | None:
    if backend == "sqlite":
        return sa.create_engine(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    url = os.environ.get("TEST_PG_URL" if backend == "postgresql" else "TEST_MYSQL_URL")
    if not url:
        return None
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)
    return engine


def through_runner(engine: sa.Engine, path: Path) -> None:
    runner.migrate(engine, Repository(path))


def through_facade(engine: sa.Engine, path: Path) -> None:
    api.version_control(engine, str(path))
    api.upgrade(engine, str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = make_repository(args.versions)
    ways: dict[str, Callable[[sa.Engine, Path], None]] = {
        "runner (changeset run)": through_runner,
        "api.upgrade (facade)": through_facade,
    }
    print(f"| backend | {' | '.join(f'{w} ms/version' for w in ways)} |")
    print(f"|---|{'---:|' * len(ways)}")
    for backend in ("sqlite", "postgresql", "mysql"):
        times: dict[str, list[float]] = {way: [] for way in ways}
        skipped = False
        for run in range(args.runs):
            order = list(ways.items())
            for way, function in order if run % 2 else reversed(order):
                engine = fresh_engine(backend)
                if engine is None:
                    skipped = True
                    break
                started = time.perf_counter()
                function(engine, path)
                times[way].append(time.perf_counter() - started)
                engine.dispose()
            if skipped:
                break
        if skipped:
            print(f"| {backend} | skipped: no URL set |" + " |" * (len(ways) - 1))
            continue
        cells = [f"{statistics.median(t) / args.versions * 1000:.2f}" for t in times.values()]
        print(f"| {backend} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
