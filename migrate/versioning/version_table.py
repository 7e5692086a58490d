"""The ``migrate_version`` table, column for column as sqlalchemy-migrate made it."""

from __future__ import annotations

import functools
import logging

from sqlalchemy import (
    Column,
    Connection,
    Executable,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    select,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import CursorResult

from migrate.exceptions import (
    DatabaseAlreadyControlledError,
    DatabaseNotControlledError,
    InvalidVersionError,
)
from migrate.versioning.repository import DEFAULT_VERSION_TABLE, Repository

log = logging.getLogger("migrate.versioning")


def version_table(name: str = DEFAULT_VERSION_TABLE, metadata: MetaData | None = None) -> Table:
    """sqlalchemy-migrate's version table, column for column.

    Without ``metadata``: one shared Table per name (the runner reads and writes it twice
    per script; building it each time cost more than the statements' round trips).
    """
    if metadata is None:
        return _shared_version_table(name)
    return Table(
        name,
        metadata,
        Column("repository_id", String(250), primary_key=True),
        Column("repository_path", Text),
        Column("version", Integer),
    )


@functools.lru_cache(maxsize=16)
def _shared_version_table(name: str) -> Table:
    return version_table(name, MetaData())


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


def create_version(connection: Connection, repository: Repository, version: int) -> None:
    """Put the database under ``repository``'s control at ``version`` (0.13's ``version_control``).

    Creates the table if absent and inserts the repository's row; raises
    :class:`~migrate.exceptions.DatabaseAlreadyControlledError` if the row exists.
    Runs in the caller's transaction.
    """
    table = version_table(repository.version_table)
    if not sa_inspect(connection).has_table(repository.version_table):
        table.create(connection)
    elif read_version(connection, repository) is not None:
        raise DatabaseAlreadyControlledError(
            f"the database is already under version control of repository {repository.id!r} "
            f"({repository.version_table})"
        )
    connection.execute(
        table.insert().values(
            repository_id=repository.id, repository_path=str(repository.path), version=version
        )
    )


def drop_version(connection: Connection, repository: Repository) -> None:
    """Remove ``repository``'s row; drop the table when no other repository has a row.

    Raises :class:`~migrate.exceptions.DatabaseNotControlledError` if there is no row.
    (sqlalchemy-migrate 0.13 dropped the table, and with it the other repositories' rows.)
    """
    if read_version(connection, repository) is None:
        raise DatabaseNotControlledError(
            f"the database is not under version control of repository {repository.id!r}"
        )
    table = version_table(repository.version_table)
    connection.execute(table.delete().where(table.c.repository_id == repository.id))
    if connection.execute(select(table.c.repository_id).limit(1)).first() is None:
        table.drop(connection)


def set_version(connection: Connection, repository: Repository, version: int) -> None:
    """Record ``version`` for ``repository`` whatever it was (``changeset stamp``)."""
    table = version_table(repository.version_table)
    connection.execute(
        table.update().where(table.c.repository_id == repository.id).values(version=version)
    )
