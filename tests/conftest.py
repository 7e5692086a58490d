"""The shared test harness.

Backends
    A test that asks for ``engine``, ``url`` or ``backend_name`` runs once per backend:
    ``test_x[sqlite]``, ``test_x[postgresql]``, ``test_x[mysql]``.

    * sqlite: a fresh file database in ``tmp_path`` per test, with a second file attached as
      ``other_schema`` so ``schema=`` tests work on every backend.
    * postgresql: ``TEST_PG_URL``. Before each test every non-system schema is dropped and
      ``public`` and ``other_schema`` are created empty.
    * mysql: ``TEST_MYSQL_URL`` (MySQL or MariaDB). Before each test the URL's database and
      ``other_schema`` are dropped and created empty.

    A server backend whose URL is not set is skipped with the reason, unless it was asked
    for with ``--backend NAME`` or ``--require-backends NAMES``: then a missing URL is a usage
    error and an unreachable server is an error, never a skip. With ``--require-backends``
    the run also fails when a required backend ends up with no passing test.
    Server engines are created once per session; each test gets a clean database and must
    give back every connection it checked out (a leak is reported as an error of that test).

Markers
    ``@pytest.mark.backends("postgresql", ...)``: only parametrise over these backends.
    ``@pytest.mark.requires("transactional_ddl", ...)``: skip (with a reason) on backends
    lacking a capability listed in ``CAPABILITIES`` below; extend that table as needed.

SQL capture
    ``with capture(engine_or_connection) as sql: ...`` collects the statement strings sent to
    the DBAPI cursor (SQLAlchemy's ``before_cursor_execute`` event) into the list ``sql``.

Hypothesis
    Profiles ``ci`` (200 examples, derandomized: the same examples every run, no deadline;
    the default, used by the gate) and ``long`` (5000 random examples, for exploration
    outside the gate); choose with ``--hypothesis-profile long`` or
    ``HYPOTHESIS_PROFILE=long``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from tests.support import REFUSED_IN_AUTOCOMMIT, split_statements

BACKENDS = ("sqlite", "postgresql", "mysql")
URL_ENV = {"postgresql": "TEST_PG_URL", "mysql": "TEST_MYSQL_URL"}
OTHER_SCHEMA = "other_schema"
_BACKEND_FIXTURES = {"engine", "url", "backend_name"}

# Capability -> backends that have it, for @pytest.mark.requires(...). Harness-level facts
# about the servers CI runs (SQLite 3.40, PostgreSQL 15, MariaDB 10.11); finer distinctions
# belong to the library's own capability data.
CAPABILITIES: dict[str, frozenset[str]] = {
    "transactional_ddl": frozenset({"sqlite", "postgresql"}),
    "schemas": frozenset(BACKENDS),
    "check_constraints": frozenset(BACKENDS),
    "native_enum": frozenset({"postgresql", "mysql"}),
    "native_boolean": frozenset({"postgresql"}),
    "deferrable_constraints": frozenset({"postgresql"}),
    "alter_column_type": frozenset({"postgresql", "mysql"}),
}

try:
    from hypothesis import settings
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass
else:
    # The gate is deterministic: the same 200 examples on every run and every machine
    # (random exploration is the ``long`` profile's job, outside the gate; pin what it
    # finds with @example).
    settings.register_profile(
        "ci", max_examples=200, deadline=None, print_blob=True, derandomize=True, database=None
    )
    settings.register_profile("long", max_examples=5000, deadline=None, print_blob=True)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# --------------------------------------------------------------------------- options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("changeset", "sqlalchemy-changeset test backends")
    group.addoption(
        "--backend",
        action="append",
        default=[],
        metavar="NAME",
        help="only run backend tests for NAME (repeatable or comma separated: "
        "sqlite,postgresql,mysql); a selected server backend without its URL is an error",
    )
    group.addoption(
        "--require-backends",
        default="",
        metavar="NAMES",
        help="comma separated backends that must run: a missing URL is an error, and so is "
        "a required backend without a single passing test",
    )


def _backend_names(values: list[str] | str, option: str) -> list[str]:
    items = [values] if isinstance(values, str) else values
    names: list[str] = []
    for item in items:
        for name in item.split(","):
            name = name.strip()
            if not name:
                continue
            if name not in BACKENDS:
                raise pytest.UsageError(
                    f"{option}: unknown backend {name!r} (known: {', '.join(BACKENDS)})"
                )
            if name not in names:
                names.append(name)
    return names


@dataclasses.dataclass
class _State:
    selected: list[str]
    required: list[str]
    urls: dict[str, str]
    item_backend: dict[str, str] = dataclasses.field(default_factory=dict)
    outcomes: dict[str, Counter[str]] = dataclasses.field(default_factory=dict)


_STATE = pytest.StashKey[_State]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): only run this test on these backends (sqlite, ...)"
    )
    config.addinivalue_line(
        "markers",
        "requires(*capabilities): skip on backends lacking a capability "
        f"({', '.join(sorted(CAPABILITIES))})",
    )
    explicit = _backend_names(config.getoption("backend", default=[]), "--backend")
    required = _backend_names(
        config.getoption("require_backends", default=""), "--require-backends"
    )
    selected = explicit or list(BACKENDS)
    for name in required:
        if name not in selected:
            raise pytest.UsageError(
                f"--require-backends {name} contradicts --backend {','.join(selected)}"
            )
    urls: dict[str, str] = {}
    for name, env in URL_ENV.items():
        value = os.environ.get(env, "").strip()
        if value:
            urls[name] = value
        elif name in selected and (name in explicit or name in required):
            how = "required by --require-backends" if name in required else "selected by --backend"
            raise pytest.UsageError(f"backend {name} is {how} but {env} is not set")
    state = config.stash[_STATE] = _State(selected=selected, required=required, urls=urls)
    config.pluginmanager.register(_BackendReport(state), "changeset-backend-report")


# --------------------------------------------------------------------------- parametrisation


def _already_parametrized(metafunc: pytest.Metafunc) -> bool:
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        if "backend_name" in names:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not _BACKEND_FIXTURES & set(metafunc.fixturenames) or _already_parametrized(metafunc):
        return
    state = metafunc.config.stash[_STATE]
    allowed: set[str] = set(BACKENDS)
    for mark in metafunc.definition.iter_markers("backends"):
        unknown = set(mark.args) - set(BACKENDS)
        if unknown:
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: unknown backends {unknown}")
        allowed &= set(mark.args)
    params = []
    for name in state.selected:
        if name not in allowed:
            continue
        marks = []
        if name in URL_ENV and name not in state.urls:
            marks.append(pytest.mark.skip(reason=f"{URL_ENV[name]} not set"))
        params.append(pytest.param(name, id=name, marks=marks))
    metafunc.parametrize("backend_name", params, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[_STATE]
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend_name") if callspec is not None else None
        if backend not in BACKENDS:
            continue
        state.item_backend[item.nodeid] = backend
        for mark in item.iter_markers("requires"):
            for capability in mark.args:
                if capability not in CAPABILITIES:
                    raise pytest.UsageError(
                        f"{item.nodeid}: unknown capability {capability!r} "
                        f"(known: {', '.join(sorted(CAPABILITIES))})"
                    )
                if backend not in CAPABILITIES[capability]:
                    item.add_marker(pytest.mark.skip(reason=f"{backend} lacks {capability}"))


# --------------------------------------------------------------------------- per-backend report


class _BackendReport:
    """Counts outcomes per backend, prints them, fails the run if a required one ran dry."""

    kinds = ("passed", "failed", "error", "skipped", "xfailed")

    def __init__(self, state: _State) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        backend = self.state.item_backend.get(report.nodeid)
        if backend is None:
            return
        counts = self.state.outcomes.setdefault(backend, Counter())
        if report.when == "call":
            counts["xfailed" if hasattr(report, "wasxfail") else report.outcome] += 1
        elif report.failed:
            counts["error"] += 1
        elif report.skipped:
            counts["skipped"] += 1

    def missing_required(self) -> list[str]:
        outcomes = self.state.outcomes
        return [n for n in self.state.required if outcomes.get(n, Counter())["passed"] == 0]

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.missing_required() and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        state = self.state
        if not state.outcomes and not state.required:
            return
        terminalreporter.section("tests per backend")
        for name in BACKENDS:
            if name not in state.outcomes and name not in state.required:
                continue
            counts = state.outcomes.get(name, Counter())
            detail = ", ".join(f"{counts[k]} {k}" for k in self.kinds if counts[k] or k == "passed")
            terminalreporter.write_line(f"{name + ':':<12} {detail}")
        missing = self.missing_required()
        if missing:
            terminalreporter.write_line(
                f"ERROR: required backend(s) without a passing test: {', '.join(missing)}",
                red=True,
                bold=True,
            )


# --------------------------------------------------------------------------- engines


class _ServerEngines:
    """One engine per server backend for the whole session."""

    def __init__(self) -> None:
        self._engines: dict[str, Engine] = {}

    def get(self, backend: str, url: str) -> Engine:
        engine = self._engines.get(backend)
        if engine is None:
            engine = self._engines[backend] = sa.create_engine(url)
        return engine

    def discard(self, backend: str) -> None:
        """Dispose the engine and end the server sessions a leaking test left behind."""
        engine = self._engines.pop(backend, None)
        if engine is None:
            return
        engine.dispose()
        with contextlib.suppress(Exception), engine.connect() as conn:
            if backend == "postgresql":
                conn.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND usename = current_user "
                    "AND pid <> pg_backend_pid()"
                )
            else:
                ids = conn.exec_driver_sql(
                    "SELECT id FROM information_schema.processlist "
                    "WHERE user = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) "
                    "AND id <> CONNECTION_ID()"
                ).scalars()
                for pid in list(ids):
                    with contextlib.suppress(Exception):
                        conn.exec_driver_sql(f"KILL {int(pid)}")
        engine.dispose()

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()


@pytest.fixture(scope="session")
def _server_engines() -> Iterator[_ServerEngines]:
    engines = _ServerEngines()
    yield engines
    engines.close()


def _reset_postgresql(engine: Engine) -> None:
    with engine.connect() as conn:
        # Never wait forever behind a lock someone forgot to release.
        conn.exec_driver_sql("SET LOCAL lock_timeout = '20s'")
        quote = conn.dialect.identifier_preparer.quote_identifier
        schemas = conn.exec_driver_sql(
            "SELECT nspname FROM pg_namespace "
            "WHERE left(nspname, 3) <> 'pg_' AND nspname <> 'information_schema'"
        ).scalars()
        for schema in list(schemas):
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
        conn.exec_driver_sql(f"CREATE SCHEMA {quote(OTHER_SCHEMA)}")
        conn.commit()


def _reset_mysql(engine: Engine) -> None:
    database = engine.url.database
    if not database:
        raise pytest.UsageError(f"{URL_ENV['mysql']} must name a database")
    with engine.connect() as conn:
        quote = conn.dialect.identifier_preparer.quote_identifier
        conn.exec_driver_sql("SET SESSION lock_wait_timeout = 20")
        # a foreign key from one database to the other must not stop the drop
        conn.exec_driver_sql("SET SESSION foreign_key_checks = 0")
        try:
            for name in (database, OTHER_SCHEMA):
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(name)}")
                conn.exec_driver_sql(f"CREATE DATABASE {quote(name)} CHARACTER SET utf8mb4")
            # Dropping the current database unsets it for this session.
            conn.exec_driver_sql(f"USE {quote(database)}")
        finally:
            conn.exec_driver_sql("SET SESSION lock_wait_timeout = DEFAULT")
            conn.exec_driver_sql("SET SESSION foreign_key_checks = DEFAULT")
        conn.commit()


def _sqlite_engine(url: str, tmp_path: Path) -> Engine:
    engine = sa.create_engine(url)
    other = str(tmp_path / f"{OTHER_SCHEMA}.db").replace("'", "''")

    @event.listens_for(engine, "connect")
    def _attach(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.execute(f"ATTACH DATABASE '{other}' AS {OTHER_SCHEMA}")

    return engine


def _checked_out(engine: Engine) -> int:
    checkedout = getattr(engine.pool, "checkedout", None)
    return int(checkedout()) if checkedout is not None else 0


@pytest.fixture
def backend_name(request: pytest.FixtureRequest) -> str:
    """The backend this test instance runs on: sqlite, postgresql or mysql."""
    return str(request.param)


@pytest.fixture
def other_schema() -> str:
    """Name of the second, empty schema every backend provides for ``schema=`` tests."""
    return OTHER_SCHEMA


@pytest.fixture
def url(backend_name: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Database URL of this test's backend (sqlite: a fresh file in tmp_path)."""
    if backend_name == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    value = request.config.stash[_STATE].urls.get(backend_name)
    if not value:
        pytest.skip(f"{URL_ENV[backend_name]} not set")
    return value


@pytest.fixture
def engine(
    backend_name: str, url: str, tmp_path: Path, _server_engines: _ServerEngines
) -> Iterator[Engine]:
    """An engine on an empty database of this test's backend."""
    if backend_name == "sqlite":
        engine = _sqlite_engine(url, tmp_path)
    else:
        engine = _server_engines.get(backend_name, url)
        if backend_name == "postgresql":
            _reset_postgresql(engine)
        else:
            _reset_mysql(engine)
    yield engine
    leaked = _checked_out(engine)
    if leaked:
        gc.collect()  # a Connection dropped without close() is returned by its finalizer
        leaked = _checked_out(engine)
    if backend_name == "sqlite":
        engine.dispose()
    elif leaked:
        _server_engines.discard(backend_name)
    if leaked:
        pytest.fail(
            f"test left {leaked} connection(s) checked out of the {backend_name} engine; "
            "close them (use `with engine.connect()` / `engine.begin()`)",
            pytrace=False,
        )


# --------------------------------------------------------------------------- SQL capture


@contextlib.contextmanager
def capture_sql(bind: Engine | Connection) -> Iterator[list[str]]:
    """Collect every statement ``bind`` sends to a DBAPI cursor inside the block.

    Several ``;``-separated statements sent in one execute (the library does that on
    PostgreSQL with psycopg: ``SAVEPOINT ...; ALTER ...; RELEASE ...``) are recorded one
    by one, without the separator. An execute PostgreSQL refused on a connection in
    autocommit (one implicit transaction: none of its statements took effect) is
    followed by :data:`~tests.support.REFUSED_IN_AUTOCOMMIT`.
    """
    statements: list[str] = []

    def _refused(context: Any) -> None:
        conn = context.connection
        if conn is None or (isinstance(bind, Connection) and conn is not bind):
            return
        if conn.dialect.name == "postgresql":
            if getattr(conn.connection.driver_connection, "autocommit", False):
                statements.append(REFUSED_IN_AUTOCOMMIT)

    def _record(
        conn: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        statements.extend(split_statements(conn, statement))

    event.listen(bind, "before_cursor_execute", _record)
    errors = bind if isinstance(bind, Engine) else bind.engine  # an Engine-wide event
    event.listen(errors, "handle_error", _refused)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", _record)
        event.remove(errors, "handle_error", _refused)


@pytest.fixture
def capture() -> Callable[[Engine | Connection], AbstractContextManager[list[str]]]:
    """``with capture(engine) as sql:`` records the statements executed in the block."""
    return capture_sql
