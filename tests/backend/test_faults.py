"""Fault injection: every multi-statement operation, failed at each of its statements in turn.

An engine event (``before_cursor_execute``) raises on the Nth statement the operation sends.
SQLite and PostgreSQL (transactional DDL): schema and every row exactly as before, no
temporary table left. MySQL/MariaDB (DDL commits implicitly): the error that surfaces is
the injected one, and no row is lost (every row and every value of every column that still
exists is intact). SQLite also gets a child process killed (``os._exit``) mid-operation.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

import migrate.changeset  # noqa: F401  (installs the methods)
from migrate.changeset import alter_table
from migrate.changeset import constraint as mc


class InjectedFault(Exception):
    """Raised by the event hook in place of the Nth statement."""


#: statements injected into, across the whole module (reported by the last test)
INJECTED: dict[str, int] = {}


@contextlib.contextmanager
def fail_at(engine: sa.Engine, n: int | None) -> Iterator[list[str]]:
    """Raise InjectedFault instead of executing the ``n``-th statement (0-based)."""
    seen: list[str] = []

    def hook(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
        if n is not None and len(seen) == n:
            seen.append(statement)
            raise InjectedFault(f"injected at statement {n}: {statement[:60]}")
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", hook)


def state(engine: sa.Engine) -> dict[str, Any]:
    """Every table: columns, PK, indexes, uniques, checks, FKs and all rows."""
    insp = sa.inspect(engine)
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        for name in sorted(insp.get_table_names()):
            t = sa.Table(name, sa.MetaData(), autoload_with=conn)
            out[name] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in insp.get_columns(name)
                ],
                "pk": insp.get_pk_constraint(name)["constrained_columns"],
                "indexes": sorted(
                    (i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                    for i in insp.get_indexes(name)
                ),
                "uniques": sorted(
                    (u["name"] or "", tuple(u["column_names"]))
                    for u in insp.get_unique_constraints(name)
                ),
                "checks": sorted(c["name"] or "" for c in insp.get_check_constraints(name)),
                "fks": sorted(
                    (f["name"] or "", tuple(f["constrained_columns"]), f["referred_table"])
                    for f in insp.get_foreign_keys(name)
                ),
                "rows": sorted(
                    (tuple(r) for r in conn.execute(sa.select(t))), key=lambda r: repr(r)
                ),
                "row_dicts": {r[0]: dict(r._mapping) for r in conn.execute(sa.select(t))},
            }
    return out


def setup(engine: sa.Engine) -> sa.MetaData:
    """parent(id) with 3 rows; child(id, name, pid -> parent, n) with 4 rows and an index."""
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        for name in ("child", "kid", "renamed", "parent"):
            conn.execute(sa.schema.DropTable(sa.table(name), if_exists=True))
    parent = sa.Table(
        "parent", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)
    )
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(30), nullable=False, server_default="anon"),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", name="fk_child_pid")),
        sa.Column("n", sa.Integer),
        sa.Index("ix_child_n", "n"),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": i} for i in (1, 2, 3)])
        conn.execute(
            child.insert(),
            [{"id": i, "name": f"c'{i}", "pid": 1 + i % 3, "n": i * 10} for i in (1, 2, 3, 4)],
        )
    return meta


def _child(meta: sa.MetaData) -> sa.Table:
    return meta.tables["child"]


# ---- the operations ----------------------------------------------------------------------


def op_create_column_full(meta: sa.MetaData) -> None:
    col = sa.Column("ref", sa.Integer, sa.ForeignKey("parent.id", name="fk_child_ref"), default=2)
    col.create(_child(meta), index_name="ix_child_ref", unique_name=None)


def op_create_column_unique(meta: sa.MetaData) -> None:
    sa.Column("code", sa.String(10)).create(
        _child(meta), index_name="ix_child_code", unique_name="uq_child_code"
    )


def op_add_not_null_with_default(meta: sa.MetaData) -> None:
    sa.Column("flag", sa.Integer, nullable=False, default=1).create(_child(meta))


def op_drop_column_with_fk(meta: sa.MetaData) -> None:
    _child(meta).c.pid.drop()


def op_batch(meta: sa.MetaData) -> None:
    with alter_table("child", engine=meta.bind) as t:  # type: ignore[attr-defined]
        t.add_column(sa.Column("extra", sa.String(20), server_default="x"))
        t.create_index("ix_child_extra", "extra")
        t.drop_index("ix_child_n")
        t.add_constraint(sa.CheckConstraint("n >= 0", name="ck_child_n"))
        t.drop_column("name")


def op_unique_constraint(meta: sa.MetaData) -> None:
    mc.UniqueConstraint("name", table=_child(meta), name="uq_child_name").create()


def op_rename_table(meta: sa.MetaData) -> None:
    _child(meta).rename("renamed")


def op_alter_type_with_default(meta: sa.MetaData) -> None:
    _child(meta).c.name.alter(type=sa.String(60), nullable=True)


def op_alter_rename_and_type(meta: sa.MetaData) -> None:
    with alter_table("child", engine=meta.bind) as t:  # type: ignore[attr-defined]
        t.alter_column("n", type=sa.String(20), server_default="0")
        t.rename_column("name", "full_name")


OPERATIONS: dict[str, Callable[[sa.MetaData], None]] = {
    "create_column_fk_index": op_create_column_full,
    "create_column_index_unique": op_create_column_unique,
    "add_not_null_with_default": op_add_not_null_with_default,
    "drop_column_with_fk": op_drop_column_with_fk,
    "batch_five_changes": op_batch,
    "unique_constraint": op_unique_constraint,
    "rename_table": op_rename_table,
}
if hasattr(sa.Column, "alter"):
    OPERATIONS["alter_type_nullable"] = op_alter_type_with_default
    OPERATIONS["batch_alter_type_and_rename"] = op_alter_rename_and_type


def _rows_kept(before: dict[str, Any], after: dict[str, Any]) -> None:
    """MySQL: no row lost, no surviving value changed (columns may have come or gone)."""
    for table, facts in before.items():
        if table not in after:
            assert table == "child" and "renamed" in after, f"table {table} vanished"
            table_after = after["renamed"]
        else:
            table_after = after[table]
        assert set(table_after["row_dicts"]) == set(facts["row_dicts"]), table
        for key, row in facts["row_dicts"].items():
            now = table_after["row_dicts"][key]
            for col, value in row.items():
                if col in now:
                    assert now[col] == value, (table, key, col)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_fail_at_every_statement(engine: sa.Engine, backend_name: str, operation: str) -> None:
    run = OPERATIONS[operation]
    meta = setup(engine)
    with fail_at(engine, None) as statements:
        run(meta)  # the operation works: count its statements
    total = len(statements)
    assert total >= 1
    transactional = backend_name in ("sqlite", "postgresql")
    n = 0
    while True:  # until the operation sends fewer statements than n (it then completes)
        meta = setup(engine)
        before = state(engine)
        with fail_at(engine, n) as seen:
            try:
                run(meta)
            except (InjectedFault, sa.exc.StatementError) as exc:
                if isinstance(exc, sa.exc.StatementError):
                    assert isinstance(exc.orig, InjectedFault), exc
            else:
                assert len(seen) <= n, f"{operation}: statement {n} ran but did not fail"
                break
        after = state(engine)
        if transactional:
            assert after == before, f"{operation}: statement {n}: {seen[n]}"
        else:
            _rows_kept(before, after)
        INJECTED[backend_name] = INJECTED.get(backend_name, 0) + 1
        n += 1
        assert n < 10 * total + 50
    assert n >= min(total, 1)
    print(f"\nFAULTS {backend_name} {operation}: {n} injection points")
    meta = setup(engine)
    run(meta)  # and still works afterwards on a fresh copy (nothing stale left behind)


CHILD = textwrap.dedent(
    """
    import os, sys
    import sqlalchemy as sa
    from sqlalchemy import event
    import migrate.changeset
    from migrate.changeset import constraint as mc

    url, n = sys.argv[1], int(sys.argv[2])
    engine = sa.create_engine(url)
    seen = []

    @event.listens_for(engine, "before_cursor_execute")
    def die(conn, cursor, statement, *a):
        if len(seen) == n:
            os._exit(17)
        seen.append(statement)

    meta = sa.MetaData()
    child = sa.Table("child", meta, autoload_with=engine)
    with migrate.changeset.alter_table("child", engine=engine) as t:
        t.alter_column("n", type=sa.String(20))
        t.add_constraint(sa.UniqueConstraint("name", name="uq_child_name"))
        t.drop_column("pid")
    print(len(seen))
    """
)


@pytest.mark.backends("sqlite")
def test_sqlite_process_killed_mid_rebuild(engine: sa.Engine, url: str) -> None:
    setup(engine)
    before = state(engine)
    engine.dispose()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url, "100000"], capture_output=True, text=True, env=env
    )
    if done.returncode != 0 and "NotSupportedError" in done.stderr:
        pytest.skip("SQLite rebuild not available")
    assert done.returncode == 0, done.stderr
    total = int(done.stdout.strip())
    assert state(engine) != before  # the operation does change things when not killed
    for n in range(total):
        setup(engine)
        engine.dispose()
        killed = subprocess.run(
            [sys.executable, "-c", CHILD, url, str(n)], capture_output=True, text=True, env=env
        )
        assert killed.returncode == 17, killed.stderr
        print(f"\nFAULTS sqlite killed-child: statement {n} of {total}")
        after = state(engine)
        assert after == before, f"killed at statement {n} of {total}"
        INJECTED["sqlite-killed"] = INJECTED.get("sqlite-killed", 0) + 1
