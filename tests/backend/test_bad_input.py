"""Bad input (SPEC §7) on every backend: the error type, a message that names the object,
and the schema and every row exactly as before.

Each case runs against ``parent(id)`` (3 rows) and ``child(id, name, pid -> parent, n)``
(4 rows, index ``ix_child_n``) from the fault-injection module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

import migrate.changeset as cs
from migrate import exceptions as mx
from migrate.changeset import alter_table
from migrate.changeset import constraint as mc
from tests.backend.test_faults import setup, state


@dataclass(frozen=True)
class Case:
    run: Callable[[sa.MetaData, sa.Engine], Any]
    errors: tuple[type[BaseException], ...]
    names: tuple[str, ...]  # each must appear in the message
    backends: tuple[str, ...] = ("sqlite", "postgresql", "mysql")


def _child(meta: sa.MetaData) -> sa.Table:
    return meta.tables["child"]


def _batch(*calls: tuple[str, tuple[Any, ...]]) -> Callable[[sa.MetaData, sa.Engine], None]:
    def run(meta: sa.MetaData, engine: sa.Engine) -> None:
        with alter_table("child", engine=engine) as t:
            for method, args in calls:
                getattr(t, method)(*args)

    return run


class Unrenderable(sa.types.UserDefinedType[Any]):
    """A type no dialect can render (its get_col_spec fails)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        raise sa.exc.CompileError("Unrenderable has no DDL spelling")


CASES: dict[str, Case] = {
    # unknown objects
    "unknown_table_batch": Case(
        lambda m, e: _batch_on("nosuch", e), (mx.NoSuchTableError,), ("nosuch",)
    ),
    "unknown_table_rename": Case(
        lambda m, e: cs.rename_table("nosuch", "other", engine=e), (mx.Error,), ("nosuch",)
    ),
    "unknown_column_drop": Case(
        lambda m, e: _child(m).drop_column("ghost"), (mx.NoSuchColumnError,), ("ghost", "child")
    ),
    "unknown_column_batch_drop": Case(
        _batch(("drop_column", ("ghost",))), (mx.NoSuchColumnError,), ("ghost",)
    ),
    "unknown_column_rename": Case(
        _batch(("rename_column", ("ghost", "spirit"))), (mx.NoSuchColumnError,), ("ghost",)
    ),
    "unknown_column_index": Case(
        _batch(("create_index", ("ix_ghost", "ghost"))), (mx.NoSuchColumnError,), ("ghost",)
    ),
    "unknown_index_drop": Case(
        _batch(("drop_index", ("ix_ghost",))), (mx.NoSuchObjectError,), ("ix_ghost",)
    ),
    "unknown_constraint_drop": Case(
        _batch(("drop_constraint", ("ck_ghost",))), (mx.NoSuchObjectError,), ("ck_ghost",)
    ),
    "unknown_unique_drop_legacy": Case(
        lambda m, e: mc.UniqueConstraint("name", table=_child(m), name="uq_ghost").drop(),
        (mx.NoSuchObjectError,),
        ("uq_ghost",),
    ),
    # duplicates
    "duplicate_column": Case(
        lambda m, e: sa.Column("name", sa.String(10)).create(_child(m)),
        (mx.DuplicateObjectError,),
        ("name",),
    ),
    "duplicate_column_batch": Case(
        _batch(("add_column", (sa.Column("n", sa.Integer),))),
        (mx.DuplicateObjectError,),
        ("'n'",),
    ),
    "duplicate_column_rename": Case(
        _batch(("rename_column", ("n", "name"))), (mx.DuplicateObjectError,), ("name",)
    ),
    "duplicate_index": Case(
        _batch(("create_index", ("ix_child_n", "name"))),
        (mx.DuplicateObjectError,),
        ("ix_child_n",),
    ),
    "duplicate_constraint_name": Case(
        lambda m, e: mc.UniqueConstraint("name", table=_child(m), name="fk_child_pid").create(),
        (mx.DuplicateObjectError,),
        ("fk_child_pid",),
    ),
    "duplicate_table_rename": Case(
        lambda m, e: _child(m).rename("parent"), (mx.DuplicateObjectError,), ("parent",)
    ),
    # NOT NULL without default on a non-empty table
    "not_null_no_default": Case(
        lambda m, e: sa.Column("req", sa.Integer, nullable=False).create(_child(m)),
        (mx.InvalidOperationError,),
        ("req", "child"),
    ),
    "not_null_no_default_batch": Case(
        _batch(("add_column", (sa.Column("req", sa.Integer, nullable=False),))),
        (mx.InvalidOperationError,),
        ("req",),
    ),
    # a type that cannot be rendered
    "unrenderable_type_add": Case(
        lambda m, e: sa.Column("odd", Unrenderable()).create(_child(m)),
        (mx.NotSupportedError,),
        ("odd", "child"),
    ),
    # dropping a primary key column referenced by a foreign key
    "drop_referenced_pk": Case(
        lambda m, e: m.tables["parent"].drop_column("id"),
        (mx.Error, sa.exc.DBAPIError),
        ("id",),
    ),
    # conflicting arguments
    "index_flag_without_name": Case(
        lambda m, e: sa.Column("flagged", sa.Integer, index=True).create(_child(m)),
        (mx.InvalidConstraintError,),
        ("flagged", "index_name"),
    ),
    "unique_flag_without_name": Case(
        lambda m, e: sa.Column("flagged", sa.Integer, unique=True).create(_child(m)),
        (mx.InvalidConstraintError,),
        ("flagged", "unique_name"),
    ),
    "alter_names_no_change": Case(
        _batch(("alter_column", ("name",))), (mx.InvalidOperationError,), ("name",)
    ),
    "check_without_name_or_columns": Case(
        lambda m, e: mc.CheckConstraint("n > 0", table=_child(m)),
        (mx.InvalidConstraintError,),
        ("name",),
    ),
    # a Table from another MetaData: the column belongs to another table
    "column_of_another_table": Case(
        lambda m, e: _foreign_column().create(_child(m)),
        (mx.InvalidOperationError,),
        ("elsewhere", "child"),
    ),
    # no bind at all
    "no_bind": Case(
        lambda m, e: sa.Column("x", sa.Integer).create(_unbound_child()),
        (mx.NoBindError,),
        ("bind",),
    ),
}


def _batch_on(table: str, engine: sa.Engine) -> None:
    with alter_table(table, engine=engine) as t:
        t.add_column(sa.Column("x", sa.Integer))


def _foreign_column() -> sa.Column[Any]:
    other = sa.Table("elsewhere", sa.MetaData(), sa.Column("x", sa.Integer))
    return other.c.x


def _unbound_child() -> sa.Table:
    return sa.Table("child", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))


def _alter(column: str, **changes: Any) -> Callable[[sa.MetaData, sa.Engine], None]:
    def run(meta: sa.MetaData, engine: sa.Engine) -> None:
        with alter_table("child", engine=engine) as t:
            t.alter_column(column, **changes)

    return run


# incompatible type change with data that cannot be converted ('c'1' -> integer)
# (SQLite's type affinity keeps such a value as text: no error there, by design)
CASES["type_change_bad_data"] = Case(
    _alter("name", type=sa.Integer()),
    (sa.exc.DBAPIError, mx.Error),
    (),
    backends=("postgresql", "mysql"),
)
# a dialect limit: MySQL cannot change primary_key and name in one alter
CASES["mysql_pk_and_name_in_one_alter"] = Case(
    _alter("n", name="n2", primary_key=True),
    (mx.NotSupportedError,),
    ("rename",),
    backends=("mysql",),
)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(engine: sa.Engine, backend_name: str, case: str) -> None:
    spec = CASES[case]
    if backend_name not in spec.backends:
        pytest.skip(f"{case} is a {'/'.join(spec.backends)} limit")
    meta = setup(engine)
    before = state(engine)
    with pytest.raises(spec.errors) as info:
        spec.run(meta, engine)
    message = str(info.value)
    for name in spec.names:
        assert name in message, f"{case}: {name!r} not in {message!r}"
    assert state(engine) == before
    if isinstance(info.value, sa.exc.StatementError):
        assert info.value.statement, "database errors carry the statement"


def test_offline_unknown_dialect_is_named() -> None:
    with pytest.raises(mx.NotSupportedError, match="oracle"):
        with cs.to_sql("oracle"):
            pass


def test_unrenderable_new_column_type_is_named_offline() -> None:
    """Was SQLAlchemy's bare CompileError from deep in execution, naming no column."""
    table = sa.Table("child", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(mx.NotSupportedError, match="'odd'.*'child'"):
        with cs.to_sql("postgresql"):
            sa.Column("odd", Unrenderable()).create(table)


def test_batch_alter_column_accepts_name_keyword() -> None:
    """Was TypeError: alter_column()'s own parameter was called ``name`` too."""
    table = sa.Table(
        "child",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer),
    )
    with cs.to_sql("postgresql") as statements:
        with alter_table(table) as t:
            t.alter_column("n", name="n2")
    assert statements == ["ALTER TABLE child RENAME COLUMN n TO n2;"], statements
