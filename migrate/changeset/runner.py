"""The runner: the only code that touches a Connection.

``run()`` resolves the transaction, reads the snapshot on the connection that
will run the DDL, asks the planner for a plan and executes it. Inside
:func:`to_sql` the same plan is rendered to SQL text instead.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeAlias

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.schema import ExecutableDDLElement

from migrate.changeset import capabilities, ddl, introspect, planner
from migrate.changeset.binding import Bindable
from migrate.changeset.ddl import CopyRows, RawSQL, render
from migrate.changeset.ops import (
    UNCHANGED,
    AddColumnOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropIndexOp,
    Op,
    RenameIndexOp,
    RenameTableOp,
)
from migrate.changeset.snapshot import TableSnapshot
from migrate.changeset.steps import Backfill, Plan, Step
from migrate.exceptions import (
    Error,
    ForeignKeyViolationError,
    InvalidOperationError,
    OfflineError,
)

log = logging.getLogger("migrate.changeset")


@dataclass
class _Offline:
    dialect: Dialect
    caps: capabilities.Capabilities
    statements: list[str] = field(default_factory=list)
    stream: TextIO | None = None

    def write(self, sql: list[str]) -> None:
        """Append an operation's rendered statements (and write them to the stream)."""
        self.statements.extend(sql)
        if self.stream is not None:
            for statement in sql:
                self.stream.write(statement + "\n\n")


_offline: contextvars.ContextVar[_Offline | None] = contextvars.ContextVar(
    "migrate_changeset_offline", default=None
)


@contextmanager
def to_sql(dialect: str | Dialect, stream: TextIO | None = None) -> Iterator[list[str]]:
    """Render every changeset operation inside the block as SQL instead of running it.

    ``dialect`` is a name (``"sqlite"``, ``"postgresql"``, ``"mysql"``, ``"mariadb"``) or a
    Dialect object. Yields a list; each statement (literal values, ``;``-terminated) is
    appended to it, and also written to ``stream`` if given. No driver and no database
    are needed; operations see only what their Table objects describe.
    """
    d = capabilities.dialect_from_name(dialect) if isinstance(dialect, str) else dialect
    caps = capabilities.for_dialect(d, offline=True)  # refuses unsupported dialects up front
    state = _Offline(d, caps, stream=stream)
    token = _offline.set(state)
    try:
        yield state.statements
    finally:
        _offline.reset(token)


def offline_active() -> bool:
    return _offline.get() is not None


def offline_state() -> _Offline | None:
    """The :func:`to_sql` block in effect (its dialect, and ``write()`` for statements)."""
    return _offline.get()


#: A check of planned ops against the table, online, before anything is sent: it raises
#: to refuse the change (nothing ran) or warns. ``check(conn, ops, snap)``.
Check: TypeAlias = Callable[[sa.Connection, Sequence[Op], TableSnapshot], None]

_checks: list[Check] = []


def add_check(check: Check) -> None:
    """Run ``check`` on every online :func:`run` after planning, before any statement.

    How modules above the runner bring their own rules without the runner knowing them
    (``galera`` adds its primary-key check).
    """
    if check not in _checks:
        _checks.append(check)


def run(
    ops: Sequence[Op],
    target: Bindable | None,
    *,
    table: sa.Table | None = None,
    batch: bool = False,
    options: Mapping[str, Any] | None = None,
    reflected: tuple[sa.Connection, sa.Table] | None = None,
) -> Plan:
    """Plan and execute ``ops`` (all on one table) in one transaction; return the plan.

    ``options``: dialect options of the whole operation (``mysql_algorithm``, ...).
    ``reflected``: (connection, Table) the caller fully reflected (``Table(autoload_with=)``
    into a MetaData of its own) just before; used as the snapshot's table when the
    operation runs on that very connection, instead of reflecting again.
    """
    ref = ops[0].table
    state = _offline.get()
    if state is not None:
        caps = state.caps
        snap = introspect.snapshot_from_table(table, ref)
        if "sqlite_schema" in planner.needs(ops, caps, snap):
            snap = introspect.offline_sqlite_schema(snap)
        p = planner.plan(
            ops, caps, snap, batch=batch, options=options, validated=True, types_checked=True
        )
        steps = [*p.steps, *p.after_commit]
        # offline, a callable default is evaluated once (documented): its value, written
        # where the copy would call it per row
        once = {
            f"{name}()": ddl.processed_literal(fn(), sa.types.NULLTYPE, state.dialect, name)
            for name, fn in p.sqlite_functions.items()
        }
        if p.legacy_alter_table:
            steps = [RawSQL("PRAGMA legacy_alter_table=ON"), *steps]
            steps.append(RawSQL("PRAGMA legacy_alter_table=OFF"))
        sql: list[str] = []
        try:  # every statement rendered before any is written
            for step in steps:
                text = _render(step, state.dialect)
                for call, literal in once.items():
                    text = text.replace(call, literal)
                sql.append(text + ";")
        except (sa.exc.CompileError, sa.exc.UnsupportedCompilationError):
            planner.check_types_render(ops, caps)  # a new column's type: our error, naming it
            raise
        state.write(sql)
        return p
    assert target is not None, "online run() needs a bind"
    if _wants_autocommit(ops, target):
        return _run_autocommit(ops, target, batch=batch, options=options)
    own = isinstance(target, sa.Engine)
    if isinstance(target, sa.Engine) and reflected is None:
        if optimistic(ops, capabilities.for_dialect(target.dialect)):
            alone = _run_alone(target, ops, batch=batch, options=options)
            if alone is not None:
                return alone
    with transaction(target) as conn:
        caps = capabilities.for_dialect(conn.dialect)
        done: Plan | None = None
        if reflected is None and optimistic(ops, caps):
            done = _run_optimistic(conn, ops, caps, batch=batch, options=options, after=not own)
        elif reflected is None and one_statement(ops, caps):
            done = _run_unread(conn, ops, caps, batch=batch, options=options)
        if done is not None:
            p = done
        else:
            same = reflected is not None and reflected[0] is conn
            snap = _snapshot(conn, ops, ref, reflected[1] if same and reflected else None)
            if "sqlite_schema" in planner.needs(ops, caps, snap):
                snap = introspect.with_sqlite_schema(conn, snap)
            p = planner.plan(ops, caps, snap, batch=batch, options=options, validated=True)
            for check in _checks:
                check(conn, ops, snap)
            # the caller's transaction: the plan's after-commit steps right after, in it
            apply(conn, p, savepoint=_in_callers_transaction(conn, target), after=not own)
    if p.after_commit and isinstance(target, sa.Engine):
        with target.connect() as conn:
            _run_after(conn, p, commit_each=True)
    return p


def optimistic(ops: Sequence[Op], caps: capabilities.Capabilities) -> bool:
    """Whether ``ops`` run without reading the table first (:func:`_run_optimistic`).

    PostgreSQL through a driver that sends several statements at once: adding plain
    columns (no key, index, constraint, or check of the table's rows) and pure column
    renames, whose SQL depends on nothing but the names the caller gave, and whose every
    bad input (no such table or column, a duplicate name) the database refuses too.
    """
    return (
        caps.multi_statement
        and introspect.names_only(ops, caps.family)
        and not introspect.wants_rows(ops)
        # a named Enum type may exist already (the script created it): read the types
        and not introspect.wants_enums(ops)
        # every op sends its own statement, for the database to refuse: no rename to the
        # same name, no renames a batch merges (a -> b -> c is sent as a -> c)
        and all(
            planner.fold(str(op.name)) != planner.fold(op.column_name)
            for op in ops
            if isinstance(op, AlterColumnOp)
        )
        and len(planner.coalesce_alters(ops)) == len(ops)
    )


def one_statement(ops: Sequence[Op], caps: capabilities.Capabilities) -> bool:
    """MySQL/MariaDB: adding one plain column (no key, index, constraint, or check of the
    table's rows), sent without reading the table first (SPEC §7): its one ``ALTER
    TABLE`` is atomic, and the server refuses every bad input (no such table, a
    duplicate column) with nothing changed. sqlalchemy-migrate 0.13 sent it alone too.
    """
    return (
        caps.family == "mysql"
        and len(ops) == 1
        and isinstance(ops[0], AddColumnOp)
        and capabilities.plain_column(ops[0].column)
        and not introspect.wants_rows(ops)
    )


def _run_unread(
    conn: sa.Connection,
    ops: Sequence[Op],
    caps: capabilities.Capabilities,
    *,
    batch: bool,
    options: Mapping[str, Any] | None,
) -> Plan | None:
    """A :func:`one_statement` operation planned against the table it presumes and sent
    as its one statement; a refusal is validated against the table read then (our error
    for bad input, else the database's). None, before anything was sent, when the plan
    is more than one statement (a Python default: ADD with DEFAULT, DROP DEFAULT) or the
    server is a Galera node (its primary key check reads the table)."""
    if capabilities.galera(conn) is not None:
        return None
    try:
        p = planner.plan(ops, caps, introspect.presumed_snapshot(ops), batch=batch, options=options)
    except Error:
        return None
    if len(p.steps) != 1 or p.after_commit or not isinstance(p.steps[0], ExecutableDDLElement):
        return None
    with _refused_by_database(conn, ops, caps):
        execute(conn, p)
    return p


def _run_optimistic(
    conn: sa.Connection,
    ops: Sequence[Op],
    caps: capabilities.Capabilities,
    *,
    batch: bool,
    options: Mapping[str, Any] | None,
    after: bool,
) -> Plan:
    """Plan ``ops`` against the table they presume and send the SQL in one round trip,
    inside a savepoint.

    Reading the table first would cost more than the change (bench W2, W6-pg). If the
    database refuses, the savepoint is rolled back (nothing changed), the table is read
    and the ops validated as usual: bad input gets its ``migrate.exceptions`` error, and
    any other failure is the database's own error, re-raised.
    """
    kw: dict[str, Any] = {"batch": batch, "options": options}
    try:
        p = planner.plan(ops, caps, introspect.presumed_snapshot(ops), **kw)
    except Error:  # ops that contradict each other, or the presumption: read
        p = planner.plan(ops, caps, _snapshot(conn, ops, ops[0].table), **kw)
    with _refused_by_database(conn, ops, caps):
        # in autocommit, PostgreSQL runs the one string as one (implicit) transaction
        apply(conn, p, savepoint=not _autocommit(conn), after=after)
    return p


def _run_alone(
    engine: sa.Engine, ops: Sequence[Op], *, batch: bool, options: Mapping[str, Any] | None
) -> Plan | None:
    """An Engine's :func:`optimistic` operation as one string on a connection of ours in
    AUTOCOMMIT: PostgreSQL runs it as one implicit transaction, atomic like our own
    transaction would be, in one round trip instead of three (``BEGIN``, the string,
    ``COMMIT``; bench W2, W6-pg ``engine=``). None, before anything was sent: an
    operation that needs the table read first or more than one string, run as usual.
    """
    with engine.connect() as conn:
        caps = capabilities.for_dialect(conn.dialect)  # with the server's version now
        try:
            p = planner.plan(
                ops, caps, introspect.presumed_snapshot(ops), batch=batch, options=options
            )
        except Error:
            return None
        sql = None if p.after_commit else _one_string(conn, p, p.steps)
        if not sql:
            return None
        # set on our pooled connection only; SQLAlchemy resets it when the pool takes it back
        conn.execution_options(isolation_level="AUTOCOMMIT")
        with _refused_by_database(conn, ops, caps):
            _send(conn, sql, savepoint=False)
    return p


@contextmanager
def _refused_by_database(
    conn: sa.Connection, ops: Sequence[Op], caps: capabilities.Capabilities
) -> Iterator[None]:
    """An optimistic operation's statements, sent unread: when the database refuses
    them (nothing of them stays), read the table and raise our error for bad input (the
    database's as its cause); any other failure is the database's own, re-raised."""
    try:
        yield
    except sa.exc.DBAPIError:
        if conn.invalidated:
            raise  # the connection is gone: nothing to read
        planner.validate(ops, _snapshot(conn, ops, ops[0].table), caps)  # raises ours for bad input
        raise


def _snapshot(
    conn: sa.Connection, ops: Sequence[Op], ref: Any, reflected: sa.Table | None = None
) -> introspect.TableSnapshot:
    """What the ops' planning reads, and no more (see ``introspect.reflection_needs``).

    ``reflected``: the table as :func:`introspect.reflect` read it on ``conn`` in this
    transaction, with at least what the ops need; not read again.
    """
    return introspect.snapshot(
        conn,
        ref,
        other_tables=tuple(op.new_name for op in ops if isinstance(op, RenameTableOp)),
        want_rows=introspect.wants_rows(ops),
        referencing=introspect.wants_referencing(ops),
        sequences=any(isinstance(op, RenameTableOp) for op in ops),
        enums=introspect.wants_enums(ops),
        needs=introspect.reflection_needs(ops, conn.dialect.name),
        table=reflected,
        names_only=introspect.names_only(ops, conn.dialect.name),
        constraints_only=introspect.constraints_only(ops, conn.dialect.name),
        columns_only=introspect.columns_only(ops, conn.dialect.name),
        drop_columns=tuple(op.column_name for op in ops if isinstance(op, DropColumnOp)),
        renames_only=introspect.renames_only(ops, conn.dialect.name),
        with_indexes=any(isinstance(op, RenameIndexOp) for op in ops),
        key_flags=tuple(
            (op.column_name, bool(op.primary_key))
            for op in ops
            if isinstance(op, AlterColumnOp) and op.primary_key is not UNCHANGED
        ),
        key_columns=introspect.added_key_columns(ops),
    )


def _wants_autocommit(ops: Sequence[Op], target: Bindable) -> bool:
    """``postgresql_concurrently=True`` on a PostgreSQL index op: no transaction block."""
    conn_or_engine = target.connection() if isinstance(target, Session) else target
    if conn_or_engine.dialect.name != "postgresql":
        return False
    return any(
        isinstance(op, (CreateIndexOp, DropIndexOp))
        and dict(op.dialect_kw).get("postgresql_concurrently")
        for op in ops
    )


def _run_autocommit(
    ops: Sequence[Op], target: Bindable, *, batch: bool, options: Mapping[str, Any] | None
) -> Plan:
    """Run ops that cannot be inside a transaction block, each statement on its own.

    An Engine: a connection of ours in AUTOCOMMIT. A caller's Connection or Session
    inside a transaction: refused before anything runs (PostgreSQL would refuse
    ``CREATE INDEX CONCURRENTLY`` there, after earlier statements ran).
    """
    if isinstance(target, sa.Engine):
        with target.connect() as raw:
            conn = raw.execution_options(isolation_level="AUTOCOMMIT")
            return _plan_and_execute(conn, ops, batch=batch, options=options)
    conn = target.connection() if isinstance(target, Session) else target
    level = conn.get_execution_options().get("isolation_level")
    if conn.in_transaction() or level != "AUTOCOMMIT":
        raise InvalidOperationError(
            "postgresql_concurrently=True: CREATE/DROP INDEX CONCURRENTLY cannot run inside "
            "a transaction block, and this Connection/Session is in one (or would begin "
            "one); pass an Engine, or a connection with isolation_level='AUTOCOMMIT' "
            "outside a transaction. Nothing was changed"
        )
    return _plan_and_execute(conn, ops, batch=batch, options=options)


def _plan_and_execute(
    conn: sa.Connection, ops: Sequence[Op], *, batch: bool, options: Mapping[str, Any] | None
) -> Plan:
    caps = capabilities.for_dialect(conn.dialect)
    snap = _snapshot(conn, ops, ops[0].table)
    p = planner.plan(ops, caps, snap, batch=batch, options=options)
    execute(conn, p)
    _run_after(conn, p)
    return p


def _run_after(conn: sa.Connection, p: Plan, *, commit_each: bool = False) -> None:
    """The plan's ``after_commit`` steps; ``commit_each``: each in its own transaction.

    A failing step runs the plan's ``cleanup`` steps (best effort) and re-raises.
    """
    try:
        for step in p.after_commit:
            if isinstance(step, Backfill):
                run_backfill(conn, step, commit_each=commit_each)
                continue
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s", _render(step, conn.dialect, literal=False))
            conn.execute(step)
            if commit_each:
                conn.commit()
    except Exception:
        if commit_each and p.cleanup:
            conn.rollback()
            for undo in p.cleanup:
                assert not isinstance(undo, Backfill)
                try:
                    conn.execute(undo)
                    conn.commit()
                except Exception:  # the original error matters more
                    conn.rollback()
                    log.warning("cleanup after a failed change failed: %s", undo)
        raise


def run_backfill(conn: sa.Connection, step: Backfill, *, commit_each: bool = False) -> int:
    """Fill ``step.column`` row by row from ``step.fill()``, ``step.batch_size`` rows at a
    time in primary key order (keyset pagination); progress at INFO. Returns rows filled.

    ``commit_each``: commit after each batch, so row locks are held for one batch only.
    """
    table = sa.table(
        step.table.name,
        *[sa.column(k) for k in step.key],
        sa.column(step.column, step.type),
        schema=step.table.schema,
    )
    key = [table.c[k] for k in step.key]
    total = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    empty = table.c[step.column].is_(None)
    if not key:  # no row identity (MySQL without a primary key): one row at a time
        one = (
            sa.update(table).where(empty).values({step.column: sa.bindparam("v", type_=step.type)})
        )
        done = 0
        while (
            done < total
            and conn.execute(one.with_dialect_options(mysql_limit=1), {"v": step.fill()}).rowcount
        ):
            done += 1
        log.info("backfill %s.%s: %d/%d rows", step.table.fullname, step.column, done, total)
        return done
    params: dict[str, Any] = {f"k_{i}": sa.bindparam(f"k_{i}") for i in range(len(key))}
    update = (
        sa.update(table)
        .where(*[k == params[f"k_{i}"] for i, k in enumerate(key)])
        .values({step.column: sa.bindparam("v", type_=step.type)})
    )
    done = 0
    last: tuple[Any, ...] | None = None
    # PostgreSQL's ctid (a table without a primary key) moves when a row is updated: the
    # rows still empty are the next ones, never a ctid after the last one seen
    keyset = step.key != ("ctid",)
    while done < total:
        query = sa.select(*key).where(empty).order_by(*key).limit(step.batch_size)
        if last is not None and keyset:
            query = query.where(sa.tuple_(*key) > sa.tuple_(*last))
        keys = [tuple(r) for r in conn.execute(query)]
        if not keys:
            break
        conn.execute(
            update,
            [{**{f"k_{i}": k[i] for i in range(len(k))}, "v": step.fill()} for k in keys],
        )
        if commit_each:
            conn.commit()
        done += len(keys)
        last = keys[-1]
        log.info("backfill %s.%s: %d/%d rows", step.table.fullname, step.column, done, total)
    return done


#: the savepoint around an operation's statements inside a transaction (SQLAlchemy's own
#: are called ``sa_savepoint_N``)
SAVEPOINT = "migrate_changeset"


def apply(conn: sa.Connection, p: Plan, *, savepoint: bool, after: bool) -> None:
    """Run the plan's steps on ``conn``, inside the operation's transaction; ``after``:
    its ``after_commit`` steps too, right after.

    ``savepoint``: the caller's transaction: a savepoint makes the operation atomic (a
    failure rolls back to it, so the caller's earlier work stays usable). Where the
    driver allows (``Capabilities.multi_statement``), plain DDL goes as one string:
    ``SAVEPOINT; ALTER ...; ...; RELEASE SAVEPOINT``, one round trip instead of one per
    statement plus two.
    """
    steps = [*p.steps, *(p.after_commit if after else ())]
    if not steps:
        return
    sql = _one_string(conn, p, steps) if len(steps) + savepoint > 1 else None
    if sql is not None:
        _send(conn, sql, savepoint=savepoint)
        return
    with conn.begin_nested() if savepoint else nullcontext():
        execute(conn, p)
        if after and p.after_commit:
            _run_after(conn, p)


def _in_callers_transaction(conn: sa.Connection, target: Bindable) -> bool:
    """Whether the operation runs inside the caller's transaction, where a savepoint
    makes it atomic (transactional DDL only; not an Engine's transaction of our own)."""
    if isinstance(target, sa.Engine):
        return False
    return capabilities.for_dialect(conn.dialect).transactional_ddl and not _autocommit(conn)


def _autocommit(conn: sa.Connection) -> bool:
    """A caller's PostgreSQL connection in autocommit: no transaction block to put a
    savepoint in (psycopg's and psycopg2's ``autocommit`` flag)."""
    if conn.dialect.name != "postgresql":
        return False
    return bool(getattr(conn.connection.driver_connection, "autocommit", False))


def _one_string(conn: sa.Connection, p: Plan, steps: Sequence[Step]) -> list[str] | None:
    """The steps' SQL, if they can be sent together: DDL only (no DML, whose parameters
    are bound per statement) on a driver that runs several statements at once; else
    None."""
    if not capabilities.for_dialect(conn.dialect).multi_statement:
        return None
    if p.fk_check_tables or p.legacy_alter_table:
        return None
    if conn.get_execution_options().get("schema_translate_map"):
        return None  # applied by SQLAlchemy per executed statement
    if not all(isinstance(step, ExecutableDDLElement) for step in steps):
        return None
    # DDL compiles without bound parameters (SQLAlchemy's DDLCompiler has none)
    return [_render(step, conn.dialect, literal=False) for step in steps]


def _send(conn: sa.Connection, sql: list[str], *, savepoint: bool) -> None:
    if log.isEnabledFor(logging.DEBUG):
        for statement in sql:  # as rendered: the steps are not compiled again
            log.debug("%s", statement)
    if savepoint:
        sql = [f"SAVEPOINT {SAVEPOINT}", *sql, f"RELEASE SAVEPOINT {SAVEPOINT}"]
    try:
        conn.exec_driver_sql(";\n".join(sql))
    except sa.exc.DBAPIError:
        if savepoint:
            try:
                conn.exec_driver_sql(
                    f"ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}"
                )
            except sa.exc.DBAPIError:  # e.g. the connection is gone: the first error matters
                log.warning("rolling back to the savepoint failed", exc_info=True)
        raise


def execute(conn: sa.Connection, p: Plan) -> None:
    """Run a plan's steps on ``conn`` (already inside the operation's transaction).

    SQLite rebuilds: ``PRAGMA foreign_key_check`` on the affected tables after the steps;
    violations the change introduced roll it back with an error naming the rows, ones
    that existed before (found by rolling back to a savepoint and checking again) are
    logged as a warning.
    """
    if not p.fk_check_tables:
        _run_steps(conn, p)
        return
    _guard_foreign_keys(conn, p)
    with conn.begin_nested() as savepoint:
        _run_steps(conn, p)
        after = _fk_violations(conn, p)
        if not after:
            return
        savepoint.rollback()
    before = _fk_violations(conn, p)
    new = sorted(after - before)
    if new:
        shown = ", ".join(f"{t}.rowid={r} -> {parent}" for t, r, parent, _ in new[:20])
        raise ForeignKeyViolationError(
            f"The change would break foreign keys ({len(new)} rows: {shown}); nothing was changed"
        )
    for row in sorted(after):
        log.warning("foreign key violation that existed before the change: %s", row)
    _run_steps(conn, p)


def _run_steps(conn: sa.Connection, p: Plan) -> None:
    if p.sqlite_functions:
        driver = conn.connection.driver_connection
        for name, fn in p.sqlite_functions.items():
            driver.create_function(name, 0, fn)  # type: ignore[union-attr]
    if p.legacy_alter_table:
        conn.exec_driver_sql("PRAGMA legacy_alter_table=ON")
    done = 0
    try:
        for done, step in enumerate(p.steps):  # noqa: B007 (read after a failure)
            if isinstance(step, Backfill):
                run_backfill(conn, step)
                continue
            if isinstance(step, CopyRows):
                _copy_rows(conn, step)
                continue
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s", _render(step, conn.dialect, literal=False))
            conn.execute(step)
    except Exception as exc:
        if done and not capabilities.for_dialect(conn.dialect).transactional_ddl:
            _note_partial(exc, conn.dialect, p.steps[:done], p.steps[done:])
        raise
    finally:
        if p.legacy_alter_table:
            conn.exec_driver_sql("PRAGMA legacy_alter_table=OFF")


def _note_partial(
    exc: Exception, dialect: Dialect, ran: Sequence[Step], rest: Sequence[Step]
) -> None:
    """MySQL/MariaDB commit each DDL statement: say what already ran and what did not.

    The database's exception is re-raised unchanged; this adds a note to it (shown with
    the traceback) and logs the same at ERROR.
    """

    def show(steps: Sequence[Step]) -> str:
        return "\n".join(f"    {_render(s, dialect)};" for s in steps)

    note = (
        f"migrate.changeset: {dialect.name} commits each DDL statement, so this operation "
        f"is half done. These statements already ran:\n{show(ran)}\n"
        f"These did not (the first one failed); fix the cause and run them to finish, or "
        f"undo the ones that ran by hand:\n{show(rest)}"
    )
    # what BaseException.add_note does on 3.11+, spelled so that 3.10 keeps it too
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        notes.append(note)
    else:
        exc.__notes__ = [note]  # type: ignore[attr-defined]
    log.error("%s", note)


#: rows per statement when a rebuild copies a large table (progress is logged per chunk)
COPY_CHUNK_ROWS = 200_000


def _copy_rows(conn: sa.Connection, step: CopyRows) -> None:
    """Copy a rebuilt table's rows; a large one in rowid ranges, logging progress at INFO.

    The rowids' ``min()`` and ``max()`` (two lookups) decide; the rows are counted, which
    reads the whole table once more, only when the rowids span over ``MAX_RANGES`` ranges.
    Rowids spread far wider than the rows (ids from a generator, say) are then copied in
    one statement: the ranges would be mostly empty, and up to billions of them.
    """
    bounds = None
    if step.key is not None:
        bounds = conn.execute(step.bounds()).one()
    if bounds is not None and bounds[0] is not None:
        first, last = bounds
        span = last - first + 1
        if span > COPY_CHUNK_ROWS and (
            span <= MAX_RANGES * COPY_CHUNK_ROWS
            or span <= SPARSE_ROWIDS * conn.execute(step.count()).scalar_one()
        ):
            _copy_in_ranges(conn, step, first, last)
            return
    log.debug("%s", _render(step, conn.dialect, literal=False))
    conn.execute(step)


#: rowid ranges a copy takes without counting the rows first
MAX_RANGES = 1000
#: rowids per row beyond which a table spanning more ranges is copied in one statement
SPARSE_ROWIDS = 4


def _copy_in_ranges(conn: sa.Connection, step: CopyRows, first: int, last: int) -> None:
    copied = 0
    for start in range(first, last + 1, COPY_CHUNK_ROWS):
        end = min(start + COPY_CHUNK_ROWS - 1, last)
        chunk = step.chunk(start, end)
        log.debug("%s", _render(chunk, conn.dialect, literal=False))
        copied += conn.execute(chunk).rowcount
        log.info("copying %s: %d rows, rowids up to %d of %d", step.source, copied, end, last)


def _guard_foreign_keys(conn: sa.Connection, p: Plan) -> None:
    """Inside a caller's transaction SQLite cannot switch foreign keys off.

    Dropping the old table would then fire the children's ON DELETE actions: refuse
    before any change. Without children, defer the checks to our own check.
    """
    if not p.needs_foreign_keys_off:
        return
    if not conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        return
    if p.child_tables or p.self_referencing:
        table = p.fk_check_tables[0] if p.fk_check_tables else "the table"
        referencing = ", ".join(p.child_tables) or "its own rows"
        raise InvalidOperationError(
            f"Cannot rebuild {table!r}, which {referencing} reference, inside a "
            "transaction with PRAGMA foreign_keys=ON (SQLite ignores the pragma inside a "
            "transaction, and dropping the old table would fire their ON DELETE actions): "
            "run the change with an Engine, or with foreign keys off"
        )
    conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")


def _fk_violations(conn: sa.Connection, p: Plan) -> set[tuple[Any, ...]]:
    """SQLite's ``PRAGMA [schema.]foreign_key_check(t)`` rows for the plan's tables."""
    prep = conn.dialect.identifier_preparer
    pragma = "PRAGMA "
    if p.fk_check_schema:
        pragma += prep.quote_schema(p.fk_check_schema) + "."
    found: set[tuple[Any, ...]] = set()
    for name in p.fk_check_tables:
        check = f"{pragma}foreign_key_check({prep.quote(name)})"
        found.update(tuple(r) for r in conn.exec_driver_sql(check))
    return found


def run_plan(target: Bindable, p: Plan) -> None:
    """Execute an already planned ``p`` on ``target`` in the operation's transaction
    (what :func:`run` does after planning; used where the plan comes from elsewhere)."""
    with transaction(target) as conn:
        apply(conn, p, savepoint=_in_callers_transaction(conn, target), after=False)


@contextmanager
def transaction(target: Bindable) -> Iterator[sa.Connection]:
    """The connection an operation runs on, in the right transaction.

    Engine: a connection of our own, one transaction, committed on success.
    Connection or Session: the caller's transaction, never committed by us (:func:`apply`
    makes the operation's changes atomic in it with a savepoint).
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
    if isinstance(step, ExecutableDDLElement):  # the commonest first (W5)
        # what step.compile() does for a DDL element, minus its per-call set-up (W5)
        compiler = dialect.ddl_compiler(dialect, None)  # type: ignore[arg-type]
        if literal:
            return render(step, compiler, literal_binds=True).strip()
        return render(step, compiler).strip()
    if isinstance(step, Backfill):
        raise OfflineError(
            f"Column {step.column!r} of {step.table.fullname!r} is filled from a Python "
            "callable evaluated per row, which offline SQL cannot render: give the column "
            "a server_default or a SQL expression default, or populate_default=False"
        )
    kw = {"literal_binds": True} if literal else {}
    assert isinstance(step, sa.sql.ClauseElement)
    return str(step.compile(dialect=dialect, compile_kwargs=kw)).strip()
