"""SQLite through the public API: one rebuild per legacy call, one per batch, nothing lost."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table
from migrate.exceptions import InvalidOperationError
from tests.support import column_names, columns, rows, schema_state

pytestmark = pytest.mark.backends("sqlite")


def _copies(sql: list[str]) -> int:
    return sum(1 for s in sql if s.upper().startswith("INSERT INTO") and "SELECT" in s.upper())


def _fk_engine(engine: sa.Engine) -> sa.Engine:
    """The same database with ``PRAGMA foreign_keys=ON`` on every connection."""
    fk = sa.create_engine(engine.url)

    @sa.event.listens_for(fk, "connect")
    def _on(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    return fk


def _parent_child(engine: sa.Engine) -> tuple[sa.Table, sa.Table]:
    meta = sa.MetaData()
    parent = sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
        sa.Column("age", sa.Integer),
        sa.Column("note", sa.String(20)),
    )
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parent.id", ondelete="CASCADE")),
    )
    meta.create_all(engine)
    sa.Index("ix_parent_name", parent.c.name).create(engine)
    with engine.begin() as conn:
        conn.execute(
            parent.insert(),
            [{"id": i, "name": f"n{i}", "age": i, "note": "x"} for i in range(1, 6)],
        )
        conn.execute(child.insert(), [{"id": i, "parent_id": i} for i in range(1, 6)])
    return parent, child


def test_batch_of_five_changes_is_one_copy(engine: sa.Engine, capture: Any) -> None:
    _parent_child(engine)
    fk = _fk_engine(engine)
    with capture(fk) as sql:
        with alter_table("parent", engine=fk) as t:
            t.rename_column("name", "full_name")
            t.drop_column("note")
            t.alter_column("age", type=sa.String(10))
            t.alter_column("full_name", nullable=False)
            t.add_constraint(sa.UniqueConstraint("full_name", name="uq_parent_full_name"))
    assert _copies(sql) == 1
    assert column_names(engine, "parent") == ["id", "full_name", "age"]
    cols = columns(engine, "parent")
    assert cols["full_name"]["nullable"] is False
    assert isinstance(cols["age"]["type"], sa.String)
    uniques = sa.inspect(engine).get_unique_constraints("parent")
    assert [(u["name"], u["column_names"]) for u in uniques] == [
        ("uq_parent_full_name", ["full_name"])
    ]
    assert {i["name"]: i["column_names"] for i in sa.inspect(engine).get_indexes("parent")} == {
        "ix_parent_name": ["full_name"]
    }
    assert rows(engine, "parent") == [(i, f"n{i}", str(i)) for i in range(1, 6)]
    # ON DELETE CASCADE children were not touched by dropping the old table
    assert rows(engine, "child") == [(i, i) for i in range(1, 6)]
    fk.dispose()


def test_native_only_batch_copies_nothing(engine: sa.Engine, capture: Any) -> None:
    _parent_child(engine)
    with capture(engine) as sql:
        with alter_table("parent", engine=engine) as t:
            t.rename_column("age", "years")
            t.add_column(sa.Column("email", sa.String(40)))
            t.drop_column("note")
    assert _copies(sql) == 0
    assert column_names(engine, "parent") == ["id", "name", "years", "email"]
    assert rows(engine, "parent") == [(i, f"n{i}", i, None) for i in range(1, 6)]


def test_legacy_calls_one_rebuild_each_children_intact(engine: sa.Engine, capture: Any) -> None:
    _parent_child(engine)
    fk = _fk_engine(engine)
    meta = sa.MetaData()
    meta.bind = fk  # type: ignore[attr-defined]
    parent = sa.Table("parent", meta, autoload_with=fk)
    with capture(fk) as sql:
        parent.c.age.alter(nullable=False)
        parent.c.note.alter(type=sa.String(40))
    assert _copies(sql) == 2
    assert columns(engine, "parent")["age"]["nullable"] is False
    assert rows(engine, "child") == [(i, i) for i in range(1, 6)]
    assert rows(engine, "parent") == [(i, f"n{i}", i, "x") for i in range(1, 6)]
    fk.dispose()


def test_hand_declared_table_with_fewer_columns_loses_nothing(engine: sa.Engine) -> None:
    _parent_child(engine)
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    # the script only declares what it changes
    hand = sa.Table("parent", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Column("score", sa.Integer, nullable=False, default=0).create(hand)
    assert column_names(engine, "parent") == ["id", "name", "age", "note", "score"]
    assert rows(engine, "parent") == [(i, f"n{i}", i, "x", 0) for i in range(1, 6)]
    assert {i["name"] for i in sa.inspect(engine).get_indexes("parent")} == {"ix_parent_name"}
    assert sa.inspect(engine).get_foreign_keys("child")[0]["referred_table"] == "parent"


def test_rebuild_refused_in_callers_transaction_with_foreign_keys_on(engine: sa.Engine) -> None:
    parent, _child = _parent_child(engine)
    fk = _fk_engine(engine)
    before = schema_state(engine)
    with fk.connect() as conn:
        with pytest.raises(InvalidOperationError, match="child"):
            sa.Column("score", sa.Integer, nullable=False, default=0).create(
                parent, connection=conn
            )
        conn.rollback()
    assert schema_state(engine) == before
    assert rows(engine, "child") == [(i, i) for i in range(1, 6)]
    fk.dispose()


def test_foreign_key_violation_introduced_by_the_change_rolls_back(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    parent = sa.Table("parent", meta, sa.Column("id", sa.Integer, primary_key=True))
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": 1}])
        conn.execute(child.insert(), [{"id": 1, "parent_id": 1}, {"id": 2, "parent_id": 99}])
    with pytest.raises(InvalidOperationError, match="child"):
        with alter_table("child", engine=engine) as t:
            t.add_constraint(sa.ForeignKeyConstraint(["parent_id"], ["parent.id"], name="fk_p"))
    assert sa.inspect(engine).get_foreign_keys("child") == []
    assert rows(engine, "child") == [(1, 1), (2, 99)]
    assert "_migrate_tmp_child" not in sa.inspect(engine).get_table_names()


def test_batch_index_on_a_column_dropped_later_rebuilds(engine: sa.Engine) -> None:
    _parent_child(engine)
    with alter_table("parent", engine=engine) as t:
        t.create_index("ix_parent_note", "note")
        t.drop_column("note")
    assert column_names(engine, "parent") == ["id", "name", "age"]
    assert {i["name"] for i in sa.inspect(engine).get_indexes("parent")} == {"ix_parent_name"}
    assert rows(engine, "parent") == [(i, f"n{i}", i) for i in range(1, 6)]


def test_rebuild_of_attached_database_table(engine: sa.Engine, other_schema: str) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        "t",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("v", sa.String(10)),
        schema=other_schema,
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "v": "a"}, {"id": 2, "v": None}])
    t.c.v.alter(type=sa.String(20), server_default="z", engine=engine)
    info = {c["name"]: c for c in sa.inspect(engine).get_columns("t", schema=other_schema)}
    assert info["v"]["type"].length == 20 and "z" in str(info["v"]["default"])
    with engine.connect() as conn:
        assert conn.execute(sa.select(t).order_by(t.c.id)).all() == [(1, "a"), (2, None)]


def test_self_referencing_table_refused_in_callers_transaction(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    node = sa.Table(
        "node",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("node.id", ondelete="CASCADE")),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(node.insert(), [{"id": 1, "parent_id": None}, {"id": 2, "parent_id": 1}])
    fk = _fk_engine(engine)
    with fk.connect() as conn:
        with pytest.raises(InvalidOperationError, match="its own rows"):
            node.c.parent_id.alter(nullable=False, connection=conn)
        conn.rollback()
    assert rows(engine, "node") == [(1, None), (2, 1)]
    # with an Engine the rebuild runs with foreign keys off: nothing cascades
    node.c.parent_id.alter(type=sa.BigInteger, engine=fk)
    assert rows(engine, "node") == [(1, None), (2, 1)]
    fk.dispose()


def test_large_copy_with_sparse_rowids_is_one_statement(
    engine: sa.Engine, capture: Any, monkeypatch: Any
) -> None:
    # ids from a generator: 6 rows spread over 2**62 rowids; in ranges of 2 rowids the
    # copy would take 2**61 statements
    from migrate.changeset import runner

    monkeypatch.setattr(runner, "COPY_CHUNK_ROWS", 2)
    monkeypatch.setattr(runner, "MAX_RANGES", 10)  # beyond 20 rowids the rows are counted
    ids = [1, 2, 3, 2**40, 2**40 + 1, 2**62]
    meta = sa.MetaData()
    t = sa.Table(
        "sparse", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer)
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "v": i % 7} for i in ids])
    with capture(engine) as sql:
        t.c.v.alter(nullable=False, engine=engine)
    copies = [s for s in sql if s.startswith("INSERT INTO") and "SELECT" in s]
    assert len(copies) == 1 and "BETWEEN" not in copies[0]
    assert rows(engine, "sparse") == [(i, i % 7) for i in ids]
    assert columns(engine, "sparse")["v"]["nullable"] is False


def test_dense_rowids_are_copied_in_ranges(
    engine: sa.Engine, capture: Any, monkeypatch: Any
) -> None:
    from migrate.changeset import runner

    monkeypatch.setattr(runner, "COPY_CHUNK_ROWS", 2)
    ids = [1, 2, 3, 5, 6]  # one gap: still dense
    meta = sa.MetaData()
    t = sa.Table(
        "dense", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer)
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "v": 10 * i} for i in ids])
    with capture(engine) as sql:
        t.c.v.alter(nullable=False, engine=engine)
    copies = [s for s in sql if s.startswith("INSERT INTO") and "SELECT" in s]
    assert len(copies) == 3 and all("BETWEEN" in s for s in copies)
    assert rows(engine, "dense") == [(i, 10 * i) for i in ids]
    assert columns(engine, "dense")["v"]["nullable"] is False


def test_large_copy_in_rowid_chunks_logs_progress(
    engine: sa.Engine, capture: Any, caplog: Any
) -> None:
    from migrate.changeset.runner import COPY_CHUNK_ROWS

    total = 2 * COPY_CHUNK_ROWS + 7
    meta = sa.MetaData()
    t = sa.Table(
        "big", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer)
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?) "
            "INSERT INTO big (id, v) SELECT x, 2 * x FROM n",
            (total,),
        )
    caplog.set_level("INFO", logger="migrate.changeset")
    with capture(engine) as sql:
        t.c.v.alter(nullable=False, engine=engine)
    copies = [s for s in sql if s.startswith("INSERT INTO") and "SELECT" in s]
    assert len(copies) == 3 and all("BETWEEN" in s for s in copies)
    progress = [r.getMessage() for r in caplog.records if "copying" in r.getMessage()]
    assert progress == [
        f'copying "big": {n} rows, rowids up to {n} of {total}'
        for n in (COPY_CHUNK_ROWS, 2 * COPY_CHUNK_ROWS, total)
    ]
    # the ranges come from min() and max() of the rowid: no count(*) reads the table again
    assert not [s for s in sql if "count(" in s]
    with engine.connect() as conn:
        count, wrong = conn.exec_driver_sql("SELECT count(*), sum(v != 2 * id) FROM big").one()
    assert (count, wrong) == (total, 0)
    assert columns(engine, "big")["v"]["nullable"] is False
