"""Oracle: not supported. Importable for legacy scripts; any use raises.

sqlalchemy-migrate 0.13 had a Oracle module here; sqlalchemy-changeset supports SQLite,
PostgreSQL and MySQL/MariaDB only. Looking up anything in this module raises
:class:`~migrate.exceptions.NotSupportedError`; so does running an operation on a
Oracle connection (see :mod:`migrate.changeset.capabilities`).
"""

from __future__ import annotations

from typing import NoReturn

from migrate.exceptions import NotSupportedError

DIALECT_NAME = "oracle"


def __getattr__(name: str) -> NoReturn:
    if name.startswith("__"):
        raise AttributeError(name)
    raise NotSupportedError(
        f"Oracle is not supported by migrate.changeset (asked for {name!r}); "
        "supported: SQLite, PostgreSQL, MySQL/MariaDB"
    )
