"""Offline SQL: a repository's upgrade rendered for a dialect, without a database."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, TextIO

from sqlalchemy import ClauseElement, Insert, ValuesBase
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.engine.mock import MockConnection
from sqlalchemy.schema import CreateTable

from migrate.versioning.repository import Repository
from migrate.versioning.runner import TRANSACTIONAL_DDL
from migrate.versioning.script import Direction, Script, SqlScript
from migrate.versioning.version_table import update_version_statement, version_table

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
