"""W5: offline rendering of N operations to PostgreSQL SQL (no database, no driver).

Per table ``t_k``: add a column, change a column's type and nullability, rename the new
column, drop it (four operations). The floor formats the same SQL with f-strings.
Correct: when ``TEST_PG_URL`` is set, the statements for the first 25 tables are applied
to fresh tables on PostgreSQL and the schema compared with the floor's; otherwise the
statements are compared clause by clause with the floor's (``ALTER TABLE t a, b`` is the
clauses ``a`` and ``b`` of ``t``; ``RENAME COLUMN x`` is ``RENAME x``).
"""

from __future__ import annotations

import io
import os
import re
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
    fingerprint,
)

CHECKED = 25
_TABLE = re.compile(r"\bt_(\d+)\b")
_ALTER = re.compile(r"ALTER TABLE (\S+) (.*);$", re.S)
_CLAUSE = re.compile(r", (?=(?:ADD|ALTER|DROP|RENAME) )")


def clauses(sql: list[str]) -> tuple[tuple[str, str], ...]:
    """The statements as (table, clause) pairs, in order: what they do, not how split."""
    out: list[tuple[str, str]] = []
    for s in sql:
        m = _ALTER.match(" ".join(s.split()))
        if not m:
            out.append(("", s))
            continue
        for clause in _CLAUSE.split(m.group(2)):
            out.append((m.group(1), clause.replace("RENAME COLUMN ", "RENAME ", 1)))
    return tuple(out)


def _tables(n: int) -> list[sa.Table]:
    meta = sa.MetaData()
    return [
        sa.Table(
            f"t_{k}",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.String(50)),
        )
        for k in range(n)
    ]


def floor(trial: Trial) -> None:
    out: list[str] = []
    for k in range(trial.data["n"]):
        t = f"t_{k}"
        out.append(f"ALTER TABLE {t} ADD COLUMN extra VARCHAR(20);")
        out.append(
            f"ALTER TABLE {t} ALTER COLUMN name TYPE VARCHAR(100), ALTER COLUMN name SET NOT NULL;"
        )
        out.append(f"ALTER TABLE {t} RENAME extra TO extra2;")
        out.append(f"ALTER TABLE {t} DROP COLUMN extra2;")
    trial.data["sql"] = out


def ours_legacy(trial: Trial) -> None:
    from migrate.changeset import to_sql

    with to_sql("postgresql") as out:
        for t in trial.data["tables"]:
            sa.Column("extra", sa.String(20)).create(t)  # type: ignore[attr-defined]
            t.c.name.alter(type=sa.String(100), nullable=False)
            t.c.extra.alter(name="extra2")
            t.c.extra2.drop()
    trial.data["sql"] = out


def ours_batch(trial: Trial) -> None:
    from migrate.changeset import alter_table, to_sql

    with to_sql("postgresql") as out:
        for t in trial.data["tables"]:
            with alter_table(t) as b:
                b.add_column(sa.Column("extra", sa.String(20)))
                b.alter_column("name", type=sa.String(100), nullable=False)
                b.rename_column("extra", "extra2")
                b.drop_column("extra2")
    trial.data["sql"] = out


def alembic_offline(trial: Trial) -> None:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    buf = io.StringIO()
    ctx = MigrationContext.configure(
        dialect_name="postgresql", opts={"as_sql": True, "output_buffer": buf}
    )
    op = Operations(ctx)
    for k in range(trial.data["n"]):
        t = f"t_{k}"
        op.add_column(t, sa.Column("extra", sa.String(20)))
        op.alter_column(
            t, "name", type_=sa.String(100), nullable=False, existing_type=sa.String(50)
        )
        op.alter_column(t, "extra", new_column_name="extra2")
        op.drop_column(t, "extra2")
    trial.data["sql"] = [s.strip() + ";" for s in buf.getvalue().split(";\n") if s.strip()]


def workloads(ops: int) -> list[Workload]:
    n = max(ops // 4, 1)
    url = os.environ.get("TEST_PG_URL")
    engine = sa.create_engine(url) if url else None

    def setup() -> Trial:
        return Trial(None, Counter(), {"n": n, "tables": _tables(n)})

    def check(trial: Trial) -> Any:
        sql: list[str] = trial.data["sql"]
        trial.data["statements"] = len(sql)
        if engine is None:
            return clauses(sql)
        wanted = [s for s in sql if (m := _TABLE.search(s)) and int(m.group(1)) < CHECKED]
        names = [f"t_{k}" for k in range(min(n, CHECKED))]
        with engine.begin() as c:
            for name in names:
                c.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
            for t in _tables(len(names)):
                t.create(c)
                c.execute(t.insert(), [{"id": i, "name": f"n{i}"} for i in range(3)])
            for s in wanted:
                c.exec_driver_sql(s.rstrip(";"))
        with engine.connect() as c:
            fp = fingerprint(c, names)
        with engine.begin() as c:
            for name in names:
                c.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        return fp

    tools = [
        Tool("f-string floor (the same SQL, formatted by hand)", FLOOR, floor, ops=4 * n),
        Tool("changeset to_sql, legacy calls", OURS, ours_legacy, ops=4 * n),
        Tool("changeset to_sql, batch per table", OURS, ours_batch, ops=4 * n),
    ]
    if HAVE_ALEMBIC:
        tools.append(Tool("alembic offline (as_sql)", ALEMBIC, alembic_offline, ops=4 * n))
    return [
        Workload(
            "W5",
            f"offline: render {4 * n:,} operations to PostgreSQL SQL"
            + (
                " (results applied on PostgreSQL)"
                if engine
                else " (results compared clause by clause: TEST_PG_URL not set)"
            ),
            tools,
            setup,
            check,
            offline=True,
            # ~0.25 s per run on a shared machine: one slow run in seven moved the
            # median ratio by 0.3x; the median of eleven holds
            min_runs=11,
        )
    ]
