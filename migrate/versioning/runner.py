"""Running a repository's scripts: one transaction per script with its version bump, and
on MySQL/MariaDB (and Galera) a lock in the version row so that two runners apply each
version once. The one runner under ``changeset run``, ``migrate`` and
:mod:`migrate.versioning.api`."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.engine import CursorResult

from migrate.exceptions import InvalidOperationError
from migrate.versioning.repository import Repository, Step
from migrate.versioning.script import Direction, Script, SqlScript
from migrate.versioning.version_table import ensure_version, version_table, write_version

log = logging.getLogger("migrate.versioning")

#: Dialects whose DDL is transactional: a failed script is rolled back completely.
TRANSACTIONAL_DDL = frozenset({"sqlite", "postgresql"})


class ScriptConnection(Connection):
    """The ``migrate_engine`` a script receives from ``changeset run``.

    A real :class:`sqlalchemy.engine.Connection` (so ``meta.bind = migrate_engine``,
    ``table.create(migrate_engine)``, ``meta.create_all(migrate_engine)``,
    ``Session(bind=migrate_engine)`` and ``sqlalchemy.inspect(migrate_engine)`` all work),
    inside the transaction the runner commits together with the version bump. For the
    Engine idioms of legacy scripts it also has:

    * ``name`` and ``url``, as on an Engine (``if migrate_engine.name == "sqlite":``);
    * ``connect()``, which gives this same connection (``conn = migrate_engine.connect()``
      and ``with migrate_engine.connect() as conn:`` alike; the script's ``close()`` leaves
      it open for the runner), and ``begin()``, which joins the runner's transaction
      (``with migrate_engine.begin() as conn:``, ``trans = conn.begin(); trans.commit()``);
      the runner commits;
    * ``execute("raw SQL")``: a string runs as it is written (SQLAlchemy 2 needs ``text()``);
    * ``execution_options(isolation_level="AUTOCOMMIT")`` inside the runner's transaction
      keeps the statements in it (they commit with the version bump).
    """

    _held_by_runner = False

    @property
    def name(self) -> str:
        return self.dialect.name

    @property
    def url(self) -> Any:
        return self.engine.url

    def connect(self) -> ScriptConnection:
        return self

    def close(self) -> None:
        if not self._held_by_runner:
            super().close()

    def execution_options(self, **opt: Any) -> ScriptConnection:
        # An autocommit connection (what `changeset port` makes of 1.x's
        # ``conn = engine.connect()``) inside the runner's transaction: its statements
        # commit with the version bump instead, all or nothing.
        if self._held_by_runner and self.in_transaction():
            opt.pop("isolation_level", None)
        super().execution_options(**opt)
        return self

    def begin(self) -> Any:
        if self.in_transaction():
            return JoinedTransaction(self)
        return JoinedTransaction(self, super().begin())

    def execute(
        self,
        statement: Any,
        parameters: Any = None,
        *,
        execution_options: Any = None,
    ) -> CursorResult[Any]:
        if isinstance(statement, str):
            return self.exec_driver_sql(statement, parameters, execution_options)
        return super().execute(statement, parameters, execution_options=execution_options)


class JoinedTransaction:
    """What a script's ``begin()`` gets: ``with`` gives the connection, as ``Engine.begin()``
    does. Inside the runner's transaction ``commit()`` and ``close()`` leave the work to the
    runner's commit and ``rollback()`` raises (the runner rolls the version back when the
    script raises); outside it (a script committed the runner's work itself) it is a real
    transaction of its own."""

    def __init__(self, connection: ScriptConnection, own: Any = None) -> None:
        self.connection = connection
        self.own = own  # the real transaction begun here, if any
        self.is_active = True

    def __enter__(self) -> ScriptConnection:
        return self.connection

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self.own is not None and self.own.is_active:
            if exc_type is None:
                self.own.commit()
            else:
                self.own.rollback()

    def commit(self) -> None:
        if self.own is not None:
            self.own.commit()

    def close(self) -> None:
        if self.own is not None:
            self.own.close()

    def rollback(self) -> None:
        if self.own is not None:
            self.own.rollback()
            return
        raise InvalidOperationError(
            "a script runs inside the runner's transaction with its version bump: raise an "
            "exception to roll the version back instead of calling rollback()"
        )


@contextmanager
def script_connection(engine: Engine) -> Iterator[ScriptConnection]:
    """A :class:`ScriptConnection` with its transaction begun (``BEGIN IMMEDIATE`` on SQLite).

    Commits if the block succeeds, rolls back if it raises. On SQLite the write lock is
    taken at the start, so a second runner waits (the busy timeout) instead of failing
    when it would later upgrade a read lock.
    """
    connection = ScriptConnection(engine)
    connection._held_by_runner = True
    try:
        if engine.dialect.name == "sqlite":
            # pysqlite does not BEGIN before DDL by itself; this makes the DDL transactional.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection._held_by_runner = False
        connection.close()


def _bind(target: Any) -> AbstractContextManager[Any]:
    """``migrate.changeset.bind(target)``; a no-op before the core provides it."""
    try:
        from migrate.changeset import bind
    except ImportError:  # pragma: no cover - only while the core is being written
        return nullcontext()
    return bind(target)


# --------------------------------------------------------------------------------------
# running


class MigrationFailed(Exception):
    """A script failed; carries what a person needs to know (script, operation,
    database error)."""

    def __init__(self, step: Step | None, script: Script, error: BaseException, rolled_back: bool):
        self.step = step
        self.script = script
        self.error = error
        self.rolled_back = rolled_back
        self.operation = _failing_line(script, error)
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"{self.step.describe() if self.step else self.script.name} failed"]
        if self.operation:
            lines.append(f"  operation: {self.operation}")
        lines.append("  error: " + describe_error(self.error).replace("\n", "\n    "))
        if self.step is not None:
            if self.rolled_back:
                lines.append(f"  rolled back: the database is still at version {self.step.before}")
            else:
                lines.append(
                    f"  the version stays {self.step.before}, but this database commits DDL "
                    "immediately: statements before the failure were not rolled back"
                )
        return "\n".join(lines)


def describe_error(error: BaseException) -> str:
    """One line: the exception's class and message, without SQLAlchemy's background link."""
    text = str(error).strip() or repr(error)
    text = text.split("\n(Background on this error")[0].strip()
    return f"{type(error).__module__}.{type(error).__qualname__}: {text}"


def _failing_line(script: Script, error: BaseException) -> str | None:
    """``file:line: source`` of the innermost frame in the script, or the SQL statement."""
    if isinstance(script, SqlScript):
        statement = getattr(error, "statement", None)
        return f"{script.name}: {statement}" if statement else None
    found = None
    target = str(script.path.resolve())
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == target or Path(frame.filename).resolve() == Path(target):
            found = frame
    if found is None:
        return None
    return f"{script.name} line {found.lineno}: {(found.line or '').strip()}"


@dataclass
class Reporter:
    """Callbacks for progress; the CLI prints them, library callers may ignore them."""

    start: Callable[[Step | None, Script], None] = lambda step, script: None
    done: Callable[[Step | None, Script, float], None] = lambda step, script, seconds: None


def run_script(connection: Connection, script: Script, direction: Direction) -> None:
    """Run one script's ``direction`` on ``connection`` (the caller owns the transaction)."""
    if isinstance(script, SqlScript):
        for statement in script.statements():
            log.debug("%s: %s", script.name, statement)
            connection.exec_driver_sql(statement, execution_options={"no_parameters": True})
        return
    function = script.function(direction)
    with _bind(connection):
        function(connection)


def migrate(
    engine: Engine,
    repository: Repository,
    target: int | None = None,
    *,
    reporter: Reporter | None = None,
) -> tuple[int, int]:
    """Upgrade (``target`` >= current) or downgrade the database to ``target`` (default latest).

    Returns ``(version before, version after)``. Raises :class:`MigrationFailed` for a
    failing script; the versions before it stay applied.
    """
    reporter = reporter or Reporter()
    if repository.single is not None:
        raise ValueError("a single script has no versions: use run_single()")
    if engine.dialect.name not in TRANSACTIONAL_DDL:
        return _migrate_locked(engine, repository, target, reporter)
    current = _ensure_version_once(engine, repository)
    target = repository.latest if target is None else target
    upward = target >= current
    steps = repository.steps(current, target, engine.dialect.name)  # a bad target fails here
    while True:
        step = None
        started = time.perf_counter()
        try:
            with script_connection(engine) as connection:
                # The version row, locked (PostgreSQL: FOR UPDATE; SQLite: BEGIN IMMEDIATE):
                # a second runner waits here and then sees the first one's version.
                version = _locked_version(connection, repository)
                if (version >= target) if upward else (version <= target):
                    break
                if not steps or steps[0].before != version:  # another runner moved it
                    steps = repository.steps(version, target, engine.dialect.name)
                step = steps.pop(0)
                reporter.start(step, step.script)
                run_script(connection, step.script, step.direction)
                write_version(connection, repository, step.before, step.after)
        except Exception as error:
            if step is None:
                raise
            raise MigrationFailed(step, step.script, error, True) from error
        reporter.done(step, step.script, time.perf_counter() - started)
    return current, target


def _ensure_version_once(engine: Engine, repository: Repository) -> int:
    """:func:`ensure_version`; a runner that loses the race to create the row reads it."""
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    for attempt in range(3):
        try:
            with engine.begin() as connection:
                return ensure_version(connection, repository)
        except (IntegrityError, OperationalError, ProgrammingError):
            # PostgreSQL: duplicate key (row or table); SQLite: table exists / locked.
            if attempt == 2:
                raise
            time.sleep(0.1)
    raise AssertionError("unreachable")  # pragma: no cover


def _run_steps(
    engine: Engine, repository: Repository, steps: list[Step], reporter: Reporter
) -> None:
    for step in steps:
        reporter.start(step, step.script)
        started = time.perf_counter()
        try:
            with script_connection(engine) as connection:
                run_script(connection, step.script, step.direction)
                write_version(connection, repository, step.before, step.after)
        except Exception as error:
            raise MigrationFailed(
                step, step.script, error, engine.dialect.name in TRANSACTIONAL_DDL
            ) from error
        reporter.done(step, step.script, time.perf_counter() - started)


def _locked_version(connection: Connection, repository: Repository) -> int:
    table = version_table(repository.version_table)
    row = connection.execute(
        select(table.c.version).where(table.c.repository_id == repository.id).with_for_update()
    ).one()
    return int(row[0])


# --------------------------------------------------------------------------------------
# MySQL/MariaDB (and Galera clusters): one runner at a time


#: Seconds a runner waits for another runner's migration of the same repository before it
#: gives up with "another migration is running" (environment: CHANGESET_LOCK_TIMEOUT).
LOCK_TIMEOUT = 300.0
LOCK_TIMEOUT_ENV = "CHANGESET_LOCK_TIMEOUT"
#: Appended to ``repository_path`` while a runner holds the repository's lock.
LOCK_MARK = " [changeset migrating: "
#: Errors of a lost race on a MySQL/MariaDB/Galera server: deadlock or certification
#: failure, lock wait timeout, table exists, duplicate key (of the version row).
_RACE_ERRORS = frozenset({1213, 1205, 1050, 1062})


class MigrationLocked(MigrationFailed):
    """Another runner held the repository's lock for longer than the lock timeout."""

    def __init__(self, repository: Repository, holder: str, waited: float) -> None:
        self.repository = repository
        self.holder = holder
        self.waited = waited
        self.step = None
        self.rolled_back = True
        self.operation = None
        Exception.__init__(self, self.describe())

    def describe(self) -> str:
        table = self.repository.version_table
        return (
            f"another migration is running on this database ({self.holder}); waited "
            f"{self.waited:.0f}s, nothing was changed (set {LOCK_TIMEOUT_ENV} to wait longer).\n"
            "  If no migration is running (a runner was killed), release the lock with:\n"
            f"    UPDATE {table} SET repository_path = "
            f"{_sql_string(self.repository_path_before())} "
            f"WHERE repository_id = {_sql_string(self.repository.id)};"
        )

    def repository_path_before(self) -> str:
        return self.holder.split(LOCK_MARK)[0] if LOCK_MARK in self.holder else ""


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _error_code(error: BaseException) -> int | None:
    args = getattr(getattr(error, "orig", error), "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _lock_timeout() -> float:
    import os

    value = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return float(value) if value else LOCK_TIMEOUT
    except ValueError:
        return LOCK_TIMEOUT


@contextmanager
def _cluster_reads(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads see every transaction committed anywhere in a Galera
    cluster (``wsrep_sync_wait=15``; plain servers need nothing)."""
    from migrate.changeset.capabilities import galera

    with engine.connect() as connection:
        on_galera = galera(connection) is not None
        if on_galera:
            connection.exec_driver_sql("SET SESSION wsrep_sync_wait = 15")
        try:
            yield connection
        finally:
            if on_galera:
                connection.rollback()
                connection.exec_driver_sql("SET SESSION wsrep_sync_wait = DEFAULT")


def _retry_races(work: Callable[[], Any], what: str) -> Any:
    """Run a short transaction again when it lost a race with another runner."""
    from sqlalchemy.exc import DBAPIError

    for attempt in range(20):
        try:
            return work()
        except DBAPIError as error:
            if _error_code(error) not in _RACE_ERRORS or attempt == 19:
                raise
            log.info("%s: lost a race with another runner (%s), retrying", what, _error_code(error))
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _ensure_version_raced(engine: Engine, repository: Repository) -> int:
    def work() -> int:
        with _cluster_reads(engine) as connection:
            current = ensure_version(connection, repository)
            connection.commit()
            return current

    return int(_retry_races(work, "creating the version row"))


def _try_lock(engine: Engine, repository: Repository) -> tuple[int, str | None, str] | str:
    """Take the lock: ``(version, repository_path before, mark)``, or the holder's mark.

    The lock is the repository's own ``migrate_version`` row: its ``repository_path``
    gets a mark, in a transaction of its own, only where it has none. Two runners racing
    for it (on one server, or on different nodes of a Galera cluster, where the loser's
    commit fails certification with 1213) cannot both succeed.
    """
    import os
    import socket
    from datetime import datetime, timezone

    from sqlalchemy.exc import DBAPIError

    table = version_table(repository.version_table)
    with _cluster_reads(engine) as connection:
        row = connection.execute(
            select(table.c.version, table.c.repository_path).where(
                table.c.repository_id == repository.id
            )
        ).one()
        version, path = int(row[0]), row[1]
        if path is not None and LOCK_MARK in path:
            connection.rollback()
            return str(path)
        since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        mark = f"{path or ''}{LOCK_MARK}{socket.gethostname()} pid {os.getpid()} since {since}]"
        same_path = (
            table.c.repository_path.is_(None) if path is None else (table.c.repository_path == path)
        )
        try:
            result = connection.execute(
                table.update()
                .where(
                    table.c.repository_id == repository.id, table.c.version == version, same_path
                )
                .values(repository_path=mark)
            )
            connection.commit()
        except DBAPIError as error:
            connection.rollback()
            if _error_code(error) not in _RACE_ERRORS:
                raise
            return "another runner took the lock at the same moment"
        if result.rowcount != 1:
            return "the version row changed while taking the lock"
        return version, path, mark


def _unlock(engine: Engine, repository: Repository, path: str | None, mark: str) -> None:
    table = version_table(repository.version_table)

    def work() -> None:
        with engine.begin() as connection:
            connection.execute(
                table.update()
                .where(table.c.repository_id == repository.id, table.c.repository_path == mark)
                .values(repository_path=path)
            )

    _retry_races(work, "releasing the lock")


def _migrate_locked(
    engine: Engine, repository: Repository, target: int | None, reporter: Reporter
) -> tuple[int, int]:
    """:func:`migrate` where DDL commits implicitly (MySQL, MariaDB, Galera clusters).

    The scripts run under the repository's lock (:func:`_try_lock`), so two runners
    started at once, against the same server or against different nodes of a cluster,
    apply each script exactly once: the second waits until the first is done, re-reads the
    version and runs only what is left (usually nothing).
    """
    current = _ensure_version_raced(engine, repository)
    target = repository.latest if target is None else target
    upward = target >= current
    timeout = _lock_timeout()
    started = time.monotonic()
    announced = False
    while True:
        got = _try_lock(engine, repository)
        if not isinstance(got, str):
            break
        waited = time.monotonic() - started
        if waited >= timeout:
            raise MigrationLocked(repository, got, waited)
        if not announced:
            log.info("another migration is running (%s); waiting", got)
            announced = True
        time.sleep(0.2)
    version, path, mark = got
    try:
        if (upward and version > target) or (not upward and version < target):
            log.info(
                "version %s is already past %s (another runner); nothing to do", version, target
            )
            return version, version
        _run_steps(
            engine, repository, repository.steps(version, target, engine.dialect.name), reporter
        )
    finally:
        _unlock(engine, repository, path, mark)
    return version, target


def run_single(
    engine: Engine,
    script: Script,
    direction: Direction = "upgrade",
    *,
    reporter: Reporter | None = None,
) -> None:
    """Run one script's ``upgrade()`` or ``downgrade()`` in one transaction, unversioned."""
    reporter = reporter or Reporter()
    reporter.start(None, script)
    started = time.perf_counter()
    try:
        with script_connection(engine) as connection:
            run_script(connection, script, direction)
    except Exception as error:
        raise MigrationFailed(
            None, script, error, engine.dialect.name in TRANSACTIONAL_DDL
        ) from error
    reporter.done(None, script, time.perf_counter() - started)
