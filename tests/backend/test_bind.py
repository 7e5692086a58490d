"""Finding the database (SPEC §3): every resolution path, and the transaction contract."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import migrate.changeset
from migrate.changeset import MetaData, bind, inspect_table
from migrate.exceptions import DuplicateObjectError, NoBindError, NoSuchTableError
from tests.support import column_names, rows, schema_state


def _users(engine: sa.Engine, meta: sa.MetaData | None = None) -> sa.Table:
    meta = meta if meta is not None else sa.MetaData()
    t = sa.Table(
        "users",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(20)),
    )
    t.create(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
    return t


def test_engine_keyword(engine: sa.Engine) -> None:
    t = _users(engine)
    sa.Column("x", sa.Integer).create(t, engine=engine)
    assert column_names(engine, "users") == ["id", "name", "x"]


def test_connection_keyword_runs_in_callers_transaction(engine: sa.Engine) -> None:
    t = _users(engine)
    with engine.connect() as conn:
        sa.Column("x", sa.Integer, default=3).create(t, connection=conn)
        # visible inside the caller's transaction
        assert conn.execute(sa.select(t.c.x)).scalars().all() == [3, 3]
        conn.commit()
    assert column_names(engine, "users") == ["id", "name", "x"]
    assert rows(engine, "users") == [(1, "a", 3), (2, "b", 3)]


@pytest.mark.requires("transactional_ddl")
def test_connection_transaction_is_never_committed_by_the_library(engine: sa.Engine) -> None:
    t = _users(engine)
    with engine.connect() as conn:
        sa.Column("x", sa.Integer).create(t, connection=conn)
        t.rename("people", connection=conn)
        conn.rollback()
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == [(1, "a"), (2, "b")]


@pytest.mark.requires("transactional_ddl")
def test_session_bind_sees_pending_work_and_is_not_committed(engine: sa.Engine) -> None:
    t = _users(engine)
    with Session(engine) as session:
        session.execute(t.insert().values(id=3, name="c"))
        sa.Column("x", sa.Integer, default=9).create(t, connection=session)
        assert session.execute(sa.select(t.c.id, t.c.x).order_by(t.c.id)).all() == [
            (1, 9),
            (2, 9),
            (3, 9),
        ]
        session.rollback()
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "users") == [(1, "a"), (2, "b")]


def test_session_commit_keeps_the_change(engine: sa.Engine) -> None:
    t = _users(engine)
    with Session(engine) as session:
        sa.Column("x", sa.Integer, default=9).create(t, engine=session)
        session.commit()
    assert rows(engine, "users") == [(1, "a", 9), (2, "b", 9)]


def test_metadata_bind_attribute(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    t = _users(engine, meta)
    sa.Column("x", sa.Integer).create(t)
    assert column_names(engine, "users") == ["id", "name", "x"]


def test_changeset_metadata_bind_argument(engine: sa.Engine) -> None:
    meta = MetaData(bind=engine)
    assert isinstance(meta, sa.MetaData)
    t = _users(engine, meta)
    t.rename("people")
    assert sa.inspect(engine).get_table_names() == ["people"]


def test_bind_block_and_nesting(engine: sa.Engine) -> None:
    t = _users(engine)
    with bind(engine):
        sa.Column("x", sa.Integer).create(t)
        with engine.connect() as conn, bind(conn):
            sa.Column("y", sa.Integer).create(t)
            conn.commit()
        sa.Column("z", sa.Integer).create(t)
    assert column_names(engine, "users") == ["id", "name", "x", "y", "z"]


def test_explicit_keyword_beats_metadata_bind_beats_block(
    engine: sa.Engine, tmp_path: object
) -> None:
    other = sa.create_engine("sqlite://")
    meta = sa.MetaData()
    meta.bind = other  # type: ignore[attr-defined]
    t = _users(engine, meta)
    with pytest.raises(NoSuchTableError):  # meta.bind (empty database) wins over the block
        with bind(engine):
            sa.Column("x", sa.Integer).create(t)
    sa.Column("x", sa.Integer).create(t, engine=engine)  # the keyword wins over meta.bind
    assert column_names(engine, "users") == ["id", "name", "x"]
    other.dispose()


def test_no_bind_names_the_three_ways(engine: sa.Engine) -> None:
    t = _users(engine)
    before = schema_state(engine)
    with pytest.raises(NoBindError) as info:
        sa.Column("x", sa.Integer).create(t)
    message = str(info.value)
    assert "engine=" in message and "MetaData" in message and "bind(" in message
    assert isinstance(info.value, migrate.changeset.Error)
    assert schema_state(engine) == before
    assert "x" not in t.c


def test_bind_rejects_non_database_objects() -> None:
    with pytest.raises(NoBindError, match="str"):
        with bind("sqlite://"):  # type: ignore[arg-type]
            pass


def test_inspect_table_reflects_with_the_bound_database(engine: sa.Engine) -> None:
    _users(engine)
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    t = inspect_table(meta, "users")
    assert list(t.c.keys()) == ["id", "name"]
    assert meta.tables["users"] is t
    with pytest.raises(NoSuchTableError, match="ghost"):
        inspect_table(meta, "ghost")


@pytest.mark.requires("transactional_ddl")
def test_failed_operation_leaves_database_and_table_as_before(engine: sa.Engine) -> None:
    t = _users(engine)
    before = schema_state(engine)
    keys = list(t.c.keys())
    constraints = set(t.constraints)
    col = sa.Column("email", sa.String(20), default="same", unique=True)
    # ADD COLUMN fills every row with "same", then the UNIQUE constraint fails in the
    # database: everything is rolled back
    with pytest.raises(sa.exc.DatabaseError):
        col.create(t, unique_name="uq_users_email", engine=engine)
    assert schema_state(engine) == before
    assert list(t.c.keys()) == keys
    assert set(t.constraints) == constraints
    assert rows(engine, "users") == [(1, "a"), (2, "b")]


@pytest.mark.requires("transactional_ddl")
def test_failed_operation_inside_callers_transaction_keeps_earlier_work(
    engine: sa.Engine,
) -> None:
    t = _users(engine)
    with engine.connect() as conn:
        sa.Column("a", sa.Integer).create(t, connection=conn)
        with pytest.raises(sa.exc.DatabaseError):
            sa.Column("b", sa.Integer, default=1, unique=True).create(
                t, unique_name="uq_users_b", connection=conn
            )
        conn.commit()
    # the savepoint undid only the failed operation
    assert column_names(engine, "users") == ["id", "name", "a"]


# one SQLite file serialises writers: the threads would only queue behind each other
@pytest.mark.backends("postgresql", "mysql")
def test_threads_keep_their_own_bind(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    tables = [
        sa.Table(f"t{i}", meta, sa.Column("id", sa.Integer, primary_key=True)) for i in range(4)
    ]
    meta.create_all(engine)
    errors: list[BaseException] = []

    def work(t: sa.Table) -> None:
        try:
            with bind(engine):
                for j in range(3):
                    sa.Column(f"c{j}", sa.Integer).create(t)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in tables]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    for i in range(4):
        assert column_names(engine, f"t{i}") == ["id", "c0", "c1", "c2"]
    # outside the blocks there is no bind
    with pytest.raises(NoBindError):
        sa.Column("z", sa.Integer).create(tables[0])


def test_duplicate_rename_inside_bind_block(engine: sa.Engine) -> None:
    t = _users(engine)
    sa.Table("people", sa.MetaData(), sa.Column("id", sa.Integer)).create(engine)
    with bind(engine), pytest.raises(DuplicateObjectError):
        t.rename("people")
