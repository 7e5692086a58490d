"""``introspect.presumed_snapshot``: the table plain adds and renames presume, planned
without reading the database (PostgreSQL, ``runner.optimistic``)."""

from __future__ import annotations

import copy

import sqlalchemy as sa

from migrate.changeset import capabilities, introspect, planner
from migrate.changeset.ops import AddColumnOp, AlterColumnOp, TableRef

REF = TableRef("t", "s")


def test_names_and_columns_without_building_a_table() -> None:
    ops = [
        AlterColumnOp(REF, "a", name="b"),
        AddColumnOp(REF, sa.Column("x", sa.Integer)),
        AlterColumnOp(REF, "b", name="c"),  # b is a's new name: not presumed again
    ]
    table = introspect.presumed_snapshot(ops).table
    assert (table.name, table.schema, table.fullname) == ("t", "s", "s.t")
    assert [c.name for c in table.columns] == ["a"]
    assert not table.indexes
    assert table.__dict__["_table"] is None  # nothing else was read: no sa.Table built


def test_reading_more_builds_the_table_once_with_the_same_columns() -> None:
    table = introspect.presumed_snapshot([AlterColumnOp(REF, "a", name="b")]).table
    (a,) = table.columns
    copied = table.to_metadata(sa.MetaData())  # what a plan that is not light does
    built = table.__dict__["_table"]
    assert isinstance(built, sa.Table) and table.c.a is a and a.table is built
    assert [c.name for c in copied.columns] == ["a"] and copied.schema == "s"
    assert table.primary_key is built.primary_key
    assert copy.copy(table).name == "t"  # copy's probes do not build anything


def test_a_plain_plan_renders_the_same_sql_as_against_a_table() -> None:
    caps = capabilities.for_dialect(capabilities.dialect_from_name("postgresql"), offline=True)
    ops = [AddColumnOp(REF, sa.Column("x", sa.Integer)), AlterColumnOp(REF, "a", name="b")]
    declared = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer), schema="s")
    real = introspect.TableSnapshot(ref=REF, table=declared, has_rows=None)
    presumed = introspect.presumed_snapshot(ops)
    dialect = capabilities.dialect_from_name("postgresql")

    def sql(snap: introspect.TableSnapshot) -> list[str]:
        p = planner.plan(ops, caps, snap, batch=True)
        return [str(step.compile(dialect=dialect)) for step in p.steps]

    assert (
        sql(presumed)
        == sql(real)
        == [
            "ALTER TABLE s.t ADD COLUMN x INTEGER",
            "ALTER TABLE s.t RENAME COLUMN a TO b",
        ]
    )
    assert presumed.table.__dict__["_table"] is None
