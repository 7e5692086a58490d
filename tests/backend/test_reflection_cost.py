"""Reflection proportional to the operation (issue: per-operation fixed cost, bench W2/W6).

Adding a plain column and renaming a column read only the table's column names: one
catalog query on SQLite (``PRAGMA table_xinfo``), not SQLAlchemy's reflection. On
PostgreSQL (psycopg) they read nothing: the SQL goes in ONE round trip inside a savepoint
(``SAVEPOINT; ALTER ...; RELEASE``); when the database refuses, the savepoint is rolled
back and the table read once to give the library's error. ``alter_column`` by table name
reflects columns and primary key, not the whole table. Every check of SPEC §7 still holds,
and nothing changes on bad input.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

import migrate.changeset  # noqa: F401  (installs the methods)
from migrate.changeset import alter_column, alter_table
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidOperationError,
    NoSuchColumnError,
    NoSuchTableError,
)
from tests.support import (
    changes_undone,
    column_names,
    columns,
    executes,
    rows,
    schema_state,
)

pytestmark = pytest.mark.backends("sqlite", "postgresql")

#: statements that only read (catalog queries, row probes); the rest change something
_READS = ("SELECT", "PRAGMA", "WITH", "SHOW")


def reads(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(_READS)]


def changes(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(("ALTER", "UPDATE", "CREATE"))]


def optimistic(backend_name: str) -> bool:
    """PostgreSQL through psycopg: plain adds and renames read nothing first."""
    return backend_name == "postgresql"


def _items(engine: sa.Engine, name: str = "items", schema: str | None = None) -> sa.Table:
    t = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("Label", sa.String(20)),
        schema=schema,
    )
    t.create(engine)
    with engine.begin() as c:
        c.execute(t.insert(), [{"id": 1, "Label": "a"}, {"id": 2, "Label": None}])
    return t


def test_add_column_reads_column_names_once(
    engine: sa.Engine, capture: Any, backend_name: str
) -> None:
    t = _items(engine)
    with capture(engine) as sql, executes(engine) as sent:
        sa.Column("qty", sa.Integer, nullable=False, server_default="7").create(t, engine=engine)
    assert len(reads(sql)) == (0 if optimistic(backend_name) else 1), reads(sql)
    if optimistic(backend_name):
        assert len(sent) == 1, sent  # SAVEPOINT; ALTER; RELEASE (psycopg sends BEGIN itself)
    assert column_names(engine, "items") == ["id", "Label", "qty"]
    assert columns(engine, "items")["qty"]["nullable"] is False
    assert rows(engine, "items") == [(1, "a", 7), (2, None, 7)]


@pytest.mark.backends("postgresql")
def test_populate_default_reads_column_names_once(engine: sa.Engine, capture: Any) -> None:
    """Bench W2: ADD ... DEFAULT 7 NOT NULL, DROP DEFAULT in one round trip, no read."""
    t = _items(engine)
    with capture(engine) as sql, executes(engine) as sent:
        sa.Column("qty", sa.Integer, nullable=False, default=7).create(t, engine=engine)
    assert not reads(sql), reads(sql)
    assert len(changes(sql)) == 2, changes(sql)
    assert len(sent) == 1, sent
    assert columns(engine, "items")["qty"]["default"] is None
    assert column_names(engine, "items") == ["id", "Label", "qty"]
    assert columns(engine, "items")["qty"]["nullable"] is False
    assert rows(engine, "items") == [(1, "a", 7), (2, None, 7)]


def test_rename_and_add_in_a_batch_by_name_read_once(
    engine: sa.Engine, capture: Any, backend_name: str
) -> None:
    _items(engine)
    with engine.begin() as conn, capture(conn) as sql, executes(conn) as sent:
        with alter_table("items", connection=conn) as b:
            b.add_column(sa.Column("note", sa.String(10)))
            b.rename_column("Label", "title")
    assert len(reads(sql)) == (0 if optimistic(backend_name) else 1), reads(sql)
    assert len(changes(sql)) == 2
    if optimistic(backend_name):
        assert len(sent) == 1, sent
    assert column_names(engine, "items") == ["id", "title", "note"]
    assert rows(engine, "items") == [(1, "a", None), (2, None, None)]


def test_not_null_without_default_still_checks_rows_first(engine: sa.Engine, capture: Any) -> None:
    t = _items(engine)
    before = schema_state(engine)
    with capture(engine) as sql, pytest.raises(InvalidOperationError, match="non-empty"):
        sa.Column("qty", sa.Integer, nullable=False).create(t, engine=engine)
    assert not changes(sql)
    assert schema_state(engine) == before
    assert rows(engine, "items") == [(1, "a"), (2, None)]


def _rename_column_the_database_lacks(t: sa.Table, e: sa.Engine) -> None:
    t.append_column(sa.Column("nope", sa.Integer))  # the Table says more than the database
    t.c.nope.alter(name="x", engine=e)


@pytest.mark.parametrize(
    ("op", "error", "match"),
    [
        (
            lambda t, e: sa.Column("Label", sa.Integer).create(t, engine=e),
            DuplicateObjectError,
            "Label",
        ),
        (lambda t, e: t.c.Label.alter(name="id", engine=e), DuplicateObjectError, "'id'"),
        (_rename_column_the_database_lacks, NoSuchColumnError, "nope"),
    ],
    ids=["duplicate-add", "rename-onto-existing", "rename-missing"],
)
def test_bad_input_is_refused_from_the_one_read(
    engine: sa.Engine, capture: Any, backend_name: str, op: Any, error: type[Exception], match: str
) -> None:
    """SQLite: refused after the read, before any change is sent. PostgreSQL: the change
    is sent in a savepoint, the database refuses it, the savepoint is rolled back, then
    the one read names the problem."""
    t = _items(engine)
    before = schema_state(engine)
    with capture(engine) as sql, pytest.raises(error, match=match):
        op(t, engine)
    if optimistic(backend_name):
        assert changes(sql) and changes_undone(sql), sql
    else:
        assert not changes(sql)
    assert len(reads(sql)) == 1
    assert schema_state(engine) == before
    assert rows(engine, "items") == [(1, "a"), (2, None)]


def test_missing_table_is_named(engine: sa.Engine) -> None:
    ghost = sa.Table("ghost", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(NoSuchTableError, match="ghost"):
        sa.Column("x", sa.Integer).create(ghost, engine=engine)
    with pytest.raises(NoSuchTableError, match="ghost"):
        with alter_table("ghost", engine=engine) as b:
            b.rename_column("id", "key")
    assert "ghost" not in sa.inspect(engine).get_table_names()


def test_second_schema_and_hostile_table_name(
    engine: sa.Engine, other_schema: str, capture: Any, backend_name: str
) -> None:
    t = _items(engine, 'odd "name".x', schema=other_schema)
    with capture(engine) as sql:
        sa.Column("n", sa.Integer, server_default="3").create(t, engine=engine)
        t.c.n.alter(name="m", engine=engine)
    assert len(reads(sql)) == (0 if optimistic(backend_name) else 2), reads(sql)
    with pytest.raises(DuplicateObjectError, match="'m'"):  # refused, and named
        sa.Column("m", sa.Integer).create(t, engine=engine)
    cols = columns(engine, 'odd "name".x', schema=other_schema)
    assert list(cols) == ["id", "Label", "m"]
    with engine.connect() as c:
        assert c.execute(sa.select(t.c.id, t.c.m).order_by(t.c.id)).all() == [(1, 3), (2, 3)]


def test_names_differing_in_case_are_two_columns_only_on_postgresql(
    engine: sa.Engine, backend_name: str
) -> None:
    """PostgreSQL keeps "ID" and id apart (the optimistic path and the one that reads agree);
    SQLite folds case, so the same calls are refused there."""
    t = _items(engine)
    calls = [
        lambda: t.c.Label.alter(name="ID", engine=engine),  # sent without a read on PG
        lambda: _batch_add(engine, "LABEL"),  # a batch that reads (index op) first
    ]
    if backend_name == "sqlite":
        for call in calls:
            with pytest.raises(DuplicateObjectError):
                call()
        assert column_names(engine, "items") == ["id", "Label"]
        assert rows(engine, "items") == [(1, "a"), (2, None)]
        return
    for call in calls:
        call()
    assert column_names(engine, "items") == ["id", "ID", "LABEL"]
    assert rows(engine, "items") == [(1, "a", None), (2, None, None)]


def _batch_add(engine: sa.Engine, name: str) -> None:
    with alter_table("items", engine=engine) as b:
        b.add_column(sa.Column(name, sa.Integer))
        b.create_index(f"ix_{name}", "id")


@pytest.mark.backends("postgresql")
def test_dropped_column_names_are_free_again(engine: sa.Engine) -> None:
    t = _items(engine)
    with engine.begin() as c:
        c.exec_driver_sql('ALTER TABLE items DROP COLUMN "Label"')  # attisdropped in pg
    sa.Column("Label", sa.Integer, server_default="5").create(t, engine=engine)
    assert column_names(engine, "items") == ["id", "Label"]
    assert rows(engine, "items") == [(1, 5), (2, 5)]


@pytest.mark.backends("sqlite")
def test_sqlite_generated_column_counts_as_a_column(engine: sa.Engine) -> None:
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE g (id INTEGER PRIMARY KEY, a INT, b INT AS (a * 2))")
        c.exec_driver_sql("INSERT INTO g (id, a) VALUES (1, 4)")
    t = sa.Table("g", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(DuplicateObjectError, match="'b'"):
        sa.Column("b", sa.Integer).create(t, engine=engine)
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT id, a, b FROM g").all() == [(1, 4, 8)]


def test_alter_by_table_name_reads_less_than_a_full_autoload(
    engine: sa.Engine, capture: Any
) -> None:
    """A change other than a rename reflects columns and primary key, not everything."""
    _items(engine)
    with engine.connect() as conn, capture(conn) as full:
        sa.Table("items", sa.MetaData(), autoload_with=conn)
    with engine.begin() as conn, capture(conn) as sql:
        delta = alter_column("Label", table="items", connection=conn, type=sa.String(30))
    assert 1 <= len(reads(sql)) < len(reads(full)), (reads(sql), reads(full))
    # the returned delta describes the reflected column fully
    assert isinstance(delta.result_column.type, sa.String)
    assert delta.result_column.type.length == 30
    assert columns(engine, "items")["Label"]["type"].length == 30
    assert rows(engine, "items") == [(1, "a"), (2, None)]


def test_rename_by_table_name_reads_the_table_only_when_asked(
    engine: sa.Engine, capture: Any, backend_name: str
) -> None:
    """A pure rename by table name reads what the rename needs (SQLite: the column names;
    PostgreSQL: nothing); the returned delta reflects the table when first asked, as the
    rename left it, even after the caller's connection is closed."""
    _items(engine)
    with engine.begin() as conn, capture(conn) as sql:
        delta = alter_column("Label", table="items", connection=conn, name="title")
        assert len(reads(sql)) == (0 if optimistic(backend_name) else 1), reads(sql)
    assert column_names(engine, "items") == ["id", "title"]
    assert rows(engine, "items") == [(1, "a"), (2, None)]
    assert delta.current_name == "Label"
    assert dict(delta.diffs) == {"name": "title"}
    assert isinstance(delta.result_column.type, sa.String)  # read now, through the engine
    assert delta.result_column.name == "title" and delta["name"] == "title"
    assert delta.table is not None and [c.name for c in delta.table.columns] == ["id", "title"]
    assert delta.column is delta.result_column
    assert delta.table.primary_key.columns.keys() == ["id"]


def test_rename_by_table_name_with_a_session(engine: sa.Engine) -> None:
    _items(engine)
    with sa.orm.Session(engine) as session:
        delta = alter_column("Label", table="items", engine=session, name="title")
        assert [c.name for c in delta.table.columns] == ["id", "title"]  # in the session
        session.commit()
    assert column_names(engine, "items") == ["id", "title"]
    assert rows(engine, "items") == [(1, "a"), (2, None)]


def test_rename_by_table_name_refuses_bad_input(engine: sa.Engine) -> None:
    _items(engine)
    with pytest.raises(NoSuchColumnError, match="nope"):
        alter_column("nope", table="items", engine=engine, name="x")
    with pytest.raises(DuplicateObjectError, match="'id'"):
        alter_column("Label", table="items", engine=engine, name="id")
    with pytest.raises(NoSuchTableError, match="ghost"):
        alter_column("Label", table="ghost", engine=engine, name="x")
    assert column_names(engine, "items") == ["id", "Label"]
    assert rows(engine, "items") == [(1, "a"), (2, None)]
