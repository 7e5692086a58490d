"""Legacy import paths that migration scripts use (SPEC §1, §4)."""

from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

import migrate
import migrate.exceptions
from migrate.exceptions import NotSupportedError

CONSTRAINTS = [
    "CheckConstraint",
    "ForeignKeyConstraint",
    "PrimaryKeyConstraint",
    "UniqueConstraint",
]
FUNCTIONS = ["create_column", "drop_column", "alter_column", "rename_table", "rename_index"]
LEGACY_DATABASE_MODULES = ["postgres", "sqlite", "mysql", "visitor", "oracle", "firebird", "ibmdb2"]


def star(module: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(f"from {module} import *", namespace)  # the legacy scripts' own idiom
    return namespace


@pytest.mark.parametrize("module", ["migrate", "migrate.changeset"])
def test_star_import_exports_the_legacy_names(module: str) -> None:
    names = star(module)
    for name in [*CONSTRAINTS, *FUNCTIONS, "ColumnDelta", "MigrateDeprecationWarning"]:
        assert name in names, name
    for name in ("NotSupportedError", "InvalidConstraintError", "Error", "NoSuchObjectError"):
        assert names[name] is getattr(migrate.exceptions, name)


def test_constraint_module_forms() -> None:
    import migrate.changeset.constraint as constraint
    from migrate import changeset
    from migrate.changeset.constraint import UniqueConstraint

    assert changeset.constraint.UniqueConstraint is UniqueConstraint
    assert constraint.UniqueConstraint is UniqueConstraint
    assert issubclass(UniqueConstraint, sa.UniqueConstraint)
    for name in CONSTRAINTS:
        assert name in star("migrate.changeset.constraint")


def test_util_fk_column_names() -> None:
    from migrate.changeset.util import fk_column_names

    t = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer), sa.Column("ref", sa.Integer))
    fk = sa.ForeignKeyConstraint([t.c.ref], [t.c.id])
    t.append_constraint(fk)
    assert fk_column_names(fk) == ["ref"]


def test_not_supported_error_everywhere() -> None:
    import migrate.changeset

    assert migrate.NotSupportedError is NotSupportedError
    assert migrate.changeset.NotSupportedError is NotSupportedError
    assert issubclass(NotSupportedError, migrate.exceptions.Error)


@pytest.mark.parametrize("name", LEGACY_DATABASE_MODULES)
def test_legacy_database_modules_import(name: str) -> None:
    module = importlib.import_module(f"migrate.changeset.databases.{name}")
    assert module.__name__.endswith(name)


@pytest.mark.parametrize("name", ["oracle", "firebird", "ibmdb2"])
def test_unsupported_database_modules_refuse_any_use(name: str) -> None:
    module = importlib.import_module(f"migrate.changeset.databases.{name}")
    with pytest.raises(NotSupportedError, match="not supported"):
        module.SchemaChanger  # noqa: B018  (any attribute a legacy script could use)


def test_visitor_maps_dialects_and_names_unknown_ones() -> None:
    from sqlalchemy.dialects import oracle

    from migrate.changeset.databases import sqlite, visitor

    assert visitor.get_engine_visitor(sa.create_engine("sqlite://")) is sqlite
    with pytest.raises(NotSupportedError, match="oracle"):
        visitor.get_dialect_visitor(oracle.dialect())


def test_index_rename_is_installed_without_replacing_sqlalchemy() -> None:
    from migrate.changeset import schema

    assert sa.Index.rename is schema.index_rename  # type: ignore[attr-defined]
    assert sa.Index.create is not schema.index_rename  # SQLAlchemy's own create() stays
