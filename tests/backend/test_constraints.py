"""Constraints on every backend: create, drop, autonames, idempotence, PK under FKs.

Written like sqlalchemy-migrate's own test_constraint.py (``meta.bind = engine``, the
legacy classes), then asserting what the database says (``sa.inspect``) and the rows.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import runner
from migrate.changeset.constraint import (
    CheckConstraint,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from migrate.changeset.ops import AddConstraintOp, DropConstraintOp, TableRef
from migrate.changeset.util import fk_column_names
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidConstraintError,
    InvalidOperationError,
    NoSuchColumnError,
    NoSuchObjectError,
)
from tests.support import rows, schema_state


def make_mytable(engine: sa.Engine, with_rows: bool = True) -> sa.Table:
    """The legacy fixture table: ``mytable(id, fkey)``, no primary key."""
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    table = sa.Table(
        "mytable",
        meta,
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("fkey", sa.Integer, nullable=False),
        mysql_engine="InnoDB",
    )
    table.create(engine)
    if with_rows:
        insert(engine, table, [(1, 1), (2, 1), (3, 2)])
    return table


def insert(engine: sa.Engine, table: sa.Table, values: list[tuple[int, int]]) -> None:
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": i, "fkey": f} for i, f in values])


def fails_to_insert(engine: sa.Engine, table: sa.Table, id_: int, fkey: int) -> bool:
    try:
        insert(engine, table, [(id_, fkey)])
    except (sa.exc.IntegrityError, sa.exc.OperationalError, sa.exc.ProgrammingError):
        return True
    return False


def pk(engine: sa.Engine, table: str = "mytable") -> list[str]:
    return list(sa.inspect(engine).get_pk_constraint(table)["constrained_columns"])


def uniques(engine: sa.Engine, table: str = "mytable") -> list[tuple[str, ...]]:
    """Unique constraints, as column tuples (MySQL: unique indexes are the same thing)."""
    insp = sa.inspect(engine)
    found = {tuple(u["column_names"]) for u in insp.get_unique_constraints(table)}
    found |= {tuple(i["column_names"]) for i in insp.get_indexes(table) if i["unique"]}
    return sorted(found)


def fks(engine: sa.Engine, table: str = "mytable") -> list[dict[str, Any]]:
    return sa.inspect(engine).get_foreign_keys(table)


MYTABLE_ROWS = [(1, 1), (2, 1), (3, 2)]


# ---- primary keys ------------------------------------------------------------------------


@pytest.mark.parametrize("cols", [("fkey",), ("id", "fkey")])
def test_define_pk(engine: sa.Engine, cols: tuple[str, ...]) -> None:
    """PK constraints can be defined, created, and dropped (legacy _define_pk)."""
    table = make_mytable(engine, with_rows=False)
    insert(engine, table, [(1, 1), (2, 2)])
    cons = PrimaryKeyConstraint(*[table.c[c] for c in cols], table=table)
    assert [c.name for c in cons.columns] == list(cols)
    cons.create()
    assert pk(engine) == list(cols)
    assert [c.name for c in table.primary_key.columns] == list(cols)
    cons.drop()
    assert pk(engine) == []
    assert list(table.primary_key.columns) == []
    assert not table.c.fkey.primary_key
    assert rows(engine, "mytable") == [(1, 1), (2, 2)]


def test_autoname_pk(engine: sa.Engine, backend_name: str) -> None:
    """PrimaryKeyConstraints guess their name if None is given (legacy test_autoname_pk)."""
    table = make_mytable(engine)
    cons = PrimaryKeyConstraint(table.c.id)
    cons.create()
    assert pk(engine) == ["id"]
    if backend_name == "postgresql":
        assert sa.inspect(engine).get_pk_constraint("mytable")["name"] == "mytable_pkey"
    cons.name = None
    cons.drop()
    assert pk(engine) == []
    # string names
    cons = PrimaryKeyConstraint("id", table=table)
    cons.create()
    assert pk(engine) == ["id"]
    cons.name = None
    cons.drop()
    assert pk(engine) == []
    assert rows(engine, "mytable") == MYTABLE_ROWS


@pytest.mark.backends("postgresql", "mysql")  # CASCADE is a server keyword
def test_drop_cascade(engine: sa.Engine) -> None:
    table = make_mytable(engine, with_rows=False)
    insert(engine, table, [(1, 1), (2, 2)])
    cons = PrimaryKeyConstraint("fkey", table=table, name="id_pkey")
    cons.create()
    assert pk(engine) == ["fkey"]
    cons.drop(cascade=True)
    assert pk(engine) == []
    assert rows(engine, "mytable") == [(1, 1), (2, 2)]


def test_primary_key_twice_is_a_noop_but_another_one_is_an_error(engine: sa.Engine) -> None:
    table = make_mytable(engine)
    PrimaryKeyConstraint("id", table=table).create()
    PrimaryKeyConstraint("id", table=table).create()  # identical: nothing happens
    assert pk(engine) == ["id"]
    before = schema_state(engine)
    with pytest.warns(sa.exc.SAWarning):  # SQLAlchemy: the Table object's PK changes
        other = PrimaryKeyConstraint("fkey", table=table, name="other_pk")
    with pytest.raises(DuplicateObjectError, match="primary key"):
        other.create()
    assert schema_state(engine) == before
    assert rows(engine, "mytable") == MYTABLE_ROWS


# ---- foreign keys ------------------------------------------------------------------------


def test_define_fk(engine: sa.Engine, backend_name: str) -> None:
    """FK constraints can be defined, created, and dropped (legacy test_define_fk)."""
    table = make_mytable(engine, with_rows=False)
    insert(engine, table, [(1, 1), (2, 2), (3, 1)])
    PrimaryKeyConstraint(table.c.id, table=table, name="pkid").create()
    assert list(table.c.fkey.foreign_keys) == []
    fk = ForeignKeyConstraint([table.c.fkey], [table.c.id], name="fk_id_fkey", ondelete="CASCADE")
    assert list(table.c.fkey.foreign_keys) != []
    assert fk_column_names(fk) == ["fkey"]
    assert list(fk.referenced) == [table.c.id]
    assert fk.reftable is table
    if backend_name == "mysql":
        sa.Index("index_name", table.c.fkey).create(engine)  # as the legacy test did
    fk.create()
    assert list(table.c.fkey.foreign_keys)[0].ondelete == "CASCADE"
    (reflected,) = fks(engine)
    assert reflected["constrained_columns"] == ["fkey"]
    assert reflected["referred_columns"] == ["id"]
    assert reflected["options"].get("ondelete") == "CASCADE"
    if backend_name != "sqlite":
        assert reflected["name"] == "fk_id_fkey"
    # the FK works: ON DELETE CASCADE removes rows referring to id 1
    with engine.begin() as conn:
        if backend_name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.execute(table.delete().where(table.c.id == 1))
        if backend_name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    assert rows(engine, "mytable") == [(2, 2)]
    fk.drop()
    assert fks(engine) == []
    assert list(table.c.fkey.foreign_keys) == []
    assert rows(engine, "mytable") == [(2, 2)]


def test_autoname_fk(engine: sa.Engine, backend_name: str) -> None:
    """Unnamed FKs are created with the legacy autoname and dropped by it."""
    table = make_mytable(engine)
    PrimaryKeyConstraint(table.c.id).create()
    cons = ForeignKeyConstraint([table.c.fkey], [table.c.id])
    cons.create()
    (reflected,) = fks(engine)
    if backend_name != "sqlite":
        assert reflected["name"] == "mytable_fkey_fkey"
    cons.name = None
    cons.drop()
    assert fks(engine) == []
    # string names
    cons = ForeignKeyConstraint(["fkey"], ["mytable.id"], table=table)
    cons.create()
    assert [f["referred_columns"] for f in fks(engine)] == [["id"]]
    cons.drop()
    assert fks(engine) == []
    assert rows(engine, "mytable") == MYTABLE_ROWS


def test_drop_unnamed_fk_created_by_the_database(engine: sa.Engine, backend_name: str) -> None:
    """An FK the database named itself (MySQL ``<t>_ibfk_1``) is found by reflection."""
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    parent = sa.Table(
        "parent", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)
    )
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id")),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": 1}, {"id": 2}])
        conn.execute(child.insert(), [{"id": 10, "parent_id": 1}])
    name = fks(engine, "child")[0]["name"]
    if backend_name == "mysql":
        assert name == "child_ibfk_1"
    ForeignKeyConstraint([child.c.parent_id], [parent.c.id]).drop()
    assert fks(engine, "child") == []
    assert list(child.c.parent_id.foreign_keys) == []
    assert rows(engine, "child") == [(10, 1)]


def test_sqlalchemy_constraint_classes_get_create_and_drop(engine: sa.Engine) -> None:
    """SQLAlchemy's own constraints, once attached to a Table, create() and drop()."""
    table = make_mytable(engine)
    uq = sa.UniqueConstraint("id", name="uq_own")
    table.append_constraint(uq)
    uq.create()
    assert uniques(engine) == [("id",)]
    assert fails_to_insert(engine, table, 1, 9)
    uq.drop()
    assert uniques(engine) == []
    assert uq not in table.constraints
    insert(engine, table, [(1, 9)])
    assert rows(engine, "mytable") == [(1, 1), (1, 9), (2, 1), (3, 2)]


# ---- unique ------------------------------------------------------------------------------


def test_autoname_unique(engine: sa.Engine, backend_name: str) -> None:
    """UniqueConstraints guess their name if None is given (legacy test_autoname_unique)."""
    table = make_mytable(engine, with_rows=False)
    cons = UniqueConstraint(table.c.fkey)
    cons.create()
    assert uniques(engine) == [("fkey",)]
    if backend_name != "sqlite":
        names = {u["name"] for u in sa.inspect(engine).get_unique_constraints("mytable")}
        assert names == {"mytable_fkey_key"}
    insert(engine, table, [(1, 4)])
    assert fails_to_insert(engine, table, 2, 4)
    cons.name = None
    cons.drop()
    assert uniques(engine) == []
    insert(engine, table, [(2, 4)])
    assert rows(engine, "mytable") == [(1, 4), (2, 4)]


def test_drop_unique_the_database_named(engine: sa.Engine, backend_name: str) -> None:
    """A UNIQUE created without a name (MySQL names it after its first column) drops."""
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    table = sa.Table(
        "things",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(10)),
        sa.UniqueConstraint("code"),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 1, "code": "a"}])
    assert uniques(engine, "things") == [("code",)]
    UniqueConstraint("code", table=table).drop()
    assert uniques(engine, "things") == []
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"id": 2, "code": "a"}])
    assert rows(engine, "things") == [(1, "a"), (2, "a")]


def test_identical_unique_is_a_noop_logged(
    engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    table = make_mytable(engine)
    UniqueConstraint("id", table=table, name="uq_id").create()
    with caplog.at_level(logging.INFO, logger="migrate.changeset"):
        UniqueConstraint("id", table=table, name="uq_id").create()  # same name
        UniqueConstraint("id", table=table).create()  # no name given
    assert uniques(engine) == [("id",)]
    noops = [r for r in caplog.records if "already has" in r.getMessage()]
    assert len(noops) == 2 and all(r.levelno == logging.INFO for r in noops)
    assert rows(engine, "mytable") == MYTABLE_ROWS


def test_same_name_other_definition_is_an_error(engine: sa.Engine) -> None:
    table = make_mytable(engine)
    UniqueConstraint("id", table=table, name="uq_x").create()
    before = schema_state(engine)
    constraints_before = set(table.constraints)
    with pytest.raises(DuplicateObjectError, match="uq_x"):
        UniqueConstraint("id", "fkey", table=table, name="uq_x").create()
    assert schema_state(engine) == before
    assert uniques(engine) == [("id",)]
    assert rows(engine, "mytable") == MYTABLE_ROWS
    # the failed constraint was attached by its constructor (legacy), nothing else changed
    assert constraints_before <= set(table.constraints)


# ---- check -------------------------------------------------------------------------------


def test_check_needs_name_or_columns() -> None:
    with pytest.raises(InvalidConstraintError):
        CheckConstraint("id > 3")


def test_named_check_constraints(engine: sa.Engine) -> None:
    """CHECK constraints are created and dropped (MySQL/MariaDB and SQLite too: §8)."""
    table = make_mytable(engine, with_rows=False)
    cons = CheckConstraint("id > 3", name="id_check", table=table)
    cons.create()
    checks = sa.inspect(engine).get_check_constraints("mytable")
    assert [c["name"] for c in checks] == ["id_check"]
    insert(engine, table, [(4, 1)])
    assert fails_to_insert(engine, table, 1, 1)
    cons.drop()
    assert sa.inspect(engine).get_check_constraints("mytable") == []
    insert(engine, table, [(2, 2), (1, 2)])
    assert rows(engine, "mytable") == [(1, 2), (2, 2), (4, 1)]


def test_autoname_check(engine: sa.Engine, backend_name: str) -> None:
    table = make_mytable(engine, with_rows=False)
    cons = CheckConstraint("id > 3", columns=[table.c.id])
    cons.create()
    if backend_name != "sqlite":
        names = [c["name"] for c in sa.inspect(engine).get_check_constraints("mytable")]
        assert names == ["mytable_id_check"]
    insert(engine, table, [(4, 1)])
    assert fails_to_insert(engine, table, 1, 2)
    cons.drop()
    assert sa.inspect(engine).get_check_constraints("mytable") == []
    insert(engine, table, [(2, 2), (1, 3)])
    assert rows(engine, "mytable") == [(1, 3), (2, 2), (4, 1)]


def test_identical_check_is_a_noop(engine: sa.Engine) -> None:
    table = make_mytable(engine)
    CheckConstraint("id > 0", name="pos", table=table).create()
    CheckConstraint("id > 0", name="pos", table=table).create()
    assert len(sa.inspect(engine).get_check_constraints("mytable")) == 1
    with pytest.raises(DuplicateObjectError, match="pos"):
        CheckConstraint("id > 100", name="pos", table=table).create()
    assert len(sa.inspect(engine).get_check_constraints("mytable")) == 1
    assert rows(engine, "mytable") == MYTABLE_ROWS


# ---- bad input ---------------------------------------------------------------------------


def test_drop_unknown_constraint_names_it(engine: sa.Engine) -> None:
    table = make_mytable(engine)
    before = schema_state(engine)
    with pytest.raises(NoSuchObjectError, match="no_such_uq"):
        UniqueConstraint("id", table=table, name="no_such_uq").drop()
    with pytest.raises(NoSuchObjectError, match="primary.key"):
        PrimaryKeyConstraint("id", table=table).drop()
    assert schema_state(engine) == before
    assert rows(engine, "mytable") == MYTABLE_ROWS


def test_constraint_on_column_the_database_lacks(engine: sa.Engine) -> None:
    table = make_mytable(engine)
    table.append_column(sa.Column("ghost", sa.Integer))  # declared, never created
    before = schema_state(engine)
    with pytest.raises(NoSuchColumnError, match="ghost"):
        UniqueConstraint("ghost", table=table, name="uq_ghost").create()
    assert schema_state(engine) == before
    assert rows(engine, "mytable") == MYTABLE_ROWS


def test_constraint_on_unknown_column_is_refused_before_anything(engine: sa.Engine) -> None:
    table = make_mytable(engine)
    before = schema_state(engine)
    with pytest.raises(sa.exc.ArgumentError, match="nope"):
        UniqueConstraint("nope", table=table, name="uq_nope").create()
    assert schema_state(engine) == before


def test_create_and_drop_take_engine_and_connection(engine: sa.Engine) -> None:
    meta = sa.MetaData()  # unbound: the bind comes with each call
    table = sa.Table(
        "mytable",
        meta,
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("fkey", sa.Integer, nullable=False),
    )
    meta.create_all(engine)
    cons = UniqueConstraint("id", table=table, name="uq_bind")
    cons.create(engine=engine)
    assert uniques(engine) == [("id",)]
    with engine.begin() as conn:
        cons.drop(conn)  # positional connection, the legacy form
    assert uniques(engine) == []
    with engine.begin() as conn:
        cons.create(connection=conn)
    assert uniques(engine) == [("id",)]


# ---- primary keys under foreign keys -----------------------------------------------------


def parent_child(engine: sa.Engine) -> tuple[sa.Table, sa.Table]:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    parent = sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.Integer, nullable=False),
        mysql_engine="InnoDB",
    )
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.Integer),
        sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name="child_parent_fk"),
        mysql_engine="InnoDB",
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": 1, "code": 10}, {"id": 2, "code": 20}])
        conn.execute(child.insert(), [{"id": 1, "parent_id": 1}, {"id": 2, "parent_id": 2}])
    return parent, child


@pytest.mark.backends("postgresql", "mysql")  # SPEC §4: PK under FKs is a server feature
def test_dropping_a_pk_that_fks_need_is_refused_before_any_change(engine: sa.Engine) -> None:
    parent, _child = parent_child(engine)
    before = schema_state(engine)
    with pytest.raises(InvalidOperationError, match="child_parent_fk"):
        PrimaryKeyConstraint("id", table=parent).drop()
    assert schema_state(engine) == before
    assert rows(engine, "child") == [(1, 1), (2, 2)]


@pytest.mark.backends("postgresql", "mysql")  # SPEC §4: PK under FKs is a server feature
def test_changing_a_pk_under_fks_restores_them(engine: sa.Engine) -> None:
    """Drop and re-add the PK in one operation: the child's FK is dropped and restored."""
    parent_child(engine)
    ref = TableRef("parent")
    # one operation (what a batch or alter(primary_key=...) hands the planner)
    new_pk = sa.PrimaryKeyConstraint("id", name="parent_pk2")
    runner.run([DropConstraintOp(ref, None, "primary_key"), AddConstraintOp(ref, new_pk)], engine)
    assert pk(engine, "parent") == ["id"]
    (fk,) = fks(engine, "child")
    assert fk["name"] == "child_parent_fk"
    assert fk["referred_table"] == "parent" and fk["referred_columns"] == ["id"]
    assert rows(engine, "child") == [(1, 1), (2, 2)]
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO child (id, parent_id) VALUES (3, 99)")


@pytest.mark.backends("postgresql", "mysql")  # SPEC §4: PK under FKs is a server feature
def test_changing_a_pk_to_columns_fks_cannot_use_is_refused(engine: sa.Engine) -> None:
    parent_child(engine)
    ref = TableRef("parent")
    before = schema_state(engine)
    with pytest.raises(InvalidOperationError, match="could not be restored"):
        runner.run(
            [
                DropConstraintOp(ref, None, "primary_key"),
                AddConstraintOp(ref, sa.PrimaryKeyConstraint("code")),
            ],
            engine,
        )
    assert schema_state(engine) == before
    assert rows(engine, "parent") == [(1, 10), (2, 20)]


@pytest.mark.backends("postgresql", "mysql")  # SPEC §4: PK under FKs is a server feature
def test_drop_pk_cascade_drops_dependent_fks(engine: sa.Engine) -> None:
    parent, _child = parent_child(engine)
    PrimaryKeyConstraint("id", table=parent).drop(cascade=True)
    assert pk(engine, "parent") == []
    assert fks(engine, "child") == []
    assert rows(engine, "child") == [(1, 1), (2, 2)]
