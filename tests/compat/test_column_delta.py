"""ColumnDelta: the legacy mapping interface and constructor forms (sqlalchemy-migrate 0.13)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import DefaultClause, Integer, PickleType, String, Text

from migrate.changeset import ColumnDelta
from migrate.exceptions import IgnoredArgumentWarning


def mkcol(name: str = "id", type: Any = String, *p: Any, **k: Any) -> sa.Column[Any]:
    return sa.Column(name, type, *p, **k)


def verify(expected: list[str], original: Any, *p: Any, **k: Any) -> ColumnDelta:
    delta = ColumnDelta(original, *p, **k)
    assert sorted(delta.keys()) == expected
    return delta


def test_two_columns_list_only_real_differences() -> None:
    col_orig = mkcol(primary_key=True)
    col_new = mkcol(name="ids", primary_key=True)
    verify([], col_orig, col_orig)
    verify(["name"], col_orig, col_orig, "ids")
    verify(["name"], col_orig, col_orig, name="ids")
    verify(["name"], col_orig, col_new)
    verify(["name", "type"], col_orig, col_new, type=String)
    verify([], mkcol(type=String), mkcol(type=String))
    verify(["type"], mkcol(type=String), mkcol(type=Integer))
    verify(["type"], mkcol(type=String), mkcol(type=String(42)))
    verify([], mkcol(type=String(42)), mkcol(type=String(42)))
    verify(["type"], mkcol(type=String(24)), mkcol(type=String(42)))
    verify(["type"], mkcol(type=String(24)), mkcol(type=Text(24)))
    verify(["primary_key"], mkcol(nullable=False), mkcol(primary_key=True))
    verify(["nullable", "primary_key"], mkcol(nullable=True), mkcol(primary_key=True))
    verify([], mkcol(primary_key=True), mkcol(primary_key=True))
    verify(["nullable"], mkcol(nullable=True), mkcol(nullable=False))
    verify([], mkcol(server_default=None), mkcol(server_default=None))
    verify([], mkcol(server_default="42"), mkcol(server_default="42"))
    delta = verify(["server_default"], mkcol(), mkcol("id", String, DefaultClause("foobar")))
    assert delta["server_default"].arg == "foobar"
    verify([], mkcol(server_default="foobar"), mkcol("id", String, DefaultClause("foobar")))
    verify(["type"], mkcol(server_default="foobar"), mkcol("id", Text, DefaultClause("foobar")))


def test_alter_metadata_changes_the_given_column_else_a_copy() -> None:
    col = mkcol(server_default="foobar")
    verify(["type"], col, mkcol("id", Text, DefaultClause("foobar")), alter_metadata=True)
    assert isinstance(col.type, Text)
    col = mkcol()
    verify(
        ["name", "server_default", "type"],
        col,
        mkcol("beep", Text, DefaultClause("foobar")),
        alter_metadata=True,
    )
    assert isinstance(col.type, Text) and col.name == "beep"
    assert col.server_default.arg == "foobar"  # type: ignore[union-attr]
    col = mkcol()
    delta = verify(["type"], col, type=Text)
    assert isinstance(col.type, String) and not isinstance(col.type, Text)
    assert isinstance(delta.result_column.type, Text)


def test_one_column_every_parameter_is_a_change() -> None:
    col_orig = mkcol(primary_key=True)
    verify([], col_orig)
    verify(["name"], col_orig, "ids")
    verify(["name", "primary_key", "type"], col_orig, "id", Integer, primary_key=True)
    verify(["name", "primary_key", "type"], col_orig, name="id", type=Integer, primary_key=True)
    delta = verify(["name"], col_orig, name="blah")
    assert delta.get("name") == "blah" and delta.current_name == "id"
    assert "name" in delta and "type" not in delta and delta.get("type") is None
    with pytest.raises(KeyError, match="No such diff key"):
        delta["type"]
    col_orig = mkcol(primary_key=True)
    verify(["name", "type"], col_orig, name="id12", type=Text, alter_metadata=True)
    assert isinstance(col_orig.type, Text) and col_orig.name == "id12"
    col_orig = mkcol(primary_key=True)
    delta = verify(["server_default"], col_orig, DefaultClause("foobar"))
    assert delta["server_default"].arg == "foobar"
    delta = verify(["server_default"], col_orig, server_default=DefaultClause("foobar"))
    assert delta["server_default"].arg == "foobar"
    col_orig = mkcol(server_default=DefaultClause("foobar"))
    delta = verify(["type"], col_orig, DefaultClause("foobar"), type=PickleType)
    assert isinstance(delta.result_column.type, PickleType)


def test_is_a_plain_mutable_mapping_not_a_schema_item() -> None:
    from collections.abc import MutableMapping

    delta = ColumnDelta(mkcol(), name="x")
    assert isinstance(delta, MutableMapping)
    assert not isinstance(delta, sa.schema.SchemaItem)
    assert dict(delta.items()) == {"name": "x"} and delta.diffs == {"name": "x"}
    delta["name"] = "y"
    assert delta.result_column.name == "y"


def test_unknown_keywords_warn() -> None:
    with pytest.warns(IgnoredArgumentWarning, match="Nullable"):
        delta = ColumnDelta(mkcol(), Nullable=False)
    assert list(delta.keys()) == []


def test_by_name_with_reflection(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    table = sa.Table("tmp_coldelta", meta, sa.Column("ids", String(10)))
    meta.create_all(engine)
    verify(["name"], "ids", table=table, name="hey")
    verify(["type"], "ids", table=table.name, type=String(80), engine=engine)
    verify(["type"], "ids", table=table.name, type=String(80), metadata=meta)
    meta.clear()
    delta = verify(
        ["type"], "ids", table=table.name, type=String(80), metadata=meta, alter_metadata=True
    )
    assert table.name in meta.tables
    assert delta.result_column.type.length == 80  # type: ignore[attr-defined]
    assert meta.tables[table.name].c.ids.type.length == 80  # type: ignore[attr-defined]
    meta.clear()
    verify(
        ["server_default"],
        "ids",
        table=table.name,
        server_default="foobar",
        metadata=meta,
        alter_metadata=True,
    )
    assert meta.tables[table.name].c.ids.server_default.arg == "foobar"  # type: ignore[union-attr]
    # the database was not changed: a ColumnDelta only describes
    assert sa.inspect(engine).get_columns("tmp_coldelta")[0]["type"].length == 10


def test_missing_parameters_raise_legacy_value_errors() -> None:
    with pytest.raises(ValueError, match="First argument must be column name"):
        ColumnDelta(table="tmp_coldelta")
    with pytest.raises(ValueError, match="metadata must be specified for table reflection"):
        ColumnDelta("ids", table="tmp_coldelta", alter_metadata=True)
    with pytest.raises(ValueError, match="engine or metadata must be specified"):
        ColumnDelta("ids", table="tmp_coldelta", alter_metadata=False)
