"""W7: compare a 1,000-table model with the database, ours vs Alembic's compare_metadata.

    python bench/w7_compare.py [--tables 1000] [--runs 3] [--only sqlite,postgresql]

Each table: 10 columns, 2 indexes, 1 foreign key, 1 UNIQUE. Timed: ``compare()`` against
the identical model and against a model with 10 changed tables (one added column each),
and Alembic's ``compare_metadata`` with ``compare_type=True`` and
``compare_server_default=True`` on the same database in the same run. Printed: one
markdown table with the median seconds and the number of changes found (must be exactly 0
and 10). PostgreSQL uses ``TEST_PG_URL`` (skipped when unset). Needs ``.[bench]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import sqlalchemy as sa  # noqa: E402

from migrate.changeset import compare  # noqa: E402


def model(tables: int, changed: int = 0) -> sa.MetaData:
    meta = sa.MetaData()
    for i in range(tables):
        cols = [
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("parent_id", sa.Integer, sa.ForeignKey(f"t{max(i - 1, 0):04d}.id")),
            sa.Column("code", sa.String(20), nullable=False),
            sa.Column("name", sa.String(100), server_default="x"),
            sa.Column("qty", sa.Integer, nullable=False, server_default="0"),
            sa.Column("price", sa.Numeric(10, 2)),
            sa.Column("active", sa.Boolean, server_default=sa.true()),
            sa.Column("created", sa.DateTime, server_default=sa.func.now()),
            sa.Column("notes", sa.Text),
            sa.Column("ratio", sa.Float),
        ]
        if i < changed:
            cols.append(sa.Column("extra", sa.String(10)))
        sa.Table(
            f"t{i:04d}",
            meta,
            *cols,
            sa.UniqueConstraint("code", name=f"uq_t{i:04d}_code"),
            sa.Index(f"ix_t{i:04d}_name", "name"),
            sa.Index(f"ix_t{i:04d}_qty_created", "qty", "created"),
        )
    return meta


def ours(engine: sa.Engine, meta: sa.MetaData) -> int:
    return len(compare(meta, engine))


def alembic(engine: sa.Engine, meta: sa.MetaData) -> int:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return len(compare_metadata(ctx, meta))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="sqlite,postgresql")
    args = parser.parse_args()
    urls = {}
    tmp = tempfile.mkdtemp()
    if "sqlite" in args.only:
        urls["SQLite file"] = f"sqlite:///{tmp}/w7.db"
    if "postgresql" in args.only:
        if os.environ.get("TEST_PG_URL"):
            urls["PostgreSQL"] = os.environ["TEST_PG_URL"]
        else:
            print("PostgreSQL skipped: TEST_PG_URL is not set", file=sys.stderr)
    same, changed = model(args.tables), model(args.tables, 10)
    print(f"W7: compare a {args.tables}-table model (median of {args.runs} runs)\n")
    print("| database | model | ours (s) | changes | Alembic (s) | changes | ours / Alembic |")
    print("|---|---|---:|---:|---:|---:|---:|")
    wrong = False
    for label, url in urls.items():
        engine = sa.create_engine(url)
        same.drop_all(engine)
        same.create_all(engine)
        for name, meta, expected in (("identical", same, 0), ("10 tables changed", changed, 10)):
            times: dict[str, list[float]] = {"ours": [], "alembic": []}
            found: dict[str, int] = {}
            for _ in range(args.runs):
                for tool, fn in (("ours", ours), ("alembic", alembic)):
                    engine.dispose()
                    t0 = time.perf_counter()
                    found[tool] = fn(engine, meta)
                    times[tool].append(time.perf_counter() - t0)
            a, b = statistics.median(times["ours"]), statistics.median(times["alembic"])
            wrong |= found["ours"] != expected
            print(
                f"| {label} | {name} | {a:.2f} | {found['ours']} | {b:.2f} | "
                f"{found['alembic']} | {a / b:.2f}x |"
            )
        same.drop_all(engine)
        engine.dispose()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
