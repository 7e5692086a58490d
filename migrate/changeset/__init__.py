"""Schema changes for SQLAlchemy 2: ``col.create(table)``, ``col.alter(...)``, ...

Importing this package adds the changeset methods to SQLAlchemy's Column, Table,
Index and Constraint classes: ``Column.create``/``drop``/``alter``, ``Table.rename``/
``create_column``/``drop_column``/``deregister``, ``Index.rename``, and ``create()``/
``drop()`` on constraints. SQLAlchemy's own attributes are never replaced.
"""

from migrate.changeset import _install
from migrate.changeset import galera as _galera  # noqa: F401  (adds its check to the runner)
from migrate.changeset.batch import alter_table
from migrate.changeset.binding import MetaData, bind, inspect_table
from migrate.changeset.constraint import (
    CheckConstraint,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from migrate.changeset.runner import to_sql
from migrate.changeset.schema import (
    ColumnDelta,
    alter_column,
    create_column,
    drop_column,
    rename_index,
    rename_table,
)
from migrate.exceptions import *  # noqa: F403  (legacy star-exports)
from migrate.exceptions import __all__ as _exceptions_all

_install.install()

__all__ = [
    "alter_table",
    "MetaData",
    "bind",
    "inspect_table",
    "to_sql",
    "create_column",
    "drop_column",
    "alter_column",
    "rename_table",
    "rename_index",
    "ColumnDelta",
    "CheckConstraint",
    "ForeignKeyConstraint",
    "PrimaryKeyConstraint",
    "UniqueConstraint",
    *_exceptions_all,
]
