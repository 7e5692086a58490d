"""Schema changes on a MariaDB Galera cluster.

Two things live here:

* :func:`check_primary_key`: the runner calls it for every operation on a Galera node.
  Galera replicates rows by primary key; a table without one replicates slowly and can
  diverge. An operation that leaves its table without a primary key warns
  (:class:`GaleraWarning`), or fails before any change when the server runs with
  ``wsrep_mode=REQUIRED_PRIMARY_KEY``.
* :func:`rolling_alter_table`: a rolling schema upgrade (RSU). The changes of one table
  run node by node with ``SET SESSION wsrep_OSU_method='RSU'``: each node applies the DDL
  alone, desynced from the cluster, while the other nodes keep serving. Rows written
  meanwhile replicate between nodes with old and new schema, so only changes that keep
  both directions working are allowed; everything else is refused, before anything runs,
  with :class:`RollingSchemaChangeError`.

Everything else runs in Galera's default mode, TOI (total order isolation): each DDL
statement is replicated and applied on all nodes at the same point of the cluster's
order. See ``docs/galera.rst``.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import UpdateBase

from migrate.changeset import capabilities, introspect, planner, runner
from migrate.changeset.batch import BatchOperations
from migrate.changeset.capabilities import GaleraInfo
from migrate.changeset.introspect import TableSnapshot
from migrate.changeset.ops import (
    UNCHANGED,
    AddColumnOp,
    AddConstraintOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    Op,
    RenameIndexOp,
    TableRef,
)
from migrate.exceptions import InvalidOperationError

log = logging.getLogger("migrate.changeset")

T = TypeVar("T")

#: MySQL/MariaDB error codes a Galera client sees when its transaction lost a conflict
#: (certification failure or a brute-force abort by replicated DDL): retry the transaction.
RETRYABLE_ERRORS = frozenset({1213, 1205})

__all__ = [
    "GaleraInfo",
    "GaleraWarning",
    "RETRYABLE_ERRORS",
    "RollingSchemaChangeError",
    "check_primary_key",
    "error_code",
    "info",
    "is_retryable",
    "node_state",
    "retry",
    "rolling_alter_table",
    "rsu_problems",
    "wait_synced",
]


class GaleraWarning(UserWarning):
    """A change that works on a Galera cluster but is not safe there (no primary key)."""


class RollingSchemaChangeError(InvalidOperationError):
    """A change that a rolling schema upgrade (RSU) cannot apply safely; nothing ran."""


def info(conn: sa.Connection) -> GaleraInfo | None:
    """The server's Galera settings, None when it is not a Galera node (cached)."""
    return capabilities.galera(conn)


# --------------------------------------------------------------------------- primary keys


def _has_primary_key_after(ops: Sequence[Op], snap: TableSnapshot) -> bool:
    pk = {c.name for c in snap.table.primary_key.columns}
    for op in ops:
        match op:
            case AddColumnOp() if op.column.primary_key:
                pk.add(op.column.name)
            case AddConstraintOp() if isinstance(op.constraint, sa.PrimaryKeyConstraint):
                pk = {"<new primary key>"}
            case DropConstraintOp() if (
                op.kind == "primary_key"
                or isinstance(op.constraint, sa.PrimaryKeyConstraint)
                or (op.constraint_name or "").upper() == "PRIMARY"
            ):
                pk = set()
            case DropColumnOp():
                pk.discard(op.column_name)
            case AlterColumnOp():
                if op.primary_key is True:
                    pk.add(op.column_name)
                elif op.primary_key is False:
                    pk.discard(op.column_name)
                if op.name is not UNCHANGED and op.column_name in pk:
                    pk.discard(op.column_name)
                    pk.add(op.name)
            case _:
                pass
    return bool(pk)


def check_primary_key(conn: sa.Connection, ops: Sequence[Op], snap: TableSnapshot) -> None:
    """On a Galera node: warn (or, with ``wsrep_mode=REQUIRED_PRIMARY_KEY``, refuse before
    any change) when ``ops`` leave their table without a primary key. No-op elsewhere."""
    galera = info(conn)
    if galera is None or _has_primary_key_after(ops, snap):
        return
    message = (
        f"table {snap.ref.fullname!r} has no primary key after this change: Galera "
        "replicates rows by primary key; without one, replication is slow and nodes can "
        "diverge (add a primary key)"
    )
    if galera.required_primary_key:
        raise InvalidOperationError(
            message + "; the server runs with wsrep_mode=REQUIRED_PRIMARY_KEY, nothing was changed"
        )
    warnings.warn(message, GaleraWarning, stacklevel=4)


# every online operation on a Galera node is checked (the runner calls it; no-op elsewhere)
runner.add_check(check_primary_key)


# --------------------------------------------------------------------------- retries


def error_code(error: BaseException) -> int | None:
    """The MySQL error number of a DBAPI or SQLAlchemy error, if it has one."""
    orig = getattr(error, "orig", error)
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int):
        return args[0]
    return None


def is_retryable(error: BaseException) -> bool:
    """True for the errors a Galera client must answer by retrying its transaction."""
    return error_code(error) in RETRYABLE_ERRORS


def retry(
    work: Callable[[], T], *, attempts: int = 10, delay: float = 0.05, backoff: float = 2.0
) -> T:
    """Run ``work()`` again while it fails with a retryable Galera error (1213 deadlock /
    certification failure, 1205 lock wait timeout), at most ``attempts`` times.

    ``work`` must run a whole transaction (begin to commit): on a cluster, a conflict is
    reported at commit and the transaction is gone. Any other error is raised at once.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except sa.exc.DBAPIError as error:
            if attempt == attempts or not is_retryable(error):
                raise
            log.info("Galera conflict (%s), retrying (%d/%d)", error_code(error), attempt, attempts)
            time.sleep(delay * backoff ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- node state


def node_state(conn: sa.Connection) -> str:
    """``wsrep_local_state_comment`` of the node: ``Synced``, ``Donor/Desynced``, ..."""
    row = conn.exec_driver_sql("SHOW STATUS LIKE 'wsrep_local_state_comment'").first()
    return str(row[1]) if row is not None else ""


def wait_synced(conn: sa.Connection, timeout: float = 60.0) -> None:
    """Wait until the node is ``Synced``; InvalidOperationError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    state = node_state(conn)
    while state != "Synced":
        if time.monotonic() >= deadline:
            raise InvalidOperationError(
                f"Galera node {conn.engine.url.render_as_string(hide_password=True)} is "
                f"{state or 'not answering'}, not Synced, after {timeout:.0f}s"
            )
        time.sleep(0.1)
        state = node_state(conn)


# --------------------------------------------------------------------------- RSU


def rsu_problems(ops: Sequence[Op], snap: TableSnapshot) -> list[str]:
    """Why each op cannot run as a rolling schema upgrade (empty: all can).

    Allowed: adding a column that is nullable or has a server default (appended last,
    so rows from nodes with either schema still apply), creating a non-unique index,
    dropping or renaming an index, changing a column's server default. Everything else
    breaks rows replicated while the nodes disagree.
    """
    problems: list[str] = []
    for op in ops:
        match op:
            case AddColumnOp():
                col = op.column
                if col.primary_key:
                    problems.append(f"add column {col.name!r}: it is part of the primary key")
                elif not col.nullable and col.server_default is None:
                    problems.append(
                        f"add column {col.name!r}: NOT NULL without a server default "
                        "(rows from nodes without the column cannot be applied)"
                    )
                elif col.unique or col.foreign_keys:
                    problems.append(
                        f"add column {col.name!r}: it has a UNIQUE or FOREIGN KEY constraint"
                    )
            case CreateIndexOp() if op.unique:
                problems.append(
                    f"create unique index {op.name!r}: rows replicated from other nodes "
                    "could violate it"
                )
            case CreateIndexOp() | DropIndexOp() | RenameIndexOp():
                pass
            case AlterColumnOp() if set(op.changes()) == {"server_default"}:
                pass
            case AlterColumnOp():
                what = ", ".join(sorted(set(op.changes()) - {"server_default"}))
                problems.append(
                    f"alter column {op.column_name!r} ({what}): a type, name, nullability or "
                    "key change makes rows from nodes with the other schema fail to apply"
                )
            case DropColumnOp():
                problems.append(
                    f"drop column {op.column_name!r}: nodes that still have it replicate "
                    "rows the others cannot apply"
                )
            case _:
                problems.append(
                    f"{type(op).__name__}: constraint and table changes are not backward "
                    "compatible for rows replicated meanwhile"
                )
    return problems


def _plan_has_dml(plan: planner.Plan) -> bool:
    return any(isinstance(step, UpdateBase) for step in plan.steps)


@contextmanager
def rolling_alter_table(
    table: str,
    nodes: Sequence[str | sa.Engine],
    *,
    schema: str | None = None,
    sync_timeout: float = 60.0,
) -> Iterator[BatchOperations]:
    """Collect changes to ``table`` and apply them as a rolling schema upgrade (RSU).

    ``nodes``: the URL (or Engine) of every node of the cluster. Use it like
    :func:`~migrate.changeset.alter_table`::

        with rolling_alter_table("users", [url1, url2, url3]) as t:
            t.add_column(Column("nickname", String(40)))
            t.create_index("ix_users_nickname", "nickname")

    On exit, before anything runs: every node must be a Synced Galera node with the table,
    and every change must be backward compatible for rows replicated while the nodes have
    different schemas (:func:`rsu_problems`; a change whose plan would need an ``UPDATE``
    to fill rows is refused too: DML is replicated, DDL in RSU is not). Then, node by
    node: ``SET SESSION wsrep_OSU_method='RSU'``, the DDL, back to ``TOI``, wait until the
    node is Synced again. Nothing runs if the block raises. If a node fails, the error
    names the nodes that already have the change.
    """
    ref = TableRef(table, schema)
    batch = BatchOperations(ref)
    yield batch
    if not batch.ops:
        return
    if not nodes:
        raise InvalidOperationError("rolling_alter_table() needs the nodes of the cluster")
    engines: list[sa.Engine] = []
    own: list[sa.Engine] = []
    for node in nodes:
        if isinstance(node, sa.Engine):
            engines.append(node)
        else:
            engine = sa.create_engine(node)
            engines.append(engine)
            own.append(engine)
    try:
        _check_nodes(engines, batch.ops, ref, sync_timeout)
        done: list[str] = []
        for engine in engines:
            shown = engine.url.render_as_string(hide_password=True)
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql("SET SESSION wsrep_OSU_method='RSU'")
                    try:
                        log.info("RSU: %s on %s", ref.fullname, shown)
                        runner.run(batch.ops, conn, batch=True)
                        conn.commit()
                    finally:
                        conn.exec_driver_sql("SET SESSION wsrep_OSU_method='TOI'")
                    wait_synced(conn, sync_timeout)
            except Exception as error:
                have = ", ".join(done) if done else "none"
                raise InvalidOperationError(
                    f"rolling change of {ref.fullname!r} failed on {shown}: {error}; "
                    f"nodes that already have the change: {have}. The nodes now differ: "
                    "fix the cause and apply the same change to the remaining nodes"
                ) from error
            done.append(shown)
    finally:
        for engine in own:
            engine.dispose()


def _check_nodes(
    engines: Sequence[sa.Engine], ops: Sequence[Op], ref: TableRef, sync_timeout: float
) -> None:
    """Everything :func:`rolling_alter_table` verifies before the first node changes."""
    problems = []
    for number, engine in enumerate(engines, 1):
        shown = engine.url.render_as_string(hide_password=True)
        with engine.connect() as conn:
            if engine.dialect.name not in ("mysql", "mariadb") or info(conn) is None:
                raise InvalidOperationError(
                    f"rolling_alter_table(): {shown} is not a Galera node (wsrep_on is off)"
                )
            state = node_state(conn)
            if state != "Synced":
                raise InvalidOperationError(
                    f"rolling_alter_table(): node {shown} is {state}, not Synced; nothing ran"
                )
            snap = introspect.snapshot(conn, ref, want_rows=True)
            caps = capabilities.for_dialect(conn.dialect)
            if number == 1:
                problems = rsu_problems(ops, snap)
                if not problems and _plan_has_dml(planner.plan(ops, caps, snap, batch=True)):
                    problems.append(
                        "the change needs an UPDATE to fill existing rows (DML is replicated "
                        "in RSU mode, DDL is not): give new columns a server default"
                    )
                if problems:
                    raise RollingSchemaChangeError(
                        f"rolling_alter_table({ref.fullname!r}) refused, nothing ran: "
                        + "; ".join(problems)
                        + ". Run these changes in TOI mode (the default, e.g. alter_table())."
                    )
            else:
                planner.plan(ops, caps, snap, batch=True)  # same validation on every node
