"""Autoincrement / identity changes: what ``compare()`` and Alembic's autogenerate report.

    python bench/identity_side_by_side.py [--only sqlite,postgresql,mysql]

For each pair of key columns (A in the database, B in the model) among ``identity``
(``sa.Identity()``), ``auto`` (SQLAlchemy's default: SERIAL / AUTO_INCREMENT / rowid),
``plain`` (``autoincrement=False``) and ``sqlite_ai`` (``sqlite_autoincrement=True``) whose
DDL differs on the database, prints one markdown row: what ``compare()`` reports, and how
what Alembic's ``compare_metadata`` finds (``compare_type=True``,
``compare_server_default=True``). PostgreSQL and MySQL use ``TEST_PG_URL`` and
``TEST_MYSQL_URL`` (skipped when unset). Needs ``.[bench]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.schema import CreateTable  # noqa: E402

from migrate.changeset import compare  # noqa: E402
from tests.diff.test_identity import KINDS, model  # noqa: E402  (the tests' four models)


def alembic(engine: sa.Engine, meta: sa.MetaData) -> str:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": lambda name, kind, parent: kind != "table" or name == "t",
            },
        )
        found = compare_metadata(ctx, meta)
    names = [(d[0][0] if isinstance(d, list) else d[0]) for d in found]
    return ", ".join(names) or "nothing"


def only_t(obj: object, kind: str, reflected: bool) -> bool:
    """Other tables in the database are not this comparison's business."""
    return kind != "table" or getattr(obj, "name", None) == "t"


def ddl(kind: str, engine: sa.Engine) -> str:
    return str(CreateTable(model(kind).tables["t"]).compile(engine))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="sqlite,postgresql,mysql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        urls = {
            "sqlite": f"sqlite:///{tmp}/identity.db",
            "postgresql": os.environ.get("TEST_PG_URL"),
            "mysql": os.environ.get("TEST_MYSQL_URL"),
        }
        print("| database | A (database) | B (model) | compare() | Alembic |")
        print("|---|---|---|---|---|")
        for name in args.only.split(","):
            url = urls.get(name)
            if not url:
                print(f"| {name} | skipped: no URL | | | |")
                continue
            engine = sa.create_engine(url)
            for a in KINDS:
                for b in KINDS:
                    if a == b or ddl(a, engine) == ddl(b, engine):
                        continue
                    meta_a = model(a)
                    meta_a.drop_all(engine)
                    meta_a.create_all(engine)
                    ours = str(compare(model(b), engine, include=only_t)).strip() or "nothing"
                    theirs = alembic(engine, model(b))
                    print(f"| {name} | {a} | {b} | {ours} | {theirs} |")
                    meta_a.drop_all(engine)
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
