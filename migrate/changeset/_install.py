"""The one place that adds changeset methods to SQLAlchemy's classes.

An explicit list of attribute assignments, run once. An attribute SQLAlchemy
itself defines is never replaced: ``Table.create``/``Index.create`` keep their
meaning.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import sqlalchemy as sa
import sqlalchemy.dialects

from migrate.changeset import constraint, schema

_installed = False

#: (class, attribute, function): everything we add, nothing else.
ADDITIONS: list[tuple[type[Any], str, Any]] = [
    (sa.Column, "create", schema.column_create),
    (sa.Column, "drop", schema.column_drop),
    (sa.Column, "alter", schema.column_alter),
    (sa.Table, "rename", schema.table_rename),
    (sa.Table, "create_column", schema.table_create_column),
    (sa.Table, "drop_column", schema.table_drop_column),
    (sa.Table, "deregister", schema.table_deregister),
    (sa.Index, "rename", schema.index_rename),
    (sa.Constraint, "create", constraint.constraint_create),
    (sa.Constraint, "drop", constraint.constraint_drop),
]


def install() -> None:
    """Add the changeset methods; idempotent."""
    global _installed
    if _installed:
        return
    for cls, name, _fn in ADDITIONS:
        if name in vars(cls) or hasattr(cls, name):
            raise RuntimeError(
                f"SQLAlchemy's {cls.__name__} already defines {name!r}; "
                "migrate.changeset will not replace it"
            )
    for cls, name, fn in ADDITIONS:
        setattr(cls, name, fn)
    _install_dialects_getattr(sqlalchemy.dialects)
    _installed = True


def _install_dialects_getattr(package: ModuleType) -> None:
    """``from sqlalchemy import dialects; dialects.mysql.MEDIUMTEXT`` works, as it did
    after ``import migrate`` 0.13 (which imported the MySQL and PostgreSQL dialects).

    Instead of importing them up front (about a third more import time for a SQLite user,
    see docs/porting.rst), ``sqlalchemy.dialects`` gets a module ``__getattr__``
    (PEP 562) that imports a dialect listed in its ``__all__`` on first access. Nothing
    is replaced: a ``__getattr__`` SQLAlchemy itself defines is kept.
    """
    if "__getattr__" in vars(package):
        return
    names = frozenset(getattr(package, "__all__", ()))

    def __getattr__(name: str) -> ModuleType:
        if name not in names:
            raise AttributeError(f"module {package.__name__!r} has no attribute {name!r}")
        return importlib.import_module(f"{package.__name__}.{name}")

    setattr(package, "__getattr__", __getattr__)  # noqa: B010
