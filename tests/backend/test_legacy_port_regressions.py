"""Regressions found by porting sqlalchemy-migrate's own changeset tests (tests/compat)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import MetaData, rename_table


def _indexes(engine: sa.Engine, table: str) -> dict[str, tuple[str, ...]]:
    return {
        str(i["name"]): tuple(str(c) for c in i["column_names"])
        for i in sa.inspect(engine).get_indexes(table)
    }


def test_index_rename_through_a_table_object_whose_table_was_renamed(engine: sa.Engine) -> None:
    """legacy TestRename.test_rename_table: the Index's own Table object still has the old
    name (the table was renamed through a reflected copy); the index is found by its name."""
    meta = MetaData(bind=engine)
    t = sa.Table("name_one", meta, sa.Column("col_1", sa.Integer))
    index = sa.Index("xname_one", t.c.col_1)
    t.create(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"col_1": 1}, {"col_1": 2}])

    reflected = sa.Table("name_one", MetaData(bind=engine), autoload_with=engine)
    rename_table(reflected, "name_two")
    assert index.table is t and t.name == "name_one"  # stale on purpose

    index.rename("xname_two")

    assert index.name == "xname_two"
    assert _indexes(engine, "name_two") == {"xname_two": ("col_1",)}
    assert not sa.inspect(engine).has_table("name_one")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT col_1 FROM name_two ORDER BY col_1")).all() == [
            (1,),
            (2,),
        ]


def test_index_rename_of_an_index_nowhere_raises(engine: sa.Engine) -> None:
    """The fallback lookup by name still reports a missing index (nothing changes)."""
    from migrate.exceptions import NoSuchObjectError

    meta = MetaData(bind=engine)
    t = sa.Table("gone", meta, sa.Column("a", sa.Integer))
    index = sa.Index("ix_gone", t.c.a)
    other = sa.Table("kept", sa.MetaData(), sa.Column("a", sa.Integer), sa.Index("ix_kept", "a"))
    other.create(engine)
    with pytest.raises(NoSuchObjectError):
        index.rename("ix_new")
    assert index.name == "ix_gone"
    assert _indexes(engine, "kept") == {"ix_kept": ("a",)}
