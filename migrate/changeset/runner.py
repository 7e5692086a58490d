"""The runner: the only code that touches a Connection.

``run()`` resolves the transaction, reads the snapshot on the connection that
will run the DDL, asks the planner for a plan and executes it. Inside
:func:`to_sql` the same plan is rendered to SQL text instead.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from migrate.changeset import capabilities, introspect, planner
from migrate.changeset.binding import Bindable
from migrate.changeset.ops import AddColumnOp, Op, RenameTableOp
from migrate.changeset.planner import Plan, Step
from migrate.exceptions import InvalidOperationError

log = logging.getLogger("migrate.changeset")


@dataclass
class _Offline:
    dialect: Dialect
    statements: list[str] = field(default_factory=list)
    stream: TextIO | None = None


_offline: contextvars.ContextVar[_Offline | None] = contextvars.ContextVar(
    "migrate_changeset_offline", default=None
)


@contextmanager
def to_sql(dialect: str | Dialect, stream: TextIO | None = None) -> Iterator[list[str]]:
    """Render every changeset operation inside the block as SQL instead of running it.

    ``dialect`` is a name (``"sqlite"``, ``"postgresql"``, ``"mysql"``, ``"mariadb"``) or a
    Dialect object. Yields the list the statements (literal values, ``;``-terminated)
    are appended to; each is also written to ``stream`` if given. No driver and no
    database are needed; operations see only what their Table objects describe.
    """
    d = capabilities.dialect_from_name(dialect) if isinstance(dialect, str) else dialect
    capabilities.for_dialect(d, offline=True)  # refuse unsupported dialects up front
    state = _Offline(d, stream=stream)
    token = _offline.set(state)
    try:
        yield state.statements
    finally:
        _offline.reset(token)


def offline_active() -> bool:
    return _offline.get() is not None


def run(
    ops: Sequence[Op],
    target: Bindable | None,
    *,
    table: sa.Table | None = None,
    batch: bool = False,
) -> Plan:
    """Plan and execute ``ops`` (all on one table) in one transaction; return the plan."""
    ref = ops[0].table
    state = _offline.get()
    if state is not None:
        caps = capabilities.for_dialect(state.dialect, offline=True)
        snap = introspect.snapshot_from_table(table, ref)
        p = planner.plan(ops, caps, snap, batch=batch)
        for step in p.steps:
            _emit(state, step)
        return p
    assert target is not None, "online run() needs a bind"
    with transaction(target) as conn:
        caps = capabilities.for_dialect(conn.dialect)
        snap = introspect.snapshot(
            conn,
            ref,
            other_tables=tuple(op.new_name for op in ops if isinstance(op, RenameTableOp)),
            want_rows=any(isinstance(op, AddColumnOp) for op in ops),
        )
        p = planner.plan(ops, caps, snap, batch=batch)
        execute(conn, p)
    return p


def execute(conn: sa.Connection, p: Plan) -> None:
    """Run a plan's steps on ``conn`` (already inside the operation's transaction)."""
    before = _fk_violations(conn, p.fk_check_tables)
    if p.legacy_alter_table:
        conn.exec_driver_sql("PRAGMA legacy_alter_table=ON")
    try:
        for step in p.steps:
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s", _render(step, conn.dialect, literal=False))
            conn.execute(step)
    finally:
        if p.legacy_alter_table:
            conn.exec_driver_sql("PRAGMA legacy_alter_table=OFF")
    after = _fk_violations(conn, p.fk_check_tables)
    for row in sorted(after & before):
        log.warning("foreign key violation that existed before the change: %s", row)
    new = sorted(after - before)
    if new:
        shown = "; ".join(f"{t} rowid {r} -> {parent}" for t, r, parent, _ in new[:10])
        raise InvalidOperationError(
            f"The change would break foreign keys ({len(new)} rows: {shown}); nothing was changed"
        )


def _fk_violations(conn: sa.Connection, tables: Sequence[str]) -> set[tuple[Any, ...]]:
    found: set[tuple[Any, ...]] = set()
    for name in tables:
        quoted = conn.dialect.identifier_preparer.quote(name)
        found.update(tuple(r) for r in conn.exec_driver_sql(f"PRAGMA foreign_key_check({quoted})"))
    return found


@contextmanager
def transaction(target: Bindable) -> Iterator[sa.Connection]:
    """The connection an operation runs on, in the right transaction (SPEC §3).

    Engine: a connection of our own, one transaction, committed on success.
    Connection or Session: the caller's transaction, never committed by us; a
    savepoint makes the operation atomic where DDL is transactional.
    """
    if isinstance(target, sa.Engine):
        with target.connect() as conn:
            restore_fk = _sqlite_foreign_keys_off(conn)
            try:
                with conn.begin():
                    _sqlite_begin(conn)
                    yield conn
            finally:
                if restore_fk:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
        return
    conn = target.connection() if isinstance(target, Session) else target
    if conn.dialect.name == "sqlite":
        _sqlite_begin(conn)
    if capabilities.for_dialect(conn.dialect).transactional_ddl:
        with conn.begin_nested():
            yield conn
    else:
        yield conn


def _sqlite_driver(conn: sa.Connection) -> Any:
    if conn.dialect.name != "sqlite":
        return None
    return conn.connection.driver_connection


def _sqlite_foreign_keys_off(conn: sa.Connection) -> bool:
    """Turn ``PRAGMA foreign_keys`` off before BEGIN (it is a no-op inside a transaction).

    A rebuild drops the old table; with foreign keys on, that DROP would delete or
    change child rows through ON DELETE actions. Our own check runs before commit.
    """
    driver = _sqlite_driver(conn)
    if driver is None or driver.in_transaction:
        return False
    on = bool(driver.execute("PRAGMA foreign_keys").fetchone()[0])
    if on:
        driver.execute("PRAGMA foreign_keys=OFF")
    return on


def _sqlite_begin(conn: sa.Connection) -> None:
    """pysqlite does not BEGIN before DDL by itself; make the transaction real."""
    driver = _sqlite_driver(conn)
    if driver is not None and not driver.in_transaction:
        conn.exec_driver_sql("BEGIN")


def _render(step: Step, dialect: Dialect, *, literal: bool = True) -> str:
    kw = {"literal_binds": True} if literal else {}
    assert isinstance(step, sa.sql.ClauseElement)
    return str(step.compile(dialect=dialect, compile_kwargs=kw)).strip()


def _emit(state: _Offline, step: Step) -> None:
    sql = _render(step, state.dialect) + ";"
    state.statements.append(sql)
    if state.stream is not None:
        state.stream.write(sql + "\n\n")
