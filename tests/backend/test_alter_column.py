"""Column.alter / alter_column round trips (SPEC §4, §6, §7), written like legacy scripts.

SQLite: a rename is native; every other alter is one table rebuild.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_column
from migrate.exceptions import (
    DuplicateObjectError,
    NoSuchColumnError,
    NotSupportedError,
)
from tests.support import changes_undone, column_names, columns, rows

SERVERS = ("postgresql", "mysql")


def make_table(engine: sa.Engine) -> sa.Table:
    """The legacy ``tmp_colchange`` table: id, data VARCHAR(40) DEFAULT 'tluafed', 2 rows."""
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    t = sa.Table(
        "tmp_colchange",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("data", sa.String(40), server_default=sa.DefaultClause("tluafed")),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "data": "fgsfds"}, {"id": 2, "data": None}])
    return t


def reflect(engine: sa.Engine, name: str = "tmp_colchange") -> sa.Table:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    return sa.Table(name, meta, autoload_with=engine)


def default_of(engine: sa.Engine, column: str, table: str = "tmp_colchange") -> str | None:
    found = columns(engine, table)[column]["default"]
    return None if found is None else str(found)


# ---- rename (all three backends: SQLite's is native) ------------------------------------


def test_rename_keyword_method_and_function(engine: sa.Engine) -> None:
    t = make_table(engine)
    col = t.c.data
    delta = col.alter(name="data2")
    assert column_names(engine, "tmp_colchange") == ["id", "data2"]
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]
    assert list(delta.keys()) == ["name"] and delta.current_name == "data"
    # the Python table follows; the old key keeps resolving until reflected again
    assert t.c.data2 is col and t.c.data is col and col.name == "data2"
    assert "data2" in t.c.keys() and "data" not in t.c.keys()
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.c.data2).where(t.c.id == 1)).scalar() == "fgsfds"

    alter_column(t.c.data2, name="atad")
    alter_column("atad", name="data", table=t)
    assert column_names(engine, "tmp_colchange") == ["id", "data"]
    assert t.c.data is col and t.c.data2 is col and t.c.atad is col
    t2 = reflect(engine)
    assert "atad" not in t2.c and t2.c.data is not None
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]


def test_rename_by_names_with_reflection(engine: sa.Engine) -> None:
    make_table(engine)
    delta = alter_column("data", table="tmp_colchange", engine=engine, name="payload")
    assert column_names(engine, "tmp_colchange") == ["id", "payload"]
    assert delta.result_column.name == "payload"
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]


def test_rename_positional_and_unchanged_type_stays_native(engine: sa.Engine) -> None:
    t = make_table(engine)
    # legacy "as a function, given a new object": same type and default restated
    t.c.data.alter("atad", sa.String(40), server_default=t.c.data.server_default)
    assert column_names(engine, "tmp_colchange") == ["id", "atad"]
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]


def test_rename_onto_existing_column_is_refused(engine: sa.Engine, capture: Any) -> None:
    t = make_table(engine)
    with capture(engine) as sql, pytest.raises(DuplicateObjectError, match="'id'"):
        t.c.data.alter(name="id")
    assert changes_undone(sql), sql
    assert t.c.data.name == "data"
    assert column_names(engine, "tmp_colchange") == ["id", "data"]


def test_unknown_column_is_refused(engine: sa.Engine) -> None:
    t = make_table(engine)
    ghost = sa.Column("ghost", sa.Integer)
    with pytest.raises(NoSuchColumnError, match="tmp_colchange.*ghost"):
        alter_column(ghost, table=t, nullable=False)
    with pytest.raises(NoSuchColumnError, match="ghost"):
        alter_column("ghost", table="tmp_colchange", engine=engine, name="g")
    assert column_names(engine, "tmp_colchange") == ["id", "data"]


def test_default_keyword_changes_python_side_only(engine: sa.Engine, capture: Any) -> None:
    t = make_table(engine)
    with capture(engine) as sql:
        delta = t.c.data.alter(default="py")
    assert sql == []
    assert "default" in delta
    assert t.c.data.default is not None and t.c.data.default.arg == "py"  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(t.insert().values(id=3))
    assert rows(engine, "tmp_colchange")[-1] == (3, "py")


def test_ignored_keywords_warn(engine: sa.Engine) -> None:
    from migrate.exceptions import IgnoredArgumentWarning

    t = make_table(engine)
    with pytest.warns(IgnoredArgumentWarning, match="Nullable.*unique|unique.*Nullable"):
        t.c.data.alter(Nullable=False, unique=True)
    assert columns(engine, "tmp_colchange")["data"]["nullable"] is True


# ---- attribute changes (PostgreSQL, MySQL; SQLite needs the rebuild) --------------------


def test_type(engine: sa.Engine) -> None:
    t = make_table(engine)
    t.c.data.alter(type=sa.String(43))
    assert reflect(engine).c.data.type.length == 43  # type: ignore[attr-defined]
    assert isinstance(t.c.data.type, sa.String) and t.c.data.type.length == 43
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]
    t.c.id.alter(type=sa.String(20))
    assert t.c.id.autoincrement is False
    assert isinstance(reflect(engine).c.id.type, sa.String)
    assert reflect(engine).c.id.nullable is False
    assert rows(engine, "tmp_colchange") == [("1", "fgsfds"), ("2", None)]


def test_server_default(engine: sa.Engine) -> None:
    t = make_table(engine)
    t.c.data.alter(server_default=sa.DefaultClause("my_default"))
    assert "my_default" in (default_of(engine, "data") or "")
    assert t.c.data.server_default.arg == "my_default"  # type: ignore[union-attr]
    t.c.data.alter(type=sa.String(40), server_default="your_default")
    assert "your_default" in (default_of(engine, "data") or "")
    t.c.data.alter(server_default=sa.text("'txt'"))
    assert "txt" in (default_of(engine, "data") or "")
    with engine.begin() as conn:
        conn.execute(t.insert().values(id=12))
    t.c.data.alter(server_default=None)
    assert t.c.data.server_default is None
    assert default_of(engine, "data") in (None, "NULL")
    with engine.begin() as conn:
        conn.execute(t.insert().values(id=11))
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None), (11, None), (12, "txt")]


def test_nullable(engine: sa.Engine) -> None:
    t = make_table(engine)
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == 2).values(data="x"))
    t.c.data.alter(type=sa.String(40), nullable=False)
    assert reflect(engine).c.data.nullable is False and t.c.data.nullable is False
    # the default was not mentioned: it stays
    assert "tluafed" in (default_of(engine, "data") or "")
    t.c.data.alter(nullable=True)
    assert reflect(engine).c.data.nullable is True
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, "x")]


def test_not_null_over_nulls_is_refused_by_the_database(engine: sa.Engine) -> None:
    t = make_table(engine)
    with pytest.raises(sa.exc.DBAPIError):
        t.c.data.alter(nullable=False, name="renamed")
    assert t.c.data.nullable is True and t.c.data.name == "data"
    assert column_names(engine, "tmp_colchange") == ["id", "data"]
    assert reflect(engine).c.data.nullable is True
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]


def test_alter_all(engine: sa.Engine, capture: Any, backend_name: str) -> None:
    t = make_table(engine)
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == 2).values(data="x"))
    col = t.c.data
    with capture(engine) as sql:
        delta = col.alter(
            nullable=False, server_default="foobar", name="data_new", type=sa.String(50)
        )
    alters = [s for s in sql if s.lstrip().upper().startswith("ALTER")]
    # PostgreSQL: one ALTER with three clauses + the rename; MySQL: one CHANGE;
    # SQLite: one rebuild (its RENAME TO) + the native column rename
    copies = [s for s in sql if s.upper().startswith("INSERT INTO") and "SELECT" in s.upper()]
    assert len(alters) == (1 if backend_name == "mysql" else 2), alters
    assert len(copies) == (1 if backend_name == "sqlite" else 0), copies
    assert sorted(delta.keys()) == ["name", "nullable", "server_default", "type"]
    assert col.server_default.arg == "foobar"  # type: ignore[union-attr]
    assert col.nullable is False and col.name == "data_new" and col.type.length == 50  # type: ignore[attr-defined]
    r = reflect(engine)
    assert r.c.data_new.nullable is False and r.c.data_new.type.length == 50  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(t.insert().values(id=10))
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, "x"), (10, "foobar")]


def test_positional_type_class_and_default_clause(engine: sa.Engine) -> None:
    t = make_table(engine)
    delta = t.c.data.alter("body", sa.Text, sa.DefaultClause("pos"))
    assert sorted(delta.keys()) == ["name", "server_default", "type"]
    r = reflect(engine)
    assert isinstance(r.c.body.type, sa.Text)
    assert "pos" in (default_of(engine, "body") or "")
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]


def test_deprecated_column_form_warns_once(engine: sa.Engine, recwarn: Any) -> None:
    from migrate.exceptions import MigrateDeprecationWarning

    t = make_table(engine)
    with pytest.warns(MigrateDeprecationWarning) as record:
        t.c.data.alter(sa.Column("data", sa.String(100)))
    assert len(record) == 1
    assert str(record[0].message) == (
        "Passing a Column object to alter_column is deprecated. "
        "Just pass in keyword parameters instead."
    )
    assert len(recwarn) == 0  # nothing else warned
    assert reflect(engine).c.data.type.length == 100  # type: ignore[attr-defined]
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]


def test_primary_key(engine: sa.Engine) -> None:
    t = make_table(engine)
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == 2).values(data="x"))
    t.c.data.alter(primary_key=True)
    pk = sa.inspect(engine).get_pk_constraint("tmp_colchange")["constrained_columns"]
    assert pk == ["id", "data"]
    assert [c.name for c in t.primary_key.columns] == ["id", "data"]
    t.c.data.alter(primary_key=False)
    pk = sa.inspect(engine).get_pk_constraint("tmp_colchange")["constrained_columns"]
    assert pk == ["id"] and t.c.data.primary_key is False
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, "x")]


def test_unrenderable_type_is_refused(engine: sa.Engine) -> None:
    t = make_table(engine)
    with pytest.raises(NotSupportedError, match="ARRAY|cannot be rendered"):
        t.c.data.alter(
            type=sa.ARRAY(sa.Integer) if engine.name != "postgresql" else _Unrenderable()
        )
    assert isinstance(t.c.data.type, sa.String)
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, None)]


class _Unrenderable(sa.types.UserDefinedType[Any]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        raise sa.exc.CompileError("ARRAY-like type cannot be rendered here")


# ---- PostgreSQL --------------------------------------------------------------------------


@pytest.mark.backends("postgresql")
def test_pg_varchar_to_integer_uses_cast_and_keeps_default(engine: sa.Engine, capture: Any) -> None:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    t = sa.Table(
        "nums",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("n", sa.String(10), server_default="7"),
        sa.Column("flag", sa.Integer),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "n": "42", "flag": 1}, {"id": 2, "n": "5", "flag": 0}])
    with capture(engine) as sql:
        t.c.n.alter(type=sa.Integer)
    alters = [s for s in sql if s.startswith("ALTER")]
    assert len(alters) == 1 and "USING n::INTEGER" in alters[0], alters
    assert isinstance(reflect(engine, "nums").c.n.type, sa.Integer)
    assert "7" in (default_of(engine, "n", "nums") or "")
    t.c.flag.alter(type=sa.Boolean)
    assert isinstance(reflect(engine, "nums").c.flag.type, sa.Boolean)
    t.c.n.alter(type=sa.String(5), postgresql_using="n::text || '!'")
    assert rows(engine, "nums") == [(1, "42!", True), (2, "5!", False)]


@pytest.mark.backends("postgresql")
def test_pg_three_attributes_one_statement(engine: sa.Engine, capture: Any) -> None:
    t = make_table(engine)
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == 2).values(data="x"))
    with capture(engine) as sql:
        t.c.data.alter(type=sa.Text, nullable=False, server_default="d")
    alters = [s for s in sql if s.startswith("ALTER")]
    assert alters == [
        "ALTER TABLE tmp_colchange ALTER COLUMN data TYPE TEXT, "
        "ALTER COLUMN data SET NOT NULL, ALTER COLUMN data SET DEFAULT 'd'"
    ]
    assert rows(engine, "tmp_colchange") == [(1, "fgsfds"), (2, "x")]


@pytest.mark.backends("postgresql")
def test_pg_autoincrement_identity(engine: sa.Engine) -> None:
    t = make_table(engine)
    t.c.id.alter(autoincrement=True)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO tmp_colchange (data) VALUES ('gen')")
    assert columns(engine, "tmp_colchange")["id"].get("identity") is not None
    t.c.id.alter(autoincrement=False)
    assert columns(engine, "tmp_colchange")["id"].get("identity") is None
    assert len(rows(engine, "tmp_colchange")) == 3


# ---- MySQL / MariaDB ---------------------------------------------------------------------


@pytest.mark.backends("mysql")
def test_mysql_rename_keeps_everything_else(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE keep (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, "
            "a VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_german1_ci NOT NULL "
            "DEFAULT 'x' COMMENT 'hello', "
            "ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, "
            "g INT GENERATED ALWAYS AS (id * 2) VIRTUAL)"
        )
        conn.exec_driver_sql("INSERT INTO keep (a) VALUES ('one')")

    def facts(name: str) -> tuple[Any, ...]:
        with engine.connect() as conn:
            return tuple(
                conn.execute(
                    sa.text(
                        "SELECT column_type, is_nullable, column_default, extra, "
                        "character_set_name, collation_name, column_comment, "
                        "generation_expression FROM information_schema.columns "
                        "WHERE table_schema = DATABASE() AND table_name = 'keep' "
                        "AND column_name = :c"
                    ),
                    {"c": name},
                ).one()
            )

    before = {c: facts(c) for c in ("id", "a", "ts", "g")}
    t = reflect(engine, "keep")
    t.c.a.alter(name="b")
    t.c.ts.alter(name="stamp")
    t.c.g.alter(name="g2")
    t.c.id.alter(name="pk")
    after = {"id": facts("pk"), "a": facts("b"), "ts": facts("stamp"), "g": facts("g2")}
    # the generated expression follows the renamed column it reads
    assert after["g"][7].replace("pk", "id") == before["g"][7]
    assert {k: v[:7] for k, v in after.items()} == {k: v[:7] for k, v in before.items()}
    t.c.b.alter(type=sa.String(30))  # a string type change keeps charset and collation
    f = facts("b")
    assert f[0] == "varchar(30)" and f[4:7] == ("latin1", "latin1_german1_ci", "hello")
    assert f[1:3] == ("NO", "'x'")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO keep (b) VALUES ('two')")
        got = conn.exec_driver_sql("SELECT pk, b, g2 FROM keep ORDER BY pk").fetchall()
    assert [tuple(r) for r in got] == [(1, "one", 2), (2, "two", 4)]


@pytest.mark.backends("mysql")
def test_mysql_one_change_statement(engine: sa.Engine, capture: Any) -> None:
    t = make_table(engine)
    with capture(engine) as sql:
        t.c.data.alter(type=sa.String(60))
    alters = [s for s in sql if s.startswith("ALTER")]
    assert len(alters) == 1 and "CHANGE COLUMN" in alters[0]
    assert "DEFAULT 'tluafed'" in alters[0]  # never dropped when not mentioned
    assert "tluafed" in (default_of(engine, "data") or "")


def test_primary_key_next_to_an_autoincrement_column(engine: sa.Engine, capture: Any) -> None:
    """MySQL: the AUTO_INCREMENT id must stay a key while the primary key changes, so
    the old key is dropped and the new one added in ONE statement."""
    meta = sa.MetaData()
    t = sa.Table(
        "auto_pk",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(10), nullable=False),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"code": "a"}, {"code": "b"}])
    with capture(engine) as sql:
        t.c.code.alter(primary_key=True, engine=engine)
    pk = sa.inspect(engine).get_pk_constraint("auto_pk")["constrained_columns"]
    assert pk == ["id", "code"]
    if engine.dialect.name == "mysql":
        assert len([s for s in sql if "PRIMARY KEY" in s.upper()]) == 1, sql
    # PostgreSQL and MySQL: the id still counts up by itself (SQLite: a composite primary
    # key is no rowid alias, as SQLite documents)
    row = {"code": "c"} if engine.dialect.name != "sqlite" else {"id": 3, "code": "c"}
    with engine.begin() as conn:
        conn.execute(t.insert(), [row])
    assert rows(engine, "auto_pk") == [(1, "a"), (2, "b"), (3, "c")]
