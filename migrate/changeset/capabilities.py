"""What a dialect and server version can do, as data.

Planners ask ``caps.native_drop_column`` instead of comparing dialect names
and versions themselves.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from migrate.exceptions import NotSupportedError

SUPPORTED = ("sqlite", "postgresql", "mysql", "mariadb")


@dataclass(frozen=True)
class Capabilities:
    #: ``sqlite``, ``postgresql`` or ``mysql`` (MariaDB is ``mysql`` with ``is_mariadb``)
    family: str
    server_version: tuple[int, ...]
    is_mariadb: bool = False
    #: DDL can be rolled back (SQLite, PostgreSQL)
    transactional_ddl: bool = False
    native_rename_column: bool = True
    native_drop_column: bool = True
    #: ALTER COLUMN type / nullability / default without rebuilding the table
    native_alter_column: bool = True
    native_add_constraint: bool = True
    native_rename_index: bool = True
    check_constraints: bool = True
    drop_check_constraint: bool = True
    #: several clauses in one ALTER TABLE statement
    multi_clause_alter: bool = True
    #: rendering SQL without a database (offline mode)
    offline: bool = False
    #: column names compare exactly (PostgreSQL); else case-insensitively
    case_sensitive_names: bool = False
    #: the driver runs several ``;``-separated statements sent as one string (one round
    #: trip): psycopg and psycopg2 on PostgreSQL, whose simple query protocol allows it
    multi_statement: bool = False


def for_dialect(dialect: Dialect, *, offline: bool = False) -> Capabilities:
    """Capabilities of a connected dialect (or, offline, of the newest server)."""
    version = tuple(dialect.server_version_info or ())
    if dialect.name == "sqlite" and not version:
        import sqlite3

        version = sqlite3.sqlite_version_info
    multi = not offline and dialect.name == "postgresql" and dialect.driver in MULTI_STATEMENT
    mariadb = bool(getattr(dialect, "is_mariadb", False))
    return _compute(dialect.name, mariadb, version, offline, multi)


#: PostgreSQL drivers that send a statement without parameters by the simple query
#: protocol, which runs several ``;``-separated statements in one round trip
MULTI_STATEMENT = ("psycopg", "psycopg2")


@functools.lru_cache(maxsize=64)
def _compute(
    name: str, is_mariadb: bool, version: tuple[int, ...], offline: bool, multi: bool = False
) -> Capabilities:
    if name == "sqlite":
        v = version or (3, 45, 0)
        return Capabilities(
            family="sqlite",
            server_version=v,
            transactional_ddl=True,
            native_rename_column=v >= (3, 25, 0),
            native_drop_column=v >= (3, 35, 0),
            native_alter_column=False,
            native_add_constraint=False,
            native_rename_index=False,
            drop_check_constraint=True,
            multi_clause_alter=False,
            offline=offline,
        )
    if name == "postgresql":
        return Capabilities(
            family="postgresql",
            server_version=version or (16,),
            transactional_ddl=True,
            offline=offline,
            case_sensitive_names=True,
            multi_statement=multi,
        )
    if name in ("mysql", "mariadb"):
        mariadb = is_mariadb or name == "mariadb"
        v = version or ((11, 4) if mariadb else (8, 4))
        return Capabilities(
            family="mysql",
            server_version=v,
            is_mariadb=mariadb,
            native_rename_column=v >= ((10, 5) if mariadb else (8, 0)),
            native_rename_index=v >= ((10, 5) if mariadb else (5, 7)),
            check_constraints=v >= ((10, 2) if mariadb else (8, 0, 16)),
            drop_check_constraint=v >= ((10, 2) if mariadb else (8, 0, 16)),
            offline=offline,
        )
    raise NotSupportedError(
        f"The {name!r} dialect is not supported by migrate.changeset "
        f"(supported: {', '.join(SUPPORTED)})"
    )


def dialect_from_name(name: str) -> Dialect:
    """A Dialect object for offline rendering, without a driver or a database."""
    if name not in SUPPORTED:
        raise NotSupportedError(
            f"The {name!r} dialect is not supported by migrate.changeset "
            f"(supported: {', '.join(SUPPORTED)})"
        )
    return _dialect_from_name(name)


@functools.lru_cache(maxsize=8)
def _dialect_from_name(name: str) -> Dialect:
    url = sa.engine.make_url(f"{name}://")
    dialect_cls = url.get_dialect()
    return dialect_cls()


# --------------------------------------------------------------------------- Galera
# A Galera cluster (MariaDB's wsrep replication) is a property of the server, not of the
# dialect: it is read from the connection, once per DBAPI connection, and cached there.

_GALERA_KEY = "migrate_changeset_galera"


@dataclass(frozen=True)
class GaleraInfo:
    """What a MariaDB/MySQL server says about its Galera (wsrep) replication."""

    #: ``@@wsrep_on`` and a provider loaded: the server is a Galera node
    wsrep_on: bool
    #: ``@@wsrep_mode`` flags (MariaDB 10.6+), e.g. ``REQUIRED_PRIMARY_KEY``
    modes: frozenset[str] = frozenset()
    #: ``@@global.wsrep_OSU_method``: ``TOI`` (the default) or ``RSU``
    osu_method: str = "TOI"

    @property
    def required_primary_key(self) -> bool:
        return "REQUIRED_PRIMARY_KEY" in self.modes


def galera(conn: sa.Connection) -> GaleraInfo | None:
    """The Galera settings of ``conn``'s server, or None when it is not a Galera node.

    Read at the first call on a DBAPI connection with its own cursor (so the statement is
    not part of the caller's statement stream) and cached in ``conn.info``; SQLite and
    PostgreSQL connections are answered without a query.
    """
    if conn.dialect.name not in ("mysql", "mariadb"):
        return None
    cached = conn.info.get(_GALERA_KEY, _GALERA_KEY)
    if cached is not _GALERA_KEY:
        return cached  # type: ignore[no-any-return]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            "SHOW GLOBAL VARIABLES WHERE Variable_name IN "
            "('wsrep_on', 'wsrep_provider', 'wsrep_mode', 'wsrep_OSU_method')"
        )
        values = {str(k).lower(): str(v or "") for k, v in cursor.fetchall()}
    finally:
        cursor.close()
    provider = values.get("wsrep_provider", "none").strip().lower()
    info: GaleraInfo | None = None
    if values.get("wsrep_on", "OFF").upper() == "ON" and provider not in ("", "none"):
        info = GaleraInfo(
            wsrep_on=True,
            modes=frozenset(m.strip().upper() for m in values.get("wsrep_mode", "").split(","))
            - {""},
            osu_method=values.get("wsrep_osu_method", "TOI").upper() or "TOI",
        )
    conn.info[_GALERA_KEY] = info
    return info


# --------------------------------------------------------------------------- columns
# Questions about one column to add, which planning and introspection both ask.


def plain_column(col: sa.Column[Any]) -> bool:
    """A column to add that brings no primary key, unique, index, foreign key or
    constraint of its own: planning it reads nothing of the table's indexes or
    constraints."""
    return not (col.primary_key or col.unique or col.index or col.foreign_keys or col.constraints)


def native_add_column(col: sa.Column[Any]) -> bool:
    """SQLite's ADD COLUMN rules (sqlite.org/lang_altertable.html#altertabaddcol)."""
    if col.primary_key or col.unique:
        return False
    default = col.server_default
    if default is not None and not _constant_default(default):
        return False
    if not col.nullable and default is None:
        # NOT NULL needs a non-NULL server default; a Python-only default would have to
        # become a permanent server default, which the column does not declare
        return False
    return True


def _constant_default(default: Any) -> bool:
    arg = getattr(default, "arg", None)
    if isinstance(arg, str):
        return True
    if isinstance(arg, sa.sql.elements.TextClause):
        text = arg.text.strip().upper()
        return not text.startswith("(") and not text.startswith("CURRENT_")
    return False
