"""PostgreSQL: an operation's statements in one round trip (bench W2, W6-pg).

Through psycopg and psycopg2, whose simple query protocol runs several statements sent
as one string, an operation inside the caller's transaction is sent as
``SAVEPOINT migrate_changeset; <its DDL>; RELEASE SAVEPOINT migrate_changeset``. Plain
column adds and renames read nothing first: when the database refuses, the savepoint is
rolled back, the table is read, and bad input gets the library's error. Either way the
caller's earlier work in the transaction stays, and nothing of the operation does.
With an Engine, those plain changes are the one string alone, on a connection in
autocommit (one implicit transaction): no BEGIN, savepoint or COMMIT around it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

import migrate.changeset  # noqa: F401  (installs the methods)
from migrate.changeset import alter_table
from migrate.exceptions import DuplicateObjectError, NoSuchColumnError, NoSuchTableError
from tests.support import column_names, columns, executes, rows

pytestmark = pytest.mark.backends("postgresql")


@pytest.fixture(params=["psycopg", "psycopg2"])
def pg(request: pytest.FixtureRequest, engine: sa.Engine) -> Iterator[sa.Engine]:
    """The test database through each driver that takes several statements at once."""
    driver = request.param
    if importlib.util.find_spec(driver) is None:
        pytest.skip(f"{driver} is not installed (pip install -e '.[test]')")
    other = sa.create_engine(engine.url.set(drivername=f"postgresql+{driver}"))
    try:
        yield other
    finally:
        other.dispose()


def _items(engine: sa.Engine, name: str = "items", label: str = "label") -> sa.Table:
    t = sa.Table(
        name,
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column(label, sa.String(20)),
    )
    t.create(engine)
    with engine.begin() as c:
        c.execute(t.insert(), [{"id": 1, label: "a"}, {"id": 2, label: None}])
    return t


def test_add_and_rename_are_one_round_trip_each(pg: sa.Engine) -> None:
    t = _items(pg)
    with pg.begin() as conn:
        conn.execute(t.insert().values(id=3, label="mine"))  # the caller's own work
        with executes(conn) as sent:
            sa.Column("qty", sa.Integer, server_default="4").create(t, connection=conn)
        assert len(sent) == 1, sent
        assert sent[0].startswith("SAVEPOINT migrate_changeset;")
        assert sent[0].endswith("RELEASE SAVEPOINT migrate_changeset")
        with executes(conn) as sent:
            t.c.qty.alter(name="quantity", connection=conn)
        assert len(sent) == 1, sent
    assert column_names(pg, "items") == ["id", "label", "quantity"]
    assert t.c.quantity.name == "quantity"
    assert rows(pg, "items") == [(1, "a", 4), (2, None, 4), (3, "mine", 4)]


def test_a_change_that_reads_first_is_one_round_trip_after_the_read(pg: sa.Engine) -> None:
    t = _items(pg)
    with pg.begin() as conn, executes(conn) as sent:
        t.c.label.alter(type=sa.String(50), server_default="x", connection=conn)
    changes = [s for s in sent if "ALTER TABLE" in s]
    assert len(changes) == 1, sent
    assert changes[0].startswith("SAVEPOINT migrate_changeset;")
    assert sent[-1] is changes[0]  # the reads come first, then the one string
    c = columns(pg, "items")["label"]
    assert c["type"].length == 50
    assert "'x'" in c["default"]
    assert rows(pg, "items") == [(1, "a"), (2, None)]


def test_a_failing_change_after_the_read_is_rolled_back_alone(pg: sa.Engine) -> None:
    """SET NOT NULL over a NULL: the database's error; the type change sent with it in the
    same statement is undone, the caller's row stays."""
    t = _items(pg)
    with pg.begin() as conn:
        conn.execute(t.insert().values(id=3, label="before"))
        with pytest.raises(sa.exc.IntegrityError, match="null values"):
            t.c.label.alter(type=sa.String(50), nullable=False, connection=conn)
        conn.execute(t.insert().values(id=4, label="after"))
    c = columns(pg, "items")["label"]
    assert (c["type"].length, c["nullable"]) == (20, True)
    assert t.c.label.type.length == 20  # the caller's Column is unchanged too
    assert rows(pg, "items") == [(1, "a"), (2, None), (3, "before"), (4, "after")]


@pytest.mark.parametrize(
    ("batch", "error"),
    [
        (
            lambda b: (b.add_column(sa.Column("x", sa.Integer)), b.rename_column("label", "id")),
            DuplicateObjectError,
        ),
        (
            lambda b: (b.add_column(sa.Column("x", sa.Integer)), b.rename_column("nope", "y")),
            NoSuchColumnError,
        ),
        (lambda b: b.add_column(sa.Column("label", sa.Integer)), DuplicateObjectError),
    ],
    ids=["rename-onto-existing", "rename-missing", "duplicate-add"],
)
def test_a_refused_batch_leaves_the_callers_earlier_work(
    pg: sa.Engine, batch: Any, error: type[Exception]
) -> None:
    t = _items(pg)
    with pg.begin() as conn:
        conn.execute(t.insert().values(id=3, label="before"))
        with executes(conn) as sent, pytest.raises(error):
            with alter_table("items", connection=conn) as b:
                batch(b)
        assert "ROLLBACK TO SAVEPOINT migrate_changeset" in " ".join(sent), sent
        conn.execute(t.insert().values(id=4, label="after"))  # the transaction goes on
    assert column_names(pg, "items") == ["id", "label"]
    assert rows(pg, "items") == [(1, "a"), (2, None), (3, "before"), (4, "after")]


def test_a_missing_table_is_named_after_the_database_refused(pg: sa.Engine) -> None:
    ghost = sa.Table("ghost", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True))
    with pg.begin() as conn:
        with pytest.raises(NoSuchTableError, match="ghost"):
            sa.Column("x", sa.Integer).create(ghost, connection=conn)
        assert conn.execute(sa.text("SELECT 1")).scalar() == 1
    assert "ghost" not in sa.inspect(pg).get_table_names()


class _NoSuchType(sa.types.UserDefinedType[Any]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "no_such_type_here"


def test_another_database_error_is_re_raised_with_its_statement(pg: sa.Engine) -> None:
    """Input the library cannot check (a type the server lacks): the database's own error,
    re-raised as SQLAlchemy's, after the savepoint is rolled back."""
    t = _items(pg)
    with pg.begin() as conn:
        conn.execute(t.insert().values(id=3, label="before"))
        with pytest.raises(sa.exc.ProgrammingError, match="no_such_type_here") as info:
            sa.Column("x", _NoSuchType()).create(t, connection=conn)
        assert "ADD COLUMN x no_such_type_here" in str(info.value.statement)
        conn.execute(t.insert().values(id=4, label="after"))
    assert column_names(pg, "items") == ["id", "label"]
    assert "x" not in t.c
    assert rows(pg, "items") == [(1, "a"), (2, None), (3, "before"), (4, "after")]


def _autocommit_flags(engine: sa.Engine) -> Iterator[list[bool]]:
    """The driver connection's ``autocommit`` flag at each execute: True means the
    driver sent no ``BEGIN`` before it and sends no ``COMMIT`` after it."""
    seen: list[bool] = []

    def record(conn: Any, *a: Any) -> None:
        seen.append(bool(conn.connection.driver_connection.autocommit))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_an_engines_plain_change_is_one_string_in_autocommit(pg: sa.Engine) -> None:
    """With an Engine, no BEGIN, no savepoint, no COMMIT: the one string is one implicit
    transaction (one round trip); the pooled connection gets its transactions back."""
    t = _items(pg)
    with contextmanager(_autocommit_flags)(pg) as flags, executes(pg) as sent:
        sa.Column("qty", sa.Integer, nullable=False, default=7).create(t, engine=pg)
        t.c.qty.alter(name="quantity", engine=pg)
        with alter_table("items", engine=pg) as b:
            b.add_column(sa.Column("note", sa.String(10), server_default="n"))
            b.rename_column("label", "title")
    assert flags == [True, True, True], sent
    assert len(sent) == 3 and not any("SAVEPOINT" in s for s in sent), sent
    assert sent[0].count("ALTER TABLE items") == 2  # ADD ... DEFAULT 7 NOT NULL; DROP DEFAULT
    assert column_names(pg, "items") == ["id", "title", "quantity", "note"]
    assert columns(pg, "items")["quantity"]["default"] is None
    assert rows(pg, "items") == [(1, "a", 7, "n"), (2, None, 7, "n")]
    with pg.connect() as conn:  # the pool's connection is transactional again
        assert conn.connection.driver_connection.autocommit is False
        conn.exec_driver_sql("INSERT INTO items (id, title, quantity) VALUES (3, 'gone', 1)")
        conn.rollback()
    assert rows(pg, "items") == [(1, "a", 7, "n"), (2, None, 7, "n")]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda t, e: sa.Column("label", sa.Integer).create(t, engine=e), DuplicateObjectError),
        (lambda t, e: t.c.label.alter(name="id", engine=e), DuplicateObjectError),
        (lambda t, e: alter_table_rename(e, "nope", "y"), NoSuchColumnError),
    ],
    ids=["duplicate-add", "rename-onto-existing", "rename-missing"],
)
def test_an_engines_refused_change_is_our_error_and_changes_nothing(
    pg: sa.Engine, change: Any, error: type[Exception]
) -> None:
    t = _items(pg)
    with pytest.raises(error) as info:
        change(t, pg)
    assert isinstance(info.value.__context__, sa.exc.DBAPIError)  # the database refused first
    assert column_names(pg, "items") == ["id", "label"]
    assert list(t.c.keys()) == ["id", "label"]
    assert rows(pg, "items") == [(1, "a"), (2, None)]


def alter_table_rename(engine: sa.Engine, old: str, new: str) -> None:
    with alter_table("items", engine=engine) as b:
        b.add_column(sa.Column("added", sa.Integer))  # sent with it, undone with it
        b.rename_column(old, new)


def test_engine_target_failure_changes_nothing(pg: sa.Engine) -> None:
    t = _items(pg)
    with pytest.raises(sa.exc.ProgrammingError, match="no_such_type_here"):
        with alter_table(t, engine=pg) as b:
            b.add_column(sa.Column("ok", sa.Integer))
            b.add_column(sa.Column("bad", _NoSuchType()))
    assert column_names(pg, "items") == ["id", "label"]
    assert rows(pg, "items") == [(1, "a"), (2, None)]


def test_percent_signs_in_names_and_defaults(pg: sa.Engine) -> None:
    """The one string is sent the way SQLAlchemy sends DDL: ``%%`` in the compiled text
    becomes ``%`` (both drivers format it with the empty parameters)."""
    t = _items(pg, "pct%items", label="la%bel")
    with pg.begin() as conn:
        sa.Column("q%ty", sa.String(10), server_default="5%").create(t, connection=conn)
        t.c["q%ty"].alter(name="n%ew", connection=conn)
        with alter_table(t, connection=conn) as b:
            b.rename_column("la%bel", "l%2")
            b.add_column(sa.Column("z%", sa.Integer, nullable=False, default=0))
    assert column_names(pg, "pct%items") == ["id", "l%2", "n%ew", "z%"]
    assert rows(pg, "pct%items") == [(1, "a", "5%", 0), (2, None, "5%", 0)]


def test_an_autocommit_connection_gets_each_operation_atomic(pg: sa.Engine) -> None:
    """No transaction block to hold a savepoint: the one string is one implicit
    transaction, so a refused operation leaves nothing behind."""
    t = _items(pg)
    with pg.connect() as raw:
        conn = raw.execution_options(isolation_level="AUTOCOMMIT")
        sa.Column("qty", sa.Integer, nullable=False, default=3).create(t, connection=conn)
        t.c.qty.alter(name="quantity", connection=conn)
        t.c.label.alter(type=sa.String(40), connection=conn)
        with pytest.raises(sa.exc.ProgrammingError, match="no_such_type_here"):
            with alter_table(t, connection=conn) as b:
                b.add_column(sa.Column("ok", sa.Integer))
                b.add_column(sa.Column("bad", _NoSuchType()))
        with pytest.raises(DuplicateObjectError, match="'id'"):
            with alter_table(t, connection=conn) as b:
                b.add_column(sa.Column("ok", sa.Integer))
                b.rename_column("label", "id")
    assert column_names(pg, "items") == ["id", "label", "quantity"]
    assert columns(pg, "items")["label"]["type"].length == 40
    assert rows(pg, "items") == [(1, "a", 3), (2, None, 3)]
