"""A database under a repository's version control: sqlalchemy-migrate 0.13's ``ControlledSchema``.

A thin layer over :mod:`migrate.versioning.runner`: every script runs there, in its
transaction with its version bump, under the runner's lock where DDL is not transactional.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, Table
from sqlalchemy.exc import IntegrityError

from migrate.changeset.diff import SchemaDiff, compare
from migrate.exceptions import (
    DatabaseAlreadyControlledError,
    DatabaseNotControlledError,
    InvalidVersionError,
    NotSupportedError,
    VersionNotFoundError,
)
from migrate.versioning import runner
from migrate.versioning.model_source import model_source
from migrate.versioning.repository import Repository
from migrate.versioning.script import Script
from migrate.versioning.util import as_repository, load_metadata
from migrate.versioning.version import VerNum
from migrate.versioning.version_table import (
    create_version,
    drop_version,
    read_version,
    version_table,
    write_version,
)

log = logging.getLogger("migrate.versioning")


def model_diff(engine: Engine, model: Any, repository: Repository) -> SchemaDiff:
    """What must change so the database matches ``model``; the version table left out."""
    version_table = repository.version_table

    def include(obj: Any, kind: str, reflected: bool) -> bool:
        return not (kind == "table" and getattr(obj, "name", None) == version_table)

    return compare(load_metadata(model), engine, include=include)


class Changeset(list[tuple[int, Script]]):
    """The ``(version, script)`` pairs between two versions, in the order they run.

    ``step`` is ``1`` for an upgrade and ``-1`` for a downgrade; each pair's version is
    the database's version before its script runs, as in sqlalchemy-migrate 0.13.
    """

    def __init__(self, pairs: list[tuple[int, Script]], start: int, end: int) -> None:
        super().__init__(pairs)
        self.start = start
        self.end = end
        self.step = 1 if end >= start else -1


def unwrap_script_error(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``function``; a script that fails there raises its own exception again.

    The runner's description (which script, whether it was rolled back) is added to the
    exception as a note (Python 3.11+). "Another migration is running" stays as it is.
    """
    failure: runner.MigrationFailed | None = None
    try:
        return function(*args, **kwargs)
    except runner.MigrationLocked:
        raise
    except runner.MigrationFailed as exc:
        failure = exc
    error = failure.error
    if hasattr(error, "add_note"):  # Python 3.11+
        error.add_note(failure.describe())
    raise error


def run_to(
    engine: Engine,
    repository: Repository,
    target: int | None,
    reporter: runner.Reporter | None = None,
) -> None:
    """Upgrade or downgrade through the runner; see :func:`unwrap_script_error`."""
    unwrap_script_error(runner.migrate, engine, repository, target, reporter=reporter)


def check_target(repository: Repository, version: Any) -> int | None:
    """``version`` as an int, or None for the latest; 0.13's errors for a bad one."""
    if version is None:
        return None
    try:
        number = VerNum(version)
    except (TypeError, ValueError):
        raise InvalidVersionError(f"invalid version {version!r}") from None
    if number > repository.latest:
        raise VersionNotFoundError(
            f"version {number} is not in repository {repository.id!r} "
            f"(latest is {repository.latest})"
        )
    return int(number)


class ControlledSchema:
    """A database under version control of ``repository`` (a path or a Repository).

    The constructor raises :class:`~migrate.exceptions.DatabaseNotControlledError` if the
    database has no version row for the repository; ``.version`` is the recorded version.
    """

    def __init__(self, engine: Engine, repository: Repository | str | Path) -> None:
        self.engine = engine
        self.repository = as_repository(repository)
        self.meta = MetaData()
        self.version = 0
        self.load()

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ControlledSchema)
            and self.repository is other.repository
            and self.version == other.version
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def table(self) -> Table:
        """The version table (``migrate_version`` unless the repository names another)."""
        return version_table(self.repository.version_table, self.meta)

    def load(self) -> int:
        """Read the version again from the database; the version."""
        with self.engine.connect() as connection:
            version = read_version(connection, self.repository)
        if version is None:
            raise DatabaseNotControlledError(
                f"the database is not under version control of repository "
                f"{self.repository.id!r} (no row in {self.repository.version_table})"
            )
        self.version = version
        return version

    def drop(self) -> None:
        """Remove the repository's version row (the table too if no other row is left)."""
        with self.engine.begin() as connection:
            drop_version(connection, self.repository)

    def changeset(self, version: int | None = None) -> Changeset:
        """The scripts from the current version to ``version`` (default: the latest)."""
        target = check_target(self.repository, version)
        end = self.repository.latest if target is None else target
        steps = self.repository.steps(self.version, end, self.engine.dialect.name)
        return Changeset([(step.before, step.script) for step in steps], self.version, end)

    def runchange(self, ver: int, change: Script, step: int) -> None:
        """Run the script that takes the database from version ``ver`` one step on."""
        if self.version != ver:
            raise InvalidVersionError(f"{self.version} is not {ver}")
        end = self.repository.latest if step > 0 else 0
        steps = self.repository.steps(ver, end, self.engine.dialect.name)
        if not steps or steps[0].script != change:
            raise InvalidVersionError(f"{change!r} is not the script after version {ver}")
        run_to(self.engine, self.repository, steps[0].after)
        self.load()

    def upgrade(self, version: int | None = None) -> None:
        """Upgrade (or downgrade) to ``version``, or to the latest version."""
        run_to(self.engine, self.repository, check_target(self.repository, version))
        self.load()

    def update_repository_table(self, startver: int, endver: int) -> None:
        """Record ``endver``; fails if the database is no longer at ``startver``."""
        with self.engine.begin() as connection:
            write_version(connection, self.repository, int(startver), int(endver))
        self.load()

    def update_db_from_model(self, model: Any) -> None:
        """Change the database to match ``model`` (:func:`migrate.changeset.compare`'s
        changes, run as the script it writes), then record the repository's latest
        version, as 0.13 did."""
        model_diff(self.engine, model, self.repository).apply(self.engine)
        self.update_repository_table(int(self.version), int(self.repository.latest))

    @classmethod
    def create(
        cls, engine: Engine, repository: Repository | str | Path, version: Any = None
    ) -> ControlledSchema:
        """Put the database under version control at ``version`` (default 0).

        Raises :class:`~migrate.exceptions.InvalidVersionError` for a version that is
        negative or above the repository's latest, and
        :class:`~migrate.exceptions.DatabaseAlreadyControlledError` if it is controlled;
        nothing is changed then.
        """
        repository = as_repository(repository)
        number = cls._validate_version(repository, version)
        try:
            with engine.begin() as connection:
                create_version(connection, repository, number)
        except IntegrityError as exc:  # another process put it under control meanwhile
            raise DatabaseAlreadyControlledError(str(exc.orig)) from exc
        return cls(engine, repository)

    @classmethod
    def _validate_version(cls, repository: Repository, version: Any) -> int:
        try:
            number = VerNum(0 if version is None else version)
        except (TypeError, ValueError):
            raise InvalidVersionError(f"invalid version {version!r}") from None
        if number > repository.latest:
            raise InvalidVersionError(
                f"version {number} is above the repository's latest version {repository.latest}"
            )
        return int(number)

    @classmethod
    def compare_model_to_db(
        cls, engine: Engine, model: Any, repository: Repository | str | Path
    ) -> SchemaDiff:
        """The changes that make the database match ``model``: a
        :class:`~migrate.changeset.SchemaDiff`, falsy when they match (0.13 returned its
        own ``SchemaDiff``, also falsy when in sync; ``str()`` lists the changes)."""
        return model_diff(engine, model, as_repository(repository))

    @classmethod
    def create_model(
        cls, engine: Engine, repository: Repository | str | Path, declarative: bool = False
    ) -> str:
        """Python source defining a module-level ``meta`` with the database's tables.

        Built on SQLAlchemy's reflection; the version table is left out. ``declarative``
        is not supported (0.13's declarative output is left out: Core tables only).
        """
        repository = as_repository(repository)
        if declarative:
            raise NotSupportedError("create_model writes Core Table code only (no declarative)")
        return model_source(engine, exclude=(repository.version_table,))
