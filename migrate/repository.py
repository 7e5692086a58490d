"""Migration repositories: finding scripts, running them, the ``migrate_version`` table.

This is the part of sqlalchemy-migrate's ``migrate.versioning`` that the ``changeset run``
command needs, and nothing more.

A *repository* is one of:

* a legacy sqlalchemy-migrate repository: a folder with ``migrate.cfg`` and ``versions/``;
  ``repository_id`` and ``version_table`` come from ``migrate.cfg`` (section
  ``[db_settings]``), as the old tool read them;
* a flat folder of numbered scripts (``001_create_users.py``, ``002_add_email.py`` ...);
  its ``repository_id`` is the folder's name;
* a single ``.py`` script: ``changeset run`` calls its ``upgrade()`` (or ``downgrade()``) once,
  with no version bookkeeping.

Scripts of one version: at most one ``NNN_name.py`` (``upgrade(migrate_engine)`` and
``downgrade(migrate_engine)``), and any number of SQL files named as sqlalchemy-migrate named
them, ``NNN_description_<database>_<upgrade|downgrade>.sql`` (``<database>`` is a dialect
name such as ``postgresql`` or ``default`` for all). A SQL file of this project's own shorter
form, ``NNN_name.sql``, is the upgrade for every database. A SQL file for the connected
dialect wins over ``default``, which wins over the Python script, as in sqlalchemy-migrate.

Versions are recorded exactly as sqlalchemy-migrate recorded them: one row per repository in
``migrate_version (repository_id VARCHAR(250) PRIMARY KEY, repository_path TEXT,
version INTEGER)``, so a database migrated by the old tool continues at its version. The
table and the repository's row are created, at version 0, when absent.

Transactions: each script runs on one connection inside one transaction together with the
update of its version row. On SQLite and PostgreSQL (transactional DDL) a failing script
therefore leaves the database at the previous version with the previous schema. MySQL and
MariaDB commit every DDL statement implicitly; there the statements that ran before the
failure stay, and the version row is not updated.
"""

from __future__ import annotations

import configparser
import importlib.util
import inspect
import logging
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, TextIO

import sqlparse
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import CursorResult, Dialect, make_url
from sqlalchemy.engine.mock import MockConnection
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.dml import Insert, ValuesBase
from sqlalchemy.sql.elements import ClauseElement

from migrate.exceptions import (
    InvalidRepositoryError,
    InvalidScriptError,
    InvalidVersionError,
    ScriptError,
)

log = logging.getLogger("migrate.repository")

Direction = Literal["upgrade", "downgrade"]

#: Dialects whose DDL is transactional: a failed script is rolled back completely.
TRANSACTIONAL_DDL = frozenset({"sqlite", "postgresql"})

DEFAULT_VERSION_TABLE = "migrate_version"

_VERSIONED_NAME = re.compile(r"^(\d{3,})(?:_.*)?\.(py|sql)$")
# sqlalchemy-migrate ignored these in SQL scripts: the runner owns the transaction.
_IGNORED_SQL = re.compile(r"^\s*(BEGIN|END|COMMIT)\b", re.IGNORECASE)
_DIALECT_ALIASES = {"postgresql": ("postgresql", "postgres"), "mariadb": ("mariadb", "mysql")}


# --------------------------------------------------------------------------------------
# scripts


@dataclass(frozen=True)
class SqlScript:
    """A plain SQL file; its statements are split with sqlparse."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def statements(self) -> list[str]:
        """The file's statements, comments stripped, without the terminating ``;``.

        ``BEGIN``, ``END`` and ``COMMIT`` are skipped (logged at WARNING), as
        sqlalchemy-migrate did: the runner owns the transaction.
        """
        text = sqlparse.format(
            self.path.read_text(encoding="utf-8"), strip_comments=True, strip_whitespace=True
        )
        result = []
        for statement in sqlparse.split(text):
            statement = statement.strip().rstrip(";").strip()
            if not statement:
                continue
            if _IGNORED_SQL.match(statement):
                log.warning(
                    "%s: ignoring %r, the runner owns the transaction", self.name, statement
                )
                continue
            result.append(statement)
        return result


@dataclass(frozen=True)
class PythonScript:
    """A ``.py`` file defining ``upgrade(migrate_engine)`` and usually ``downgrade``."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def load(self) -> ModuleType:
        """Import the file (each call imports it afresh, like sqlalchemy-migrate did)."""
        module_name = "migrate_script_" + re.sub(r"\W", "_", str(self.path.resolve()))
        spec = importlib.util.spec_from_file_location(module_name, self.path)
        if spec is None or spec.loader is None:
            raise InvalidScriptError(f"{self.path}: cannot be imported as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        if not callable(getattr(module, "upgrade", None)):
            raise InvalidScriptError(f"{self.path}: defines no upgrade(migrate_engine) function")
        return module

    def function(self, direction: Direction) -> Callable[[Any], Any]:
        """The script's ``upgrade`` or ``downgrade`` function, checked to take the engine."""
        func = getattr(self.load(), direction, None)
        if not callable(func):
            raise ScriptError(f"{self.name}: defines no {direction}(migrate_engine) function")
        if not inspect.signature(func).parameters:
            raise ScriptError(f"{self.name}: {direction}() must accept the migrate_engine argument")
        return func  # type: ignore[no-any-return]


Script = PythonScript | SqlScript


@dataclass
class Version:
    """The scripts of one version number."""

    number: int
    python: PythonScript | None = None
    #: ``{(database, "upgrade"|"downgrade"): script}``; database ``default`` is for all.
    sql: dict[tuple[str, str], SqlScript] = field(default_factory=dict)

    def add(self, path: Path) -> None:
        if path.suffix == ".py":
            if self.python is not None:
                raise InvalidRepositoryError(
                    f"version {self.number} has two Python scripts: "
                    f"{self.python.name} and {path.name}"
                )
            self.python = PythonScript(path)
            return
        parts = path.stem.split("_")
        if len(parts) >= 3 and parts[-1] in ("upgrade", "downgrade"):
            key = (parts[-2], parts[-1])
        elif len(parts) == 2 and parts[-1] in ("upgrade", "downgrade"):
            key = ("default", parts[-1])
        else:
            key = ("default", "upgrade")
        if key in self.sql:
            raise InvalidRepositoryError(
                f"version {self.number} has two {key[1]} SQL scripts for {key[0]}: "
                f"{self.sql[key].name} and {path.name}"
            )
        self.sql[key] = SqlScript(path)

    def script(self, dialect_name: str, direction: Direction) -> Script:
        """The script to run on ``dialect_name``, chosen as sqlalchemy-migrate chose it."""
        for database in (*_DIALECT_ALIASES.get(dialect_name, (dialect_name,)), "default"):
            if (database, direction) in self.sql:
                return self.sql[database, direction]
        if self.python is not None:
            return self.python
        raise ScriptError(f"version {self.number} has no {direction} script for {dialect_name}")

    @property
    def label(self) -> str:
        """A name for people: the Python script's file name, else the first SQL file's."""
        if self.python is not None:
            return self.python.name
        return sorted(s.name for s in self.sql.values())[0]


@dataclass
class Repository:
    """A folder of numbered migration scripts (or one script: ``single``)."""

    path: Path
    id: str
    version_table: str = DEFAULT_VERSION_TABLE
    versions: dict[int, Version] = field(default_factory=dict)
    #: Set when the repository is one script run without version bookkeeping.
    single: PythonScript | None = None

    @property
    def latest(self) -> int:
        return max(self.versions, default=0)

    def steps(self, current: int, target: int, dialect_name: str) -> list[Step]:
        """The scripts that take a database from ``current`` to ``target``, in order.

        Upgrades run the versions above ``current`` up to ``target``; downgrades run the
        ``downgrade`` of each version from ``current`` down to ``target + 1``. Gaps in the
        numbering are skipped (sqlalchemy-migrate's timestamp numbering leaves them).
        """
        if target > self.latest:
            raise InvalidVersionError(
                f"version {target} is above the repository's latest version {self.latest}"
            )
        if target < 0:
            raise InvalidVersionError(f"version {target} is negative")
        steps: list[Step] = []
        if target >= current:
            numbers = [n for n in sorted(self.versions) if current < n <= target]
            previous = current
            for n in numbers:
                script = self.versions[n].script(dialect_name, "upgrade")
                steps.append(Step(self.versions[n], script, "upgrade", previous, n))
                previous = n
        else:
            numbers = [n for n in sorted(self.versions, reverse=True) if target < n <= current]
            for i, n in enumerate(numbers):
                after = numbers[i + 1] if i + 1 < len(numbers) else target
                script = self.versions[n].script(dialect_name, "downgrade")
                steps.append(Step(self.versions[n], script, "downgrade", n, after))
        return steps


@dataclass(frozen=True)
class Step:
    """One script to run, and the version change it records."""

    version: Version
    script: Script
    direction: Direction
    before: int
    after: int

    def describe(self) -> str:
        return f"{self.script.name} ({self.direction}, version {self.before} -> {self.after})"


def load_repository(path: str | Path) -> Repository:
    """Read a repository, a flat folder of numbered scripts, or a single ``.py`` script.

    Raises :class:`~migrate.exceptions.InvalidRepositoryError` if ``path`` is none of these.
    """
    path = Path(path)
    if path.is_file():
        if path.suffix != ".py":
            raise InvalidRepositoryError(f"{path}: a script must be a .py file")
        return Repository(path=path.resolve(), id=path.stem, single=PythonScript(path))
    if not path.is_dir():
        raise InvalidRepositoryError(f"{path}: no such file or directory")
    root = path.resolve()
    config_file = root / "migrate.cfg"
    repository = Repository(path=root, id=root.name)
    scripts_dir = root
    if config_file.is_file():
        config = configparser.ConfigParser(interpolation=None)
        try:
            config.read(config_file, encoding="utf-8")
        except configparser.Error as exc:
            raise InvalidRepositoryError(f"{config_file}: {exc}") from exc
        if config.has_section("db_settings"):
            settings = config["db_settings"]
            repository.id = settings.get("repository_id", "").strip() or root.name
            repository.version_table = (
                settings.get("version_table", "").strip() or DEFAULT_VERSION_TABLE
            )
        scripts_dir = root / "versions"
        if not scripts_dir.is_dir():
            raise InvalidRepositoryError(f"{root}: has migrate.cfg but no versions/ folder")
    for file in sorted(scripts_dir.iterdir()):
        match = _VERSIONED_NAME.match(file.name)
        if not match or not file.is_file():
            continue
        number = int(match.group(1))
        repository.versions.setdefault(number, Version(number)).add(file)
    if not repository.versions:
        raise InvalidRepositoryError(
            f"{path}: no numbered scripts (001_name.py, ...) found in {scripts_dir}"
        )
    return repository


# --------------------------------------------------------------------------------------
# the migrate_version table


def version_table(name: str = DEFAULT_VERSION_TABLE, metadata: MetaData | None = None) -> Table:
    """sqlalchemy-migrate's version table, column for column."""
    return Table(
        name,
        metadata if metadata is not None else MetaData(),
        Column("repository_id", String(250), primary_key=True),
        Column("repository_path", Text),
        Column("version", Integer),
    )


def read_version(connection: Connection, repository: Repository) -> int | None:
    """The database's version of ``repository``, or None if it is not recorded."""
    if not sa_inspect(connection).has_table(repository.version_table):
        return None
    table = version_table(repository.version_table)
    row = connection.execute(
        select(table.c.version).where(table.c.repository_id == repository.id)
    ).first()
    return None if row is None else int(row[0])


def ensure_version(connection: Connection, repository: Repository) -> int:
    """Create the version table and the repository's row at 0 if absent; the version.

    Runs on ``connection`` in the caller's transaction (the caller commits).
    """
    table = version_table(repository.version_table)
    if not sa_inspect(connection).has_table(repository.version_table):
        table.create(connection)
    row = connection.execute(
        select(table.c.version).where(table.c.repository_id == repository.id)
    ).first()
    if row is not None:
        return int(row[0])
    others = connection.execute(select(table.c.repository_id)).scalars().all()
    if others:
        log.warning(
            "%s has no row for repository %r (it has %s); starting at version 0",
            repository.version_table,
            repository.id,
            ", ".join(repr(o) for o in others),
        )
    connection.execute(
        table.insert().values(
            repository_id=repository.id, repository_path=str(repository.path), version=0
        )
    )
    return 0


def update_version_statement(repository: Repository, before: int, after: int) -> Executable:
    """``UPDATE migrate_version SET version=after WHERE ... version=before``, as the old tool."""
    table = version_table(repository.version_table)
    return (
        table.update()
        .where(and_(table.c.version == before, table.c.repository_id == repository.id))
        .values(version=after)
    )


def write_version(connection: Connection, repository: Repository, before: int, after: int) -> None:
    """Record ``after``; fails if the database is no longer at ``before``."""
    result = connection.execute(update_version_statement(repository, before, after))
    if isinstance(result, CursorResult) and result.rowcount != 1:
        raise InvalidVersionError(
            f"{repository.version_table} no longer says version {before} for "
            f"{repository.id!r}: another process migrated the database?"
        )


# --------------------------------------------------------------------------------------
# what a script receives as migrate_engine


class ScriptConnection(Connection):
    """The ``migrate_engine`` a script receives from ``changeset run``.

    A real :class:`sqlalchemy.engine.Connection` (so ``meta.bind = migrate_engine``,
    ``table.create(migrate_engine)``, ``meta.create_all(migrate_engine)``,
    ``Session(bind=migrate_engine)`` and ``sqlalchemy.inspect(migrate_engine)`` all work),
    inside the transaction the runner commits together with the version bump. For the
    Engine idioms of legacy scripts it also has:

    * ``name`` and ``url``, as on an Engine (``if migrate_engine.name == "sqlite":``);
    * ``connect()`` and ``begin()``, which give this same connection in this same
      transaction (``with migrate_engine.begin() as conn:``); the runner commits;
    * ``execute("raw SQL")``: a string runs as it is written (SQLAlchemy 2 needs ``text()``).
    """

    @property
    def name(self) -> str:
        return self.dialect.name

    @property
    def url(self) -> Any:
        return self.engine.url

    def connect(self) -> AbstractContextManager[ScriptConnection]:
        return nullcontext(self)

    def begin(self) -> Any:
        if self.in_transaction():
            return nullcontext(self)
        return super().begin()

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


@contextmanager
def script_connection(engine: Engine) -> Iterator[ScriptConnection]:
    """A :class:`ScriptConnection` with its transaction begun (real ``BEGIN`` on SQLite).

    Commits if the block succeeds, rolls back if it raises.
    """
    connection = ScriptConnection(engine)
    try:
        if engine.dialect.name == "sqlite":
            # pysqlite does not BEGIN before DDL by itself; this makes the DDL transactional.
            connection.exec_driver_sql("BEGIN")
        else:
            connection.begin()
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
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
    with engine.begin() as connection:
        current = ensure_version(connection, repository)
    target = repository.latest if target is None else target
    steps = repository.steps(current, target, engine.dialect.name)
    _run_steps(engine, repository, steps, reporter)
    return current, target


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
    script: PythonScript,
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


# --------------------------------------------------------------------------------------
# offline SQL


_MOCK_URLS = {
    "sqlite": "sqlite://",
    "postgresql": "postgresql://",
    "mysql": "mysql://",
    "mariadb": "mariadb://",
}


def dialect_for(name: str) -> Dialect:
    """A Dialect object for a dialect name (``sqlite``, ``postgresql``, ``mysql``, ``mariadb``)."""
    url = make_url(_MOCK_URLS.get(name, f"{name}://"))
    return url.get_dialect()()


def _render(element: Any, dialect: Dialect) -> str:
    """One statement as literal SQL text for ``dialect``, without the ``;``."""
    if isinstance(element, str):
        return element.strip().rstrip(";")
    if isinstance(element, Insert):
        element = element.inline()  # no RETURNING of the new primary key: nobody reads it
    compiled = element.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    # SQLAlchemy indents CREATE TABLE with tabs and leaves trailing blanks; tidy for people.
    lines = str(compiled).strip().rstrip(";").replace("\t", "    ").splitlines()
    return "\n".join(line.rstrip() for line in lines)


def _render_executed(element: Any, dialect: Dialect, parameters: Any) -> list[str]:
    """What ``execute(element, parameters)`` would run: one statement per parameter set."""
    if isinstance(parameters, dict):
        parameters = [parameters]
    if not parameters or not isinstance(element, ClauseElement):
        return [_render(element, dialect)]
    if isinstance(element, ValuesBase):  # INSERT/UPDATE take their parameters as values
        return [_render(element.values(**p), dialect) for p in parameters]
    return [_render(element.params(p), dialect) for p in parameters]


class OfflineEngine(MockConnection):
    """The ``migrate_engine`` scripts receive from ``changeset sql``: SQLAlchemy's mock engine
    (statements are rendered, not run) with the same Engine idioms as
    :class:`ScriptConnection`: ``name``, ``begin()``/``connect()`` as context managers
    giving itself, and ``execute("raw SQL")``. Reading from it returns None.
    """

    def begin(self) -> AbstractContextManager[OfflineEngine]:
        return nullcontext(self)

    def connect(self, **kwargs: Any) -> OfflineEngine:
        return self

    def __enter__(self) -> OfflineEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def exec_driver_sql(self, statement: str, *args: Any, **kwargs: Any) -> Any:
        return self.execute(statement)  # type: ignore[arg-type]


def offline_engine(dialect_name: str, out: Callable[[str], None]) -> OfflineEngine:
    """An :class:`OfflineEngine` for ``dialect_name`` passing each rendered statement to ``out``."""
    dialect = dialect_for(dialect_name)

    def executor(sql: Any, *multiparams: Any, **params: Any) -> None:
        for statement in _render_executed(sql, dialect, multiparams[0] if multiparams else params):
            out(statement + ";")

    return OfflineEngine(dialect, executor)


def write_sql(
    repository: Repository,
    dialect_name: str,
    stream: TextIO,
    start: int | None = None,
    target: int | None = None,
) -> None:
    """Write the SQL that takes a database from ``start`` (default 0) to ``target``.

    Python scripts run against a mock engine inside ``migrate.changeset.to_sql``, so both
    changeset operations and SQLAlchemy's own ``table.create(migrate_engine)`` /
    ``meta.create_all(migrate_engine)`` are rendered; SQL scripts are copied statement by
    statement. Each version's statements are followed by its ``migrate_version`` update and,
    on dialects with transactional DDL, wrapped in ``BEGIN;`` / ``COMMIT;``. Starting from
    version 0 (no ``start`` given) also creates the version table and the repository's row,
    as ``changeset run`` does on a fresh database.
    """
    from migrate.changeset import to_sql

    def out(text: str) -> None:
        stream.write(text + "\n")

    # Changeset operations land in to_sql's list, SQLAlchemy's own DDL goes through the mock
    # engine's executor; flushing the list before each mock statement keeps the order.
    pending: list[str] = []
    flushed = 0

    def flush() -> None:
        nonlocal flushed
        for statement in pending[flushed:]:
            statement = statement.strip()
            out(statement if statement.endswith(";") else statement + ";")
        flushed = len(pending)

    def mock_out(text: str) -> None:
        flush()
        out(text)

    dialect = dialect_for(dialect_name)
    engine = offline_engine(dialect_name, mock_out)
    transactional = dialect_name in TRANSACTIONAL_DDL

    def run_offline(script: Script, direction: Direction) -> None:
        nonlocal pending, flushed
        if isinstance(script, SqlScript):
            for statement in script.statements():
                out(statement + ";")
            return
        function = script.function(direction)
        # No bind() block: the mock engine is not an Engine/Connection/Session; inside
        # to_sql the changeset operations do not touch a database.
        with to_sql(dialect) as statements:
            pending, flushed = statements, 0
            function(engine)
            flush()
        pending, flushed = [], 0

    if repository.single is not None:
        out(f"-- {repository.single.name} (upgrade)")
        run_offline(repository.single, "upgrade")
        return
    header = start is None
    if start is None:
        start = 0
        table = version_table(repository.version_table)
        out(f"-- version table {repository.version_table}, repository {repository.id!r}")
        out(_render(CreateTable(table, if_not_exists=True), dialect) + ";")
        out(
            _render(
                table.insert().values(
                    repository_id=repository.id,
                    repository_path=str(repository.path),
                    version=0,
                ),
                dialect,
            )
            + ";"
        )
    target = repository.latest if target is None else target
    for number, step in enumerate(repository.steps(start, target, dialect_name)):
        if number or header:
            out("")
        out(f"-- {step.describe()}")
        if transactional:
            out("BEGIN;")
        run_offline(step.script, step.direction)
        out(_render(update_version_statement(repository, step.before, step.after), dialect) + ";")
        if transactional:
            out("COMMIT;")
