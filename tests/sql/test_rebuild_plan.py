"""SQLite rebuild plans, without a database: the statements of SQLite's 12-step procedure."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from migrate.changeset.ops import (
    AddColumnOp,
    AddConstraintOp,
    AlterColumnOp,
    CreateIndexOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    RenameIndexOp,
    RenameTableOp,
    TableRef,
)
from migrate.changeset.rebuild import ForeignKeyRow, SqliteTableSchema, plan_rebuild
from migrate.exceptions import (
    DuplicateObjectError,
    InvalidOperationError,
    NoSuchColumnError,
    NoSuchObjectError,
    NotSupportedError,
)

USERS = SqliteTableSchema.from_sql(
    "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "
    "email TEXT, age INT CHECK (age >= 0), CONSTRAINT uq_email UNIQUE (email))",
    indexes=[
        "CREATE INDEX ix_users_name ON users (name, age)",
        "CREATE INDEX ix_users_age ON users (age) WHERE age > 0",
    ],
    triggers=[
        "CREATE TRIGGER tr_users AFTER DELETE ON users BEGIN "
        "DELETE FROM posts WHERE uid = OLD.id; END"
    ],
    views=["CREATE VIEW adults AS SELECT name FROM users WHERE age >= 18"],
    child_foreign_keys=[
        ForeignKeyRow("posts", 0, 0, "users", "uid", "id", "NO ACTION", "CASCADE", "NONE")
    ],
)
U = TableRef("users")


def test_a_representative_batch_is_one_rebuild_with_these_statements() -> None:
    plan = plan_rebuild(
        USERS,
        [
            AlterColumnOp(U, "name", name="full_name", type=sa.String(100)),
            AddColumnOp(U, sa.Column("active", sa.Boolean, nullable=False, default=True)),
            DropConstraintOp(U, "uq_email"),
            CreateIndexOp(U, "ix_users_full_name", ("full_name",), unique=True),
        ],
        temp_name="_tmp_users",
    )
    assert plan.statements == [
        'DROP VIEW "adults"',
        'CREATE TABLE "_tmp_users" (\n'
        "\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "\tname VARCHAR(100) NOT NULL,\n"
        "\temail TEXT,\n"
        "\tage INT CHECK (age >= 0),\n"
        '\t"active" BOOLEAN NOT NULL\n'
        ")",
        'INSERT INTO "_tmp_users" ("id", "name", "email", "age", "active") '
        'SELECT "id", "name", "email", "age", 1 FROM "users"',
        "DELETE FROM sqlite_sequence WHERE name = '_tmp_users'",
        "INSERT INTO sqlite_sequence (name, seq) SELECT '_tmp_users', seq "
        "FROM sqlite_sequence WHERE name = 'users'",
        'DROP TABLE "users"',
        'ALTER TABLE "_tmp_users" RENAME TO "users"',
        "CREATE INDEX ix_users_name ON users (name, age)",
        "CREATE INDEX ix_users_age ON users (age) WHERE age > 0",
        "CREATE TRIGGER tr_users AFTER DELETE ON users BEGIN "
        "DELETE FROM posts WHERE uid = OLD.id; END",
        "CREATE VIEW adults AS SELECT name FROM users WHERE age >= 18",
        'ALTER TABLE "users" RENAME COLUMN "name" TO "full_name"',
        'CREATE UNIQUE INDEX "ix_users_full_name" ON "users" (full_name)',
    ]
    assert plan.fk_check_tables == ["users", "posts"]
    assert plan.child_tables == ["posts"]
    assert plan.needs_foreign_keys_off is True
    assert plan.legacy_alter_table is True
    assert plan.copies == 1


def test_rowid_is_copied_when_no_integer_primary_key_aliases_it() -> None:
    s = SqliteTableSchema.from_sql("CREATE TABLE t (a TEXT, b INT)")
    plan = plan_rebuild(s, [DropColumnOp(TableRef("t"), "b")], temp_name="tmp")
    assert plan.statements == [
        'CREATE TABLE "tmp" (\n\ta TEXT\n)',
        'INSERT INTO "tmp" (rowid, "a") SELECT rowid, "a" FROM "t"',
        'DROP TABLE "t"',
        'ALTER TABLE "tmp" RENAME TO "t"',
    ]
    assert plan.fk_check_tables == [] and not plan.needs_foreign_keys_off


def test_rowid_alias_name_avoids_columns_called_rowid() -> None:
    s = SqliteTableSchema.from_sql("CREATE TABLE t (rowid TEXT, oid INT, b INT)")
    plan = plan_rebuild(s, [DropColumnOp(TableRef("t"), "b")], temp_name="tmp")
    assert plan.statements[1] == (
        'INSERT INTO "tmp" (_rowid_, "rowid", "oid") SELECT _rowid_, "rowid", "oid" FROM "t"'
    )


def test_without_rowid_and_generated_columns_are_not_copied() -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (k TEXT PRIMARY KEY, a INT, g INT AS (a * 2) STORED, x INT) WITHOUT ROWID"
    )
    plan = plan_rebuild(s, [DropColumnOp(TableRef("t"), "x")], temp_name="tmp")
    assert plan.statements[:2] == [
        'CREATE TABLE "tmp" (\n\tk TEXT PRIMARY KEY,\n\ta INT,\n\tg INT AS (a * 2) STORED\n)'
        " WITHOUT ROWID",
        'INSERT INTO "tmp" ("k", "a") SELECT "k", "a" FROM "t"',
    ]


def test_temp_name_avoids_existing_names() -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (a INT, b INT)", object_names=["t", "_migrate_tmp_t"]
    )
    plan = plan_rebuild(s, [DropColumnOp(TableRef("t"), "b")])
    assert plan.temp_name == "_migrate_tmp1_t"


def test_swapped_names_go_through_parking_names() -> None:
    s = SqliteTableSchema.from_sql("CREATE TABLE t (a INT, b INT)")
    t = TableRef("t")
    plan = plan_rebuild(
        s,
        [
            AlterColumnOp(t, "a", name="tmp"),
            AlterColumnOp(t, "b", name="a"),
            AlterColumnOp(t, "tmp", name="b"),
            AlterColumnOp(t, "b", nullable=False),
        ],
        temp_name="x",
    )
    assert plan.statements[-4:] == [
        'ALTER TABLE "t" RENAME COLUMN "a" TO "_migrate_rename_0"',
        'ALTER TABLE "t" RENAME COLUMN "b" TO "_migrate_rename_1"',
        'ALTER TABLE "t" RENAME COLUMN "_migrate_rename_0" TO "b"',
        'ALTER TABLE "t" RENAME COLUMN "_migrate_rename_1" TO "a"',
    ]
    assert "a INT NOT NULL" in plan.statements[0]


def test_added_constraints_use_the_new_tables_column_names() -> None:
    s = SqliteTableSchema.from_sql("CREATE TABLE t (a INT, b INT)")
    t = TableRef("t")
    plan = plan_rebuild(
        s,
        [
            AlterColumnOp(t, "a", name="z"),
            AddConstraintOp(t, sa.UniqueConstraint("z", "b", name="uq")),
            AddConstraintOp(t, sa.CheckConstraint("z > b")),
            AddConstraintOp(
                t, sa.ForeignKeyConstraint(["z"], ["p.id"], ondelete="CASCADE", name="fk")
            ),
        ],
        temp_name="x",
    )
    assert plan.statements[0] == (
        'CREATE TABLE "x" (\n\ta INT,\n\tb INT,\n'
        '\tCONSTRAINT "uq" UNIQUE ("a", "b"),\n'
        '\tCHECK ("a" > b),\n'
        '\tCONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "p" ("id") ON DELETE CASCADE\n)'
    )
    assert plan.statements[-1] == 'ALTER TABLE "t" RENAME COLUMN "a" TO "z"'
    assert plan.needs_foreign_keys_off


def test_primary_key_change_is_a_real_primary_key() -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (id INTEGER CONSTRAINT pk PRIMARY KEY, b TEXT NOT NULL)"
    )
    t = TableRef("t")
    plan = plan_rebuild(s, [AlterColumnOp(t, "b", primary_key=True)], temp_name="x")
    assert plan.statements[0] == (
        'CREATE TABLE "x" (\n\tid INTEGER,\n\tb TEXT NOT NULL,\n'
        '\tCONSTRAINT "pk" PRIMARY KEY ("id", "b")\n)'
    )
    # the old INTEGER PRIMARY KEY no longer aliases the rowid: copy rowid explicitly
    assert plan.statements[1].startswith('INSERT INTO "x" (rowid, "id", "b")')


def test_server_default_nullable_and_autoincrement_changes() -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT DEFAULT 'x' NOT NULL, b INT)"
    )
    t = TableRef("t")
    plan = plan_rebuild(
        s,
        [
            AlterColumnOp(t, "a", server_default=None, nullable=True),
            AlterColumnOp(t, "b", server_default=sa.text("(1 + 1)"), nullable=False),
            AlterColumnOp(t, "id", autoincrement=True),
        ],
        temp_name="x",
    )
    assert plan.statements[0] == (
        'CREATE TABLE "x" (\n\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n\ta TEXT,\n'
        "\tb INT DEFAULT (1 + 1) NOT NULL\n)"
    )


def test_index_operations() -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (a INT, b INT)",
        indexes=["CREATE INDEX ix_a ON t (a)", "CREATE INDEX ix_b ON t (b)"],
    )
    t = TableRef("t")
    plan = plan_rebuild(
        s, [DropIndexOp(t, "ix_a"), RenameIndexOp(t, "ix_b", "ix_bb")], temp_name="x"
    )
    assert plan.statements[-1] == 'CREATE INDEX "ix_bb" ON "t" (b)'
    assert not any("ix_a" in st for st in plan.statements)


def test_legacy_unique_index_dropped_as_a_constraint() -> None:
    # sqlalchemy-migrate 0.13 created UniqueConstraint on SQLite as a unique index
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (a INT)", indexes=["CREATE UNIQUE INDEX uq_a ON t (a)"]
    )
    plan = plan_rebuild(s, [DropConstraintOp(TableRef("t"), "uq_a", kind="unique")])
    assert not any("uq_a" in st for st in plan.statements)


def test_unnamed_constraints_are_found_by_their_definition() -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (a INT UNIQUE, b INT REFERENCES p(id), UNIQUE (a, b), CHECK (a > b))"
    )
    t = TableRef("t")
    plan = plan_rebuild(
        s,
        [
            DropConstraintOp(t, None, "unique", constraint=sa.UniqueConstraint("a", "b")),
            DropConstraintOp(t, None, "unique", constraint=sa.UniqueConstraint("a")),
            DropConstraintOp(t, None, "check", constraint=sa.CheckConstraint("a > b")),
            DropConstraintOp(
                t, None, "foreign_key", constraint=sa.ForeignKeyConstraint(["b"], ["p.id"])
            ),
        ],
        temp_name="x",
    )
    assert plan.statements[0] == 'CREATE TABLE "x" (\n\ta INT,\n\tb INT\n)'


def test_identical_constraint_is_a_no_op_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    s = SqliteTableSchema.from_sql(
        'CREATE TABLE t (a INT UNIQUE, b INT, CONSTRAINT "ck" CHECK (b > 0), '
        "FOREIGN KEY (b) REFERENCES p (id) ON DELETE CASCADE)"
    )
    t = TableRef("t")
    with caplog.at_level(logging.INFO, logger="migrate.changeset"):
        plan = plan_rebuild(
            s,
            [
                AddConstraintOp(t, sa.UniqueConstraint("a")),
                AddConstraintOp(t, sa.CheckConstraint("b>0", name="ck")),
                AddConstraintOp(t, sa.CheckConstraint("B > 0")),
                AddConstraintOp(t, sa.ForeignKeyConstraint(["b"], ["p.id"], ondelete="CASCADE")),
            ],
        )
    assert plan.statements == [] and plan.copies == 0
    assert caplog.text.count("already has") == 4


def test_same_name_different_definition_is_an_error() -> None:
    s = SqliteTableSchema.from_sql("CREATE TABLE t (a INT, CONSTRAINT ck CHECK (a > 0))")
    with pytest.raises(DuplicateObjectError, match="ck"):
        plan_rebuild(s, [AddConstraintOp(TableRef("t"), sa.CheckConstraint("a > 1", name="ck"))])


@pytest.mark.parametrize(
    ("op", "error", "match"),
    [
        (DropColumnOp(TableRef("t"), "nope"), NoSuchColumnError, "no column 'nope'"),
        (AlterColumnOp(TableRef("t"), "nope", nullable=False), NoSuchColumnError, "nope"),
        (AlterColumnOp(TableRef("t"), "a", name="B"), DuplicateObjectError, "'B'"),
        (AddColumnOp(TableRef("t"), sa.Column("A", sa.Integer)), DuplicateObjectError, "'A'"),
        (DropIndexOp(TableRef("t"), "nope"), NoSuchObjectError, "no index 'nope'"),
        (DropIndexOp(TableRef("t"), "sqlite_autoindex_t_1"), NoSuchObjectError, "constraint"),
        (DropConstraintOp(TableRef("t"), "nope"), NoSuchObjectError, "nope"),
        (
            AddConstraintOp(TableRef("t"), sa.UniqueConstraint("zz")),
            NoSuchColumnError,
            "zz",
        ),
        (CreateIndexOp(TableRef("t"), "ix", ("zz",)), NoSuchColumnError, "zz"),
        (CreateIndexOp(TableRef("t"), "ix_a", ("b",)), DuplicateObjectError, "ix_a"),
        (RenameTableOp(TableRef("t"), "u"), NotSupportedError, "native"),
        (DropColumnOp(TableRef("t"), "a"), InvalidOperationError, "generated column 'g'"),
        (
            AddConstraintOp(TableRef("t"), sa.PrimaryKeyConstraint("b")),
            DuplicateObjectError,
            "primary key",
        ),
    ],
)
def test_bad_input_is_refused_before_any_statement(
    op: object, error: type[Exception], match: str
) -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (a INT PRIMARY KEY, b INT, g INT AS (a + 1))",
        indexes=["CREATE INDEX ix_a ON t (a)"],
    )
    with pytest.raises(error, match=match):
        plan_rebuild(s, [op])  # type: ignore[list-item]


def test_dropping_a_column_children_reference_is_refused() -> None:
    with pytest.raises(InvalidOperationError, match="posts"):
        plan_rebuild(USERS, [DropColumnOp(U, "id")])


def test_callable_python_default_is_evaluated_per_row() -> None:
    """The copy calls a function the runner registers: the callable once per row."""
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return 40 + len(calls)

    s = SqliteTableSchema.from_sql("CREATE TABLE t (a INT)")
    plan = plan_rebuild(
        s, [AddColumnOp(TableRef("t"), sa.Column("n", sa.Integer, default=make))], temp_name="x"
    )
    assert plan.statements[1] == (
        'INSERT INTO "x" (rowid, "a", "n") SELECT rowid, "a", _migrate_default_1() FROM "t"'
    )
    assert calls == []
    fn = plan.functions["_migrate_default_1"]
    assert [fn(), fn()] == [41, 42]


def test_populate_default_false_leaves_the_column_to_the_database() -> None:
    s = SqliteTableSchema.from_sql("CREATE TABLE t (a INT)")
    col = sa.Column("n", sa.Integer, default=3, server_default="5")
    plan = plan_rebuild(s, [AddColumnOp(TableRef("t"), col, populate_default=False)], "x")
    assert plan.statements == [
        'CREATE TABLE "x" (\n\ta INT,\n\t"n" INTEGER DEFAULT \'5\'\n)',
        'INSERT INTO "x" (rowid, "a") SELECT rowid, "a" FROM "t"',
        'DROP TABLE "t"',
        'ALTER TABLE "x" RENAME TO "t"',
    ]


def test_unique_index_counts_as_a_unique_constraint() -> None:
    s = SqliteTableSchema.from_sql(
        "CREATE TABLE t (a INT, b INT)",
        indexes=["CREATE UNIQUE INDEX uq_a ON t (a)", "CREATE INDEX ix_b ON t (b)"],
    )
    t = TableRef("t")
    assert plan_rebuild(s, [AddConstraintOp(t, sa.UniqueConstraint("a"))]).statements == []
    assert plan_rebuild(s, [AddConstraintOp(t, sa.UniqueConstraint("a", name="uq_a"))]).copies == 0
    with pytest.raises(DuplicateObjectError, match="uq_a"):
        plan_rebuild(s, [AddConstraintOp(t, sa.UniqueConstraint("b", name="uq_a"))])
    # a plain index is no constraint: SQLite keeps both names (issue #19 item 8)
    plan = plan_rebuild(s, [AddConstraintOp(t, sa.UniqueConstraint("b", name="ix_b"))])
    assert plan.copies == 1
    assert any(
        'CONSTRAINT "ix_b" UNIQUE' in x or "CONSTRAINT ix_b UNIQUE" in x for x in plan.statements
    )
    assert any("CREATE INDEX ix_b" in x for x in plan.statements)


def test_offline_rebuild_orders_same_named_indexes_by_their_text() -> None:
    """Two indexes of one name (a Table keeps them in a set): the offline SQL is the same
    every time, ordered by name and then by text (bench/differential.py seed 1163)."""
    from migrate.changeset import to_sql

    outputs = set()
    for _ in range(12):
        meta = sa.MetaData()
        t = sa.Table(
            "t",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("a", sa.Integer),
            sa.Column("b", sa.Integer),
            sa.Column("c", sa.Integer),
            sa.Index("ix_1", "b"),
            sa.Index("ix_1", "a"),
        )
        with to_sql("sqlite") as statements:
            t.c.c.alter(nullable=False)
        indexes = [s for s in statements if s.startswith("CREATE INDEX")]
        assert indexes == ["CREATE INDEX ix_1 ON t (a);", "CREATE INDEX ix_1 ON t (b);"]
        outputs.add(tuple(statements))
    assert len(outputs) == 1
