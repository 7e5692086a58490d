"""A model compared with the schema it created reports nothing (SPEC §12), on every backend."""

from __future__ import annotations

import sqlalchemy as sa

from migrate.changeset import compare
from tests.diff.corpus import dialect_types, generic


def test_generic_types_compare_clean(engine: sa.Engine, backend_name: str) -> None:
    meta = sa.MetaData()
    generic(meta)
    meta.create_all(engine)
    diff = compare(meta, engine)
    assert str(diff) == ""
    assert not diff
    # and the comparison sees the tables: an empty model reports every one as dropped
    assert sorted(c.table for c in compare(sa.MetaData(), engine)) == sorted(meta.tables)


def test_dialect_types_compare_clean(engine: sa.Engine, backend_name: str) -> None:
    meta = sa.MetaData()
    dialect_types(meta, backend_name)
    meta.create_all(engine)
    assert str(compare(meta, engine)) == ""


def test_the_version_table_is_never_reported(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    sa.Table("migrate_version", meta, sa.Column("repository_id", sa.String(250)))
    meta.create_all(engine)
    assert not compare(sa.MetaData(), engine)


def test_include_rejects_objects(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    sa.Table("kept", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("ignored", meta, sa.Column("id", sa.Integer, primary_key=True))
    meta.create_all(engine)
    seen = []

    def include(obj: object, kind: str, reflected: bool) -> bool:
        seen.append((kind, reflected))
        return not (kind == "table" and getattr(obj, "name", None) == "ignored")

    diff = compare(sa.MetaData(), engine, include=include)
    assert [(c.what, c.table) for c in diff] == [("drop_table", "kept")]
    assert ("table", True) in seen
