"""PostgreSQL: adding or dropping a constraint reads the table with ONE catalog query.

Every rule of SPEC §4 and §7 about constraints is decided from that one read (columns,
primary key, unique, foreign key and check constraints, and for a primary key change the
foreign keys that reference the table): an identical constraint is not added twice, the
same name with another definition and a constraint that is not there are our errors with
nothing changed, an FK under a primary key being replaced is dropped and restored. The
SQLAlchemy reflection it replaces sent about eight catalog queries per operation (issue
#19 item 10, the replayed chains' constraint calls).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

import migrate.changeset  # noqa: F401  (installs the methods)
from migrate.changeset.constraint import (
    CheckConstraint,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from migrate.exceptions import DuplicateObjectError, NoSuchObjectError, NoSuchTableError
from tests.support import rows

pytestmark = pytest.mark.backends("postgresql")

_READS = ("SELECT", "WITH", "SHOW")


def reads(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(_READS)]


def constraints(engine: sa.Engine, table: str, schema: str = "public") -> list[tuple[str, str]]:
    """(name, definition) of the table's constraints, from the catalog."""
    with engine.connect() as c:
        return sorted(
            (str(n), str(d))
            for n, d in c.execute(
                sa.text(
                    "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n "
                    "ON n.oid = t.relnamespace WHERE t.relname = :t AND n.nspname = :s"
                ),
                {"t": table, "s": schema},
            )
        )


@pytest.fixture
def tables(engine: sa.Engine) -> Iterator[tuple[sa.Table, sa.Table]]:
    meta = sa.MetaData()
    parent = sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(10), nullable=False),
    )
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.Integer),
        sa.Column("qty", sa.Integer),
        sa.Column("label", sa.String(20)),
    )
    meta.create_all(engine)
    meta.bind = engine  # type: ignore[attr-defined]  (the legacy bind, SPEC §3)
    with engine.begin() as c:
        c.execute(parent.insert(), [{"id": 1, "code": "a"}, {"id": 2, "code": "b"}])
        c.execute(
            child.insert(),
            [
                {"id": 1, "parent_id": 1, "qty": 3, "label": "x"},
                {"id": 2, "parent_id": 2, "qty": 4, "label": "y"},
            ],
        )
    yield parent, child


_ROWS = [(1, 1, 3, "x"), (2, 2, 4, "y")]


def _kinds(parent: sa.Table, child: sa.Table) -> dict[str, Any]:
    return {
        "foreign_key": ForeignKeyConstraint(
            [child.c.parent_id], [parent.c.id], name="child_parent_fk", ondelete="CASCADE"
        ),
        "unique": UniqueConstraint(child.c.label, child.c.qty, name="child_label_uq"),
        "check": CheckConstraint("qty > 0", table=child, name="child_qty_ck"),
    }


@pytest.mark.parametrize("kind", ["foreign_key", "unique", "check"])
def test_create_and_drop_read_once(
    engine: sa.Engine, capture: Any, tables: tuple[sa.Table, sa.Table], kind: str
) -> None:
    parent, child = tables
    before = constraints(engine, "child")
    cons = _kinds(parent, child)[kind]
    with capture(engine) as sql:
        cons.create()
    assert len(reads(sql)) == 1, reads(sql)
    added = [c for c in constraints(engine, "child") if c not in before]
    assert [name for name, _ in added] == [cons.name]
    with capture(engine) as sql:
        cons.create()  # identical, same name: a no-op (SPEC §4), decided from one read
    assert len(reads(sql)) == 1, reads(sql)
    assert not [s for s in sql if s.lstrip().upper().startswith("ALTER")], sql
    with capture(engine) as sql:
        cons.drop()
    assert len(reads(sql)) == 1, reads(sql)
    assert constraints(engine, "child") == before
    assert rows(engine, "child") == _ROWS


def test_unnamed_identical_constraint_is_not_added_twice(
    engine: sa.Engine, capture: Any, tables: tuple[sa.Table, sa.Table]
) -> None:
    parent, child = tables
    ForeignKeyConstraint([child.c.parent_id], [parent.c.id], name="fk_one").create()
    before = constraints(engine, "child")
    with capture(engine) as sql:
        # no name given: the table's identical FK (named fk_one) is the one (SPEC §4)
        ForeignKeyConstraint([child.c.parent_id], [parent.c.id]).create()
    assert len(reads(sql)) == 1, reads(sql)
    assert constraints(engine, "child") == before
    with capture(engine) as sql:
        CheckConstraint("qty > -1", table=child, name="ck_neg").create()
        CheckConstraint("qty > -1", table=child, columns=[child.c.qty]).create()  # no-op
    assert len(reads(sql)) == 2, reads(sql)
    assert [n for n, _ in constraints(engine, "child")].count("ck_neg") == 1
    assert len(constraints(engine, "child")) == len(before) + 1


def test_same_name_other_definition_is_refused_from_one_read(
    engine: sa.Engine, capture: Any, tables: tuple[sa.Table, sa.Table]
) -> None:
    parent, child = tables
    UniqueConstraint(child.c.label, name="child_label_uq").create()
    before = constraints(engine, "child")
    with capture(engine) as sql, pytest.raises(DuplicateObjectError, match="child_label_uq"):
        UniqueConstraint(child.c.qty, name="child_label_uq").create()
    assert len(reads(sql)) == 1, reads(sql)
    assert not [s for s in sql if s.lstrip().upper().startswith("ALTER")], sql
    assert constraints(engine, "child") == before
    assert rows(engine, "child") == _ROWS


@pytest.mark.parametrize("kind", ["foreign_key", "unique", "check"])
def test_dropping_what_is_not_there_is_refused_from_one_read(
    engine: sa.Engine, capture: Any, tables: tuple[sa.Table, sa.Table], kind: str
) -> None:
    parent, child = tables
    before = constraints(engine, "child")
    cons = _kinds(parent, child)[kind]
    with capture(engine) as sql, pytest.raises(NoSuchObjectError, match=str(cons.name)):
        cons.drop()
    assert len(reads(sql)) == 1, reads(sql)
    assert constraints(engine, "child") == before
    assert rows(engine, "child") == _ROWS


def test_no_such_table_from_one_read(engine: sa.Engine, capture: Any) -> None:
    t = sa.Table("nowhere", sa.MetaData(), sa.Column("a", sa.Integer))
    with capture(engine) as sql, pytest.raises(NoSuchTableError, match="nowhere"):
        UniqueConstraint(t.c.a, name="nowhere_uq").create(engine=engine)
    assert len(reads(sql)) == 1, reads(sql)


def test_primary_key_swap_under_a_foreign_key_reads_once_each(
    engine: sa.Engine, capture: Any, tables: tuple[sa.Table, sa.Table]
) -> None:
    """Dropping a primary key that an FK references (cascade) and adding another: the FKs
    that reference the table come in the same one read."""
    parent, child = tables
    ForeignKeyConstraint([child.c.parent_id], [parent.c.id], name="child_parent_fk").create()
    with capture(engine) as sql:
        PrimaryKeyConstraint(parent.c.id, name="parent_pkey").drop(cascade=True)
    assert len(reads(sql)) == 1, reads(sql)
    assert ("child_parent_fk", "FOREIGN KEY (parent_id) REFERENCES parent(id)") not in (
        constraints(engine, "child")
    )
    assert [n for n, _ in constraints(engine, "parent")] == []
    with capture(engine) as sql:
        PrimaryKeyConstraint(parent.c.id, parent.c.code, name="parent_pkey").create()
    # the one catalog read, and the probe for NULL in the new key's nullable columns
    # (none here: both NOT NULL)
    assert len(reads(sql)) == 1, reads(sql)
    assert constraints(engine, "parent") == [("parent_pkey", "PRIMARY KEY (id, code)")]
    assert rows(engine, "parent") == [(1, "a"), (2, "b")]


def test_schema_qualified_foreign_key_is_recognised(
    engine: sa.Engine, capture: Any, tables: tuple[sa.Table, sa.Table]
) -> None:
    """An FK to a table of another schema compares with the caller's (its schema named)."""
    with engine.begin() as c:
        c.exec_driver_sql("DROP SCHEMA IF EXISTS other CASCADE")
        c.exec_driver_sql("CREATE SCHEMA other")
    try:
        meta = sa.MetaData()
        ref = sa.Table("ref", meta, sa.Column("id", sa.Integer, primary_key=True), schema="other")
        ref.create(engine)
        child = sa.Table("child", meta, sa.Column("parent_id", sa.Integer), extend_existing=True)
        fk = ForeignKeyConstraint([child.c.parent_id], [ref.c.id], name="child_ref_fk")
        with engine.begin() as c:
            c.execute(ref.insert(), [{"id": 1}, {"id": 2}])
        fk.create(engine=engine)
        before = constraints(engine, "child")
        with capture(engine) as sql:
            ForeignKeyConstraint([child.c.parent_id], [ref.c.id]).create(engine=engine)
        assert len(reads(sql)) == 1, reads(sql)
        assert constraints(engine, "child") == before
        assert ("child_ref_fk", "FOREIGN KEY (parent_id) REFERENCES other.ref(id)") in before
    finally:
        with engine.begin() as c:
            c.exec_driver_sql("DROP SCHEMA other CASCADE")


def test_dropping_a_column_reads_no_constraints(
    engine: sa.Engine, capture: Any, tables: tuple[sa.Table, sa.Table]
) -> None:
    """PostgreSQL drops the constraints that involve a dropped column itself: the drop
    reads the table's columns, key and indexes (to re-create a composite index without
    the column), not its foreign key, unique and check constraints."""
    parent, child = tables
    ForeignKeyConstraint([child.c.parent_id], [parent.c.id], name="child_parent_fk").create()
    UniqueConstraint(child.c.label, child.c.qty, name="child_label_uq").create()
    CheckConstraint("qty > 0", table=child, name="child_qty_ck").create()
    sa.Index("ix_child_label_parent", child.c.label, child.c.parent_id).create(engine)
    with capture(engine) as sql:
        child.c.parent_id.drop()
    # SQLAlchemy reads FK and CHECK definitions with pg_get_constraintdef (2.0 also reads
    # domains' constraints with it when reflecting columns: pg_type, not these)
    read_constraints = [
        s for s in reads(sql) if "pg_get_constraintdef" in s and "pg_catalog.pg_type" not in s
    ]
    assert not read_constraints, read_constraints
    assert [n for n, _ in constraints(engine, "child")] == [
        "child_label_uq",
        "child_pkey",
        "child_qty_ck",
    ]
    with engine.connect() as c:
        index = c.exec_driver_sql(
            "SELECT pg_get_indexdef('ix_child_label_parent'::regclass)"
        ).scalar_one()
    assert index.endswith("(label)"), index
    assert rows(engine, "child") == [(1, 3, "x"), (2, 4, "y")]
