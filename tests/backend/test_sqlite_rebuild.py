"""SQLite: a table rebuild that loses nothing (SPEC §5), on real SQLite files."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset.databases.sqlite import from_rebuild_plan
from migrate.changeset.introspect import read_sqlite_schema
from migrate.changeset.ops import (
    AddColumnOp,
    AddConstraintOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    Op,
    TableRef,
)
from migrate.changeset.rebuild import RebuildPlan, plan_rebuild
from migrate.changeset.runner import run_plan
from migrate.changeset.sqlite_schema import parse_create_table, quote
from migrate.exceptions import InvalidOperationError

Row = tuple[Any, ...]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sa.Engine]:
    """Our own SQLite file (the conftest ``engine`` fixture parametrises over backends)."""
    e = sa.create_engine(f"sqlite:///{tmp_path}/t.db")
    yield e
    e.dispose()


def setup(engine: sa.Engine, *statements: str) -> None:
    with engine.connect() as c:
        for s in statements:
            c.exec_driver_sql(s)
        c.commit()


def master(engine: sa.Engine, skip_table: str | None = None) -> list[Row]:
    """``sqlite_master`` minus the rebuilt table's own row (its SQL changes on purpose)."""
    with engine.connect() as c:
        return [
            tuple(r)
            for r in c.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            )
            if not (skip_table and r[0] == "table" and r[1] == skip_table)
        ]


def run_rebuild_plan(c: sa.Connection, p: RebuildPlan, *, commit: bool = True) -> None:
    """Run a rebuild plan through the library's runner: ``commit=True`` as an operation
    given the Engine (its own connection and transaction), else in the caller's
    transaction on ``c``."""
    run_plan(c.engine if commit else c, from_rebuild_plan(p))


def table_sql(engine: sa.Engine, table: str) -> str:
    with engine.connect() as c:
        return str(
            c.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)
            ).scalar()
        )


def rows(engine: sa.Engine, sql: str) -> list[Row]:
    with engine.connect() as c:
        return [tuple(r) for r in c.exec_driver_sql(sql)]


def plan(engine: sa.Engine, table: str, ops: Sequence[Op]) -> RebuildPlan:
    with engine.connect() as c:
        return plan_rebuild(read_sqlite_schema(c, table), ops)


def rebuild(engine: sa.Engine, table: str, *ops: Op) -> RebuildPlan:
    with engine.connect() as c:
        p = plan_rebuild(read_sqlite_schema(c, table), ops)
        run_rebuild_plan(c, p)
    return p


def everything(engine: sa.Engine) -> tuple[list[Row], dict[str, list[Row]]]:
    """The whole schema and every table's rows with rowids (where there is one)."""
    schema = master(engine)
    data: dict[str, list[Row]] = {}
    for kind, name, _t, sql in schema:
        if kind != "table":
            continue
        has_rowid = "WITHOUT ROWID" not in str(sql).upper()
        select = f'SELECT {"rowid, " if has_rowid else ""}* FROM "{name}" ORDER BY 1'
        data[name] = rows(engine, select)
    return schema, data


def T(name: str) -> TableRef:
    return TableRef(name)


# --- rows, rowids, order --------------------------------------------------------------


def test_rows_and_rowids_survive_a_rebuild_of_a_rowid_table(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (a TEXT, b INTEGER)",
        "INSERT INTO t (rowid, a, b) VALUES (5, 'x', 1), (17, 'y', NULL), (1000, NULL, 3)",
        "DELETE FROM t WHERE rowid = 17",
        "INSERT INTO t (a, b) VALUES ('z', 4)",
    )
    before = rows(engine, "SELECT rowid, a, b FROM t ORDER BY rowid")
    p = rebuild(engine, "t", AlterColumnOp(T("t"), "b", type=sa.BigInteger()))
    assert p.copies == 1
    assert rows(engine, "SELECT rowid, a, b FROM t ORDER BY rowid") == before
    assert rows(engine, "SELECT name FROM sqlite_master WHERE name LIKE '%tmp%'") == []


def test_integer_primary_key_values_survive(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)",
        "INSERT INTO t VALUES (3, 'a'), (99, 'b'), (-4, 'c')",
    )
    before = rows(engine, "SELECT rowid, id, a FROM t ORDER BY id")
    rebuild(engine, "t", AlterColumnOp(T("t"), "a", nullable=False))
    assert rows(engine, "SELECT rowid, id, a FROM t ORDER BY id") == before
    assert "a TEXT NOT NULL" in table_sql(engine, "t")


def test_column_order_is_kept_and_copies_are_by_name(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (c INTEGER, a TEXT, b REAL)",
        "INSERT INTO t VALUES (1, 'one', 1.5), (2, 'two', 2.5)",
    )
    rebuild(
        engine,
        "t",
        AddColumnOp(T("t"), sa.Column("d", sa.Integer, nullable=False, server_default="7")),
        AlterColumnOp(T("t"), "a", type=sa.String(10)),
    )
    with engine.connect() as c:
        names = [r[1] for r in c.exec_driver_sql("PRAGMA table_info(t)")]
    assert names == ["c", "a", "b", "d"]
    assert rows(engine, "SELECT c, a, b, d FROM t ORDER BY c") == [
        (1, "one", 1.5, 7),
        (2, "two", 2.5, 7),
    ]


def test_added_not_null_column_is_filled_from_python_default_and_keeps_no_default(
    db: sa.Engine,
) -> None:
    engine = db
    setup(engine, "CREATE TABLE t (a TEXT)", "INSERT INTO t VALUES ('x'), ('y')")
    rebuild(
        engine,
        "t",
        AddColumnOp(T("t"), sa.Column("n", sa.Integer, nullable=False, default=5)),
    )
    assert rows(engine, "SELECT a, n FROM t ORDER BY a") == [("x", 5), ("y", 5)]
    assert "DEFAULT" not in table_sql(engine, "t")


# --- indexes, constraints, triggers, views --------------------------------------------

SCHEMA = [
    "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE)",
    """CREATE TABLE t (
        id INTEGER PRIMARY KEY,
        name TEXT COLLATE NOCASE CONSTRAINT name_nn NOT NULL,
        email TEXT UNIQUE,
        score INTEGER CHECK (score >= 0),
        pid INTEGER REFERENCES p(id) ON DELETE CASCADE,
        code TEXT,
        note TEXT DEFAULT 'it''s, (fine)',
        CONSTRAINT uq_name_email UNIQUE (name, email),
        CONSTRAINT ck_score CHECK (score < 1000),
        UNIQUE (code, pid),
        CHECK (length(name) > 0),
        CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES p(code)
            ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
    )""",
    "CREATE INDEX ix_t_score ON t (score DESC)",
    "CREATE UNIQUE INDEX ux_t_note ON t (note, score)",
    "CREATE INDEX ix_t_partial ON t (pid) WHERE score > 10",
    "CREATE INDEX ix_t_expr ON t (lower(name), score + 1)",
    "CREATE INDEX ix_t_name ON t (name COLLATE NOCASE)",
    "CREATE TABLE log (msg TEXT)",
    """CREATE TRIGGER tr_t_ins AFTER INSERT ON t BEGIN
        INSERT INTO log (msg) VALUES ('new ' || NEW.name); END""",
    """CREATE TRIGGER tr_t_upd AFTER UPDATE OF score ON t WHEN NEW.score > 5 BEGIN
        INSERT INTO log (msg) VALUES ('score ' || NEW.score); END""",
    "CREATE VIEW v_t AS SELECT t.name, p.code FROM t JOIN p ON p.id = t.pid WHERE t.score > 0",
    "INSERT INTO p VALUES (1, 'A'), (2, 'B')",
    "INSERT INTO t (id, name, email, score, pid, code) VALUES "
    "(1, 'ann', 'a@x', 3, 1, 'A'), (2, 'bob', 'b@x', 20, 2, 'B'), (7, 'cy', NULL, 0, NULL, NULL)",
    "DELETE FROM log",
]


def test_everything_else_is_kept_verbatim(db: sa.Engine) -> None:
    engine = db
    setup(engine, *SCHEMA)
    schema_before, data_before = everything(engine)
    old_sql = table_sql(engine, "t")
    rebuild(engine, "t", AddColumnOp(T("t"), sa.Column("extra", sa.Integer)))
    schema_after, data_after = everything(engine)
    strip = [r for r in schema_before if not (r[0] == "table" and r[1] == "t")]
    assert [r for r in schema_after if not (r[0] == "table" and r[1] == "t")] == strip
    new_sql = table_sql(engine, "t")
    # every column and constraint text is still there, verbatim
    for piece in [
        "name TEXT COLLATE NOCASE CONSTRAINT name_nn NOT NULL",
        "email TEXT UNIQUE",
        "score INTEGER CHECK (score >= 0)",
        "pid INTEGER REFERENCES p(id) ON DELETE CASCADE",
        "note TEXT DEFAULT 'it''s, (fine)'",
        "CONSTRAINT uq_name_email UNIQUE (name, email)",
        "CONSTRAINT ck_score CHECK (score < 1000)",
        "UNIQUE (code, pid)",
        "CHECK (length(name) > 0)",
        "CONSTRAINT fk_code FOREIGN KEY (code) REFERENCES p(code)\n"
        "            ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED",
    ]:
        assert piece in old_sql and piece in new_sql
    assert data_after["p"] == data_before["p"]
    assert data_after["log"] == data_before["log"] == []
    assert [r[:-1] for r in data_after["t"]] == data_before["t"]
    # constraints still enforced, triggers still fire
    with engine.connect() as c:
        with pytest.raises(sa.exc.IntegrityError):
            c.exec_driver_sql("INSERT INTO t (id, name, score) VALUES (50, 'z', -1)")
        c.rollback()
        with pytest.raises(sa.exc.IntegrityError):
            c.exec_driver_sql("INSERT INTO t (id, name, email) VALUES (51, 'ANN', 'a@x')")
        c.rollback()
        c.exec_driver_sql("INSERT INTO t (id, name, score) VALUES (52, 'dee', 1)")
        c.exec_driver_sql("UPDATE t SET score = 9 WHERE id = 52")
        assert [r[0] for r in c.exec_driver_sql("SELECT msg FROM log")] == ["new dee", "score 9"]
        assert list(c.exec_driver_sql("SELECT name, code FROM v_t ORDER BY 1")) == [
            ("ann", "A"),
            ("bob", "B"),
        ]
        c.rollback()


def test_renamed_column_follows_into_indexes_triggers_views_and_constraints(
    db: sa.Engine,
) -> None:
    engine = db
    setup(engine, *SCHEMA)
    _, data_before = everything(engine)
    rebuild(
        engine,
        "t",
        AlterColumnOp(T("t"), "score", name="points", type=sa.BigInteger()),
        AlterColumnOp(T("t"), "name", name="Full Name"),
    )
    after = {r[1]: r[3] for r in master(engine)}
    assert after["ix_t_score"] == 'CREATE INDEX ix_t_score ON t ("points" DESC)'
    assert after["ix_t_partial"] == 'CREATE INDEX ix_t_partial ON t (pid) WHERE "points" > 10'
    assert after["ix_t_expr"] == 'CREATE INDEX ix_t_expr ON t (lower("Full Name"), "points" + 1)'
    assert (
        'NEW."points" > 5' in after["tr_t_upd"]
        and "'score ' || NEW.\"points\"" in after["tr_t_upd"]
    )
    assert 'UPDATE OF "points"' in after["tr_t_upd"]
    assert 't."Full Name"' in after["v_t"]
    assert 'CHECK ("points" < 1000)' in after["t"]
    assert '"points" BIGINT CHECK ("points" >= 0)' in after["t"]
    assert rows(engine, "SELECT rowid, * FROM t ORDER BY 1") == data_before["t"]


def test_dropped_column_shrinks_composite_indexes_and_drops_its_own(db: sa.Engine) -> None:
    engine = db
    setup(engine, *SCHEMA, "UPDATE t SET note = 'n' || id")
    p = rebuild(engine, "t", DropColumnOp(T("t"), "score"))
    after = {r[1]: r[3] for r in master(engine)}
    assert after["ux_t_note"] == 'CREATE UNIQUE INDEX "ux_t_note" ON "t" (note)'
    for gone in ("ix_t_score", "ix_t_partial", "ix_t_expr"):
        assert gone not in after
    assert sorted(p.dropped_indexes) == ["ix_t_expr", "ix_t_partial", "ix_t_score"]
    assert "ck_score" not in after["t"]
    assert after["ix_t_name"] == "CREATE INDEX ix_t_name ON t (name COLLATE NOCASE)"


def test_autoincrement_counter_is_kept(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT)",
        "INSERT INTO t (a) VALUES ('x'), ('y'), ('z')",
        "DELETE FROM t WHERE id > 1",
    )
    assert rows(engine, "SELECT seq FROM sqlite_sequence WHERE name='t'") == [(3,)]
    rebuild(engine, "t", AlterColumnOp(T("t"), "a", nullable=False))
    assert "AUTOINCREMENT" in table_sql(engine, "t")
    assert rows(engine, "SELECT name, seq FROM sqlite_sequence") == [("t", 3)]
    setup(engine, "INSERT INTO t (a) VALUES ('w')")
    assert rows(engine, "SELECT id FROM t ORDER BY id") == [(1,), (4,)]


def test_collations_are_kept(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (a TEXT COLLATE NOCASE UNIQUE, b TEXT COLLATE RTRIM)",
        "INSERT INTO t VALUES ('Abc', 'x  ')",
    )
    rebuild(engine, "t", AddColumnOp(T("t"), sa.Column("c", sa.Integer)))
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM t WHERE a = 'ABC'").scalar() == 1
        assert c.exec_driver_sql("SELECT count(*) FROM t WHERE b = 'x'").scalar() == 1
        with pytest.raises(sa.exc.IntegrityError):
            c.exec_driver_sql("INSERT INTO t (a) VALUES ('aBC')")


def test_generated_columns_are_kept_and_not_copied(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (a INTEGER, b INTEGER, "
        "s INTEGER GENERATED ALWAYS AS (a + b) STORED, v TEXT AS (a || '-' || b) VIRTUAL)",
        "INSERT INTO t (a, b) VALUES (1, 2), (10, 20)",
    )
    before = rows(engine, "SELECT rowid, a, b, s, v FROM t ORDER BY rowid")
    rebuild(engine, "t", AddColumnOp(T("t"), sa.Column("c", sa.Integer)))
    assert rows(engine, "SELECT rowid, a, b, s, v FROM t ORDER BY rowid") == before
    with engine.connect() as c:
        hidden = {r[1]: r[6] for r in c.exec_driver_sql("PRAGMA table_xinfo(t)")}
    assert hidden == {"a": 0, "b": 0, "s": 3, "v": 2, "c": 0}


def test_without_rowid_and_strict_are_kept(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID, STRICT",
        "INSERT INTO t VALUES ('b', 2), ('a', 1)",
    )
    before = rows(engine, "SELECT * FROM t ORDER BY k")
    rebuild(engine, "t", AddColumnOp(T("t"), sa.Column("x", sa.Integer)))
    sql = table_sql(engine, "t")
    assert sql.endswith(") WITHOUT ROWID, STRICT")
    assert rows(engine, "SELECT k, n FROM t ORDER BY k") == before
    with engine.connect() as c:
        with pytest.raises(sa.exc.StatementError):
            c.exec_driver_sql("INSERT INTO t VALUES ('c', 'not a number', NULL)")


def test_strict_table_rejects_a_type_change_that_does_not_fit_and_rolls_back(
    db: sa.Engine,
) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (k TEXT, n TEXT) STRICT",
        "INSERT INTO t VALUES ('a', 'abc')",
    )
    before = everything(engine)
    with pytest.raises(sa.exc.StatementError):
        rebuild(engine, "t", AlterColumnOp(T("t"), "n", type=sa.Integer()))
    assert everything(engine) == before


def test_names_that_need_quoting(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        'CREATE TABLE "my table" ("order" INTEGER, "Mixed" TEXT, [sp ace] TEXT, `x"y` TEXT)',
        'CREATE INDEX "ix my" ON "my table" ("order", "Mixed")',
        "INSERT INTO \"my table\" VALUES (1, 'a', 'b', 'c')",
    )
    before = rows(engine, 'SELECT rowid, * FROM "my table"')
    rebuild(
        engine,
        "my table",
        AlterColumnOp(T("my table"), "order", name="select"),
        AlterColumnOp(T("my table"), "Mixed", nullable=False),
        AddColumnOp(T("my table"), sa.Column("group", sa.Integer)),
    )
    assert rows(engine, 'SELECT rowid, "select", "Mixed", "sp ace", "x""y" FROM "my table"') == (
        before
    )
    after = {r[1]: r[3] for r in master(engine)}
    assert after["ix my"] == 'CREATE INDEX "ix my" ON "my table" ("select", "Mixed")'


def test_swapping_two_column_names(db: sa.Engine) -> None:
    engine = db
    setup(engine, "CREATE TABLE t (a TEXT, b TEXT)", "INSERT INTO t VALUES ('A', 'B')")
    rebuild(
        engine,
        "t",
        AlterColumnOp(T("t"), "a", name="tmp"),
        AlterColumnOp(T("t"), "b", name="a"),
        AlterColumnOp(T("t"), "tmp", name="b"),
        AlterColumnOp(T("t"), "a", type=sa.String(5)),
    )
    assert rows(engine, "SELECT b, a FROM t") == [("A", "B")]
    with engine.connect() as c:
        assert [r[1] for r in c.exec_driver_sql("PRAGMA table_info(t)")] == ["b", "a"]


def test_changing_the_primary_key_makes_a_real_primary_key(db: sa.Engine) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE t (a INTEGER NOT NULL, b TEXT NOT NULL, c TEXT)",
        "INSERT INTO t VALUES (1, 'x', 'c1'), (1, 'y', 'c2')",
    )
    before = rows(engine, "SELECT rowid, * FROM t ORDER BY rowid")
    rebuild(
        engine,
        "t",
        AlterColumnOp(T("t"), "a", primary_key=True),
        AlterColumnOp(T("t"), "b", primary_key=True),
    )
    with engine.connect() as c:
        pk = {r[1]: r[5] for r in c.exec_driver_sql("PRAGMA table_info(t)")}
        indexes = list(c.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type='index'"))
    assert pk == {"a": 1, "b": 2, "c": 0}
    assert indexes == [("sqlite_autoindex_t_1", None)]  # the PRIMARY KEY's own, no imitation
    assert rows(engine, "SELECT rowid, * FROM t ORDER BY rowid") == before


def test_not_null_over_existing_nulls_fails_and_changes_nothing(db: sa.Engine) -> None:
    engine = db
    setup(engine, "CREATE TABLE t (a TEXT)", "INSERT INTO t VALUES (NULL)")
    before = everything(engine)
    with pytest.raises(sa.exc.IntegrityError):
        rebuild(engine, "t", AlterColumnOp(T("t"), "a", nullable=False))
    assert everything(engine) == before


def test_identical_constraint_added_again_is_a_logged_no_op(
    db: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    engine = db
    setup(engine, "CREATE TABLE t (a INTEGER, b INTEGER, CONSTRAINT uq UNIQUE (a, b))")
    before = everything(engine)
    with caplog.at_level(logging.INFO, logger="migrate.changeset"):
        p = rebuild(engine, "t", AddConstraintOp(T("t"), sa.UniqueConstraint("a", "b", name="uq")))
    assert p.statements == []
    assert "already has" in caplog.text
    assert everything(engine) == before


# --- foreign keys ----------------------------------------------------------------------

FK_SCHEMA = [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT)",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, "
    "pid INTEGER REFERENCES parent(id) ON DELETE CASCADE ON UPDATE CASCADE)",
    "CREATE TABLE nullkid (id INTEGER PRIMARY KEY, "
    "pid INTEGER REFERENCES parent(id) ON DELETE SET NULL)",
    "INSERT INTO parent VALUES (1, 'a'), (2, 'b')",
    "INSERT INTO child VALUES (10, 1), (11, 2), (12, 2)",
    "INSERT INTO nullkid VALUES (20, 1)",
]


def fk_engine(tmp_path: Path) -> sa.Engine:
    """An engine whose every connection runs with PRAGMA foreign_keys=ON."""
    e = sa.create_engine(f"sqlite:///{tmp_path}/fk.db")

    @sa.event.listens_for(e, "connect")
    def _fk_on(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    return e


def test_rebuilding_a_parent_with_foreign_keys_on_keeps_every_child_row(tmp_path: Path) -> None:
    e = fk_engine(tmp_path)
    setup(e, *FK_SCHEMA)
    before = everything(e)
    p = rebuild(
        e,
        "parent",
        AlterColumnOp(T("parent"), "name", type=sa.String(20), nullable=False),
    )
    assert p.needs_foreign_keys_off and p.legacy_alter_table
    assert sorted(p.fk_check_tables) == ["child", "nullkid", "parent"]
    schema, data = everything(e)
    assert data == before[1]
    assert [r for r in schema if r[1] != "parent"] == [r for r in before[0] if r[1] != "parent"]
    with e.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA legacy_alter_table").scalar() == 0
        # the children still point at the new parent, actions intact
        c.exec_driver_sql("DELETE FROM parent WHERE id = 2")
        assert list(c.exec_driver_sql("SELECT id FROM child")) == [(10,)]
        c.rollback()
    e.dispose()


def test_inside_a_transaction_with_foreign_keys_on_a_referenced_table_is_refused(
    tmp_path: Path,
) -> None:
    e = fk_engine(tmp_path)
    setup(e, *FK_SCHEMA)
    before = everything(e)
    with e.connect() as c:
        c.exec_driver_sql("INSERT INTO parent VALUES (3, 'c')")  # the caller's transaction
        p = plan_rebuild(
            read_sqlite_schema(c, "parent"), [AlterColumnOp(T("parent"), "name", nullable=False)]
        )
        with pytest.raises(InvalidOperationError, match="child, nullkid"):
            run_rebuild_plan(c, p, commit=False)
        c.rollback()
    assert everything(e) == before
    e.dispose()


def test_inside_the_callers_transaction_nothing_is_committed(db: sa.Engine) -> None:
    engine = db
    setup(engine, "CREATE TABLE t (a TEXT)", "INSERT INTO t VALUES ('x')")
    before = everything(engine)
    with engine.connect() as c:
        c.exec_driver_sql("INSERT INTO t VALUES ('y')")
        p = plan_rebuild(read_sqlite_schema(c, "t"), [AlterColumnOp(T("t"), "a", nullable=False)])
        run_rebuild_plan(c, p, commit=False)
        assert "NOT NULL" in str(
            c.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name='t'").scalar()
        )
        c.rollback()
    assert everything(engine) == before


def test_a_change_that_introduces_a_violation_is_rolled_back_naming_the_rows(
    tmp_path: Path,
) -> None:
    e = fk_engine(tmp_path)
    setup(
        e,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, pid INTEGER)",
        "INSERT INTO parent VALUES (1)",
        "INSERT INTO t VALUES (1, 1), (2, 99)",
    )
    before = everything(e)
    fk = sa.ForeignKeyConstraint(["pid"], ["parent.id"], name="fk_pid")
    with pytest.raises(InvalidOperationError, match=r"t\.rowid=2 -> parent"):
        rebuild(e, "t", AddConstraintOp(T("t"), fk))
    assert everything(e) == before
    with e.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    e.dispose()


def test_violations_that_existed_before_only_warn(
    db: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    engine = db
    setup(
        engine,
        "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, pid INTEGER REFERENCES parent(id))",
        "INSERT INTO t VALUES (1, 42)",  # foreign keys are off: an orphan
    )
    with caplog.at_level(logging.WARNING, logger="migrate.changeset"):
        rebuild(engine, "t", AddColumnOp(T("t"), sa.Column("x", sa.Integer)))
    assert "existed before" in caplog.text
    assert rows(engine, "SELECT id, pid, x FROM t") == [(1, 42, None)]


def test_dropping_a_column_a_child_references_is_refused_before_any_change(
    db: sa.Engine,
) -> None:
    engine = db
    setup(engine, *FK_SCHEMA)
    with pytest.raises(InvalidOperationError, match="child"):
        plan(engine, "parent", [DropColumnOp(T("parent"), "id")])


# --- failure at every step ---------------------------------------------------------


class Boom(Exception):
    pass


def failing_at(fail_at: int, planned: set[str]) -> Any:
    """A ``before_cursor_execute`` hook raising at the *fail_at*-th planned statement."""
    seen = {"count": 0}

    def fail(_conn: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if statement in planned or statement.startswith("PRAGMA foreign_key_check"):
            if seen["count"] == fail_at:
                raise Boom(f"statement {fail_at}: {statement}")
            seen["count"] += 1

    return fail


def test_failure_at_each_statement_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    e = fk_engine(tmp_path)
    setup(
        e,
        *SCHEMA,
        "CREATE TABLE kid (tid INTEGER REFERENCES t(id) ON DELETE CASCADE)",
        "INSERT INTO kid VALUES (1), (2)",
    )
    ops: list[Op] = [
        AlterColumnOp(T("t"), "score", name="points"),
        DropColumnOp(T("t"), "note"),
        AddColumnOp(T("t"), sa.Column("added", sa.Integer, nullable=False, default=3)),
        AddConstraintOp(T("t"), sa.CheckConstraint("points < 5000", name="ck_points")),
        CreateIndexOp(T("t"), "ix_added", ("added",)),
        DropConstraintOp(T("t"), "uq_name_email"),
    ]
    with e.connect() as c:
        planned = set(plan_rebuild(read_sqlite_schema(c, "t"), ops).statements)
    n = len(planned)
    before = everything(e)
    assert n > 8
    for fail_at in range(n + 1):  # n: the foreign_key_check after the last statement
        fail = failing_at(fail_at, planned)
        sa.event.listen(e, "before_cursor_execute", fail)
        try:
            with pytest.raises(Boom):
                with e.connect() as c:
                    p = plan_rebuild(read_sqlite_schema(c, "t"), ops)
                    run_rebuild_plan(c, p)
        finally:
            sa.event.remove(e, "before_cursor_execute", fail)
        assert everything(e) == before, f"failure at statement {fail_at} left changes"
        with e.connect() as c:
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert c.exec_driver_sql("PRAGMA legacy_alter_table").scalar() == 0
    # and without a failure it goes through
    rebuild(e, "t", *ops)
    assert rows(e, "SELECT count(*) FROM kid") == [(2,)]
    e.dispose()


SELF_REF = [
    "CREATE TABLE node (id INTEGER PRIMARY KEY, "
    "parent INTEGER REFERENCES node(id) ON DELETE CASCADE, label TEXT)",
    "INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b')",
]


def test_self_referencing_table_keeps_its_rows_with_foreign_keys_on(tmp_path: Path) -> None:
    e = fk_engine(tmp_path)
    setup(e, *SELF_REF)
    before = rows(e, "SELECT rowid, * FROM node ORDER BY id")
    p = rebuild(e, "node", AlterColumnOp(T("node"), "label", nullable=False))
    assert p.self_referencing and p.child_tables == []
    assert rows(e, "SELECT rowid, * FROM node ORDER BY id") == before
    e.dispose()


def test_self_referencing_table_in_the_callers_transaction_is_refused(tmp_path: Path) -> None:
    e = fk_engine(tmp_path)
    setup(e, *SELF_REF)
    before = everything(e)
    with e.connect() as c:
        c.exec_driver_sql("INSERT INTO node VALUES (4, 1, 'c')")
        p = plan_rebuild(
            read_sqlite_schema(c, "node"), [AlterColumnOp(T("node"), "label", nullable=False)]
        )
        with pytest.raises(InvalidOperationError, match="node"):
            run_rebuild_plan(c, p, commit=False)
        c.rollback()
    assert everything(e) == before
    e.dispose()


def test_a_table_in_an_attached_database(db: sa.Engine, tmp_path: Path) -> None:
    other = tmp_path / "other.db"

    @sa.event.listens_for(db, "connect")
    def _attach(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"ATTACH DATABASE '{other}' AS other_schema")

    setup(
        db,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)",  # same name in main: untouched
        "CREATE TABLE other_schema.t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT, b INT)",
        "CREATE INDEX other_schema.ix_t_a ON t (a, b)",
        "CREATE TRIGGER other_schema.tr AFTER INSERT ON t BEGIN SELECT NEW.a; END",
        "CREATE VIEW other_schema.v AS SELECT a FROM t",
        "CREATE TABLE other_schema.kid (tid INTEGER REFERENCES t(id) ON DELETE CASCADE)",
        "INSERT INTO other_schema.t (a, b) VALUES ('x', 1), ('y', 2)",
        "INSERT INTO other_schema.kid VALUES (1), (2)",
        "INSERT INTO main.t VALUES (1, 'main')",
    )
    main_before = everything(db)
    with db.connect() as c:
        p = plan_rebuild(
            read_sqlite_schema(c, "t", schema="other_schema"),
            [AlterColumnOp(T("t"), "a", name="aa"), DropColumnOp(T("t"), "b")],
        )
        run_rebuild_plan(c, p)
    assert everything(db) == main_before
    with db.connect() as c:
        objs = {
            r[0]: r[1]
            for r in c.exec_driver_sql("SELECT name, sql FROM other_schema.sqlite_master")
        }
        assert objs["ix_t_a"] == 'CREATE INDEX "ix_t_a" ON "t" ("aa")'
        assert 'NEW."aa"' in objs["tr"] and 'SELECT "aa" FROM t' in objs["v"]
        assert list(c.exec_driver_sql("SELECT id, aa FROM other_schema.t")) == [
            (1, "x"),
            (2, "y"),
        ]
        assert list(c.exec_driver_sql("SELECT * FROM other_schema.kid")) == [(1,), (2,)]
        assert list(c.exec_driver_sql("SELECT * FROM other_schema.sqlite_sequence")) == [("t", 2)]


def test_autocommit_isolation_still_commits_once_and_rolls_back_on_failure(
    tmp_path: Path,
) -> None:
    e = sa.create_engine(f"sqlite:///{tmp_path}/ac.db", isolation_level="AUTOCOMMIT")
    setup(e, "CREATE TABLE t (a TEXT)", "INSERT INTO t VALUES ('x'), (NULL)")
    before = everything(e)
    with pytest.raises(sa.exc.IntegrityError):
        rebuild(e, "t", AlterColumnOp(T("t"), "a", nullable=False))
    assert everything(e) == before
    rebuild(e, "t", AlterColumnOp(T("t"), "a", type=sa.String(5)))
    assert "VARCHAR(5)" in table_sql(e, "t")
    assert rows(e, "SELECT rowid, a FROM t ORDER BY rowid") == [(1, "x"), (2, None)]
    e.dispose()


HOSTILE = [
    'CREATE TABLE t ("a""b" INTEGER, `c``d` TEXT, [e f] BLOB, \'g\' REAL)',
    "CREATE TABLE t (a INTEGER /* inline */ NOT NULL -- why\n DEFAULT 1, b TEXT)",
    "CREATE TABLE t (a INT CHECK (a > (1 + (2 * 3))) CHECK (a <> ')'), b TEXT DEFAULT '(')",
    "CREATE TABLE t (a INT DEFAULT -1, b REAL DEFAULT +2.5, c BLOB DEFAULT x'0A0b', "
    "d TEXT DEFAULT CURRENT_TIMESTAMP, e DEFAULT NULL, f DEFAULT (abs(-3)))",
    "CREATE TABLE t (a TEXT COLLATE NOCASE UNIQUE ON CONFLICT REPLACE, b TEXT COLLATE RTRIM)",
    "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, c AS (a || 'x') VIRTUAL)",
    'CREATE TABLE t (a INT CONSTRAINT nn NOT NULL CONSTRAINT "u q" UNIQUE '
    "CONSTRAINT ck CHECK (a > 0) CONSTRAINT fk REFERENCES p (id) ON DELETE CASCADE)",
    "CREATE TABLE t (a INT PRIMARY KEY DESC ON CONFLICT FAIL, b INT NULL)",
    "CREATE TABLE t (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b DESC) ON CONFLICT ROLLBACK)",
    "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a) UNIQUE (b))",
    "CREATE TABLE t (k TEXT PRIMARY KEY, v INT) STRICT, WITHOUT ROWID",
    'CREATE TABLE t ("select" INT, "from" TEXT, key TEXT, "Mixed Case" INT, value INT)',
]


@pytest.mark.parametrize("create", HOSTILE)
def test_hostile_definitions_survive_a_rebuild(db: sa.Engine, create: str) -> None:
    setup(
        db,
        "CREATE TABLE p (id INTEGER PRIMARY KEY)",
        "INSERT INTO p VALUES (1), (2)",
        create,
    )
    with db.connect() as c:
        cols = [r[1] for r in c.exec_driver_sql("PRAGMA table_xinfo(t)") if r[6] == 0]
        for first in ("1", "10"):
            values = ", ".join(first if i == 0 else "2" for i in range(len(cols)))
            c.exec_driver_sql(
                f"INSERT OR IGNORE INTO t ({', '.join(quote(x) for x in cols)}) VALUES ({values})"
            )
        c.commit()

    def shape() -> dict[str, list[Row]]:
        with db.connect() as c:
            return {
                p: [tuple(r) for r in c.exec_driver_sql(f"PRAGMA {p}(t)")]
                for p in ("table_xinfo", "foreign_key_list")
            } | {
                "indexes": [
                    tuple(r)[1:]
                    for r in c.exec_driver_sql(
                        'SELECT il."unique", il.origin, il.partial, ii.seqno, ii.name '
                        "FROM pragma_index_list('t') il, pragma_index_info(il.name) ii "
                        "ORDER BY il.origin, ii.name, ii.seqno"
                    )
                ]
            }

    old_shape, old_data = shape(), everything(db)
    old_sql = table_sql(db, "t")
    rebuild(db, "t", AddColumnOp(T("t"), sa.Column("zz_added", sa.Integer)))
    new_shape, new_data = shape(), everything(db)
    assert new_shape["table_xinfo"][:-1] == old_shape["table_xinfo"]
    assert new_shape["foreign_key_list"] == old_shape["foreign_key_list"]
    assert new_shape["indexes"] == old_shape["indexes"]
    assert old_data[1]["t"], "the table has a row"
    assert [r[:-1] for r in new_data[1]["t"]] == old_data[1]["t"]
    new_sql = table_sql(db, "t")
    for item in parse_create_table(old_sql).columns:
        assert item.render() in new_sql
    for k in parse_create_table(old_sql).constraints:
        assert k.text in new_sql


@pytest.mark.parametrize("schema", [None, "other_schema"])
def test_the_schema_read_costs_the_same_whatever_the_number_of_tables(
    db: sa.Engine, tmp_path: Path, schema: str | None
) -> None:
    """The foreign keys of the whole database (those of the table and those that refer to
    it) come in one statement, not one ``PRAGMA foreign_key_list`` per table: a rebuild in
    a database of 40 tables reads what it reads in a database of 2."""
    other = tmp_path / "other.db"

    @sa.event.listens_for(db, "connect")
    def _attach(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"ATTACH DATABASE '{other}' AS other_schema")

    q = f"{schema}." if schema else ""
    setup(
        db,
        f"CREATE TABLE {q}t (id INTEGER PRIMARY KEY, a TEXT)",
        f"CREATE TABLE {q}kid (tid INTEGER REFERENCES t(id) ON DELETE CASCADE, "
        "FOREIGN KEY (tid) REFERENCES kid2(x))",
        f"CREATE TABLE {q}kid2 (x INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t(id))",
        f"CREATE TABLE {q}kid3 (y INTEGER REFERENCES t(id))",
        f"INSERT INTO {q}t VALUES (1, 'a'), (2, 'b')",
    )

    def read() -> tuple[list[str], Any]:
        statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
            statements.append(statement)

        with db.connect() as c:
            sa.event.listen(c, "before_cursor_execute", record)
            schema_read = read_sqlite_schema(c, "t", schema=schema)
            sa.event.remove(c, "before_cursor_execute", record)
        return statements, schema_read

    few, small = read()
    setup(db, *[f"CREATE TABLE {q}filler_{i} (id INTEGER PRIMARY KEY)" for i in range(38)])
    many, large = read()
    assert len(many) == len(few) <= 5, many
    assert large.child_foreign_keys == small.child_foreign_keys
    assert sorted((fk.table, fk.from_column, fk.on_delete) for fk in small.child_foreign_keys) == [
        ("kid", "tid", "CASCADE"),
        ("kid2", "t_id", "NO ACTION"),
        ("kid3", "y", "NO ACTION"),
    ]
    assert small.foreign_keys == ()
    with db.connect() as c:
        kid = read_sqlite_schema(c, "kid", schema=schema)
    assert [(fk.parent, fk.from_column, fk.to_column) for fk in kid.foreign_keys] == [
        ("kid2", "tid", "x"),
        ("t", "tid", "id"),
    ]
