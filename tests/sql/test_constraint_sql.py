"""Constraints, index renames and column drops with dependencies: SQL per dialect."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql as mysql_dialect

import migrate  # noqa: F401  (installs the changeset methods)
from migrate.changeset import to_sql
from migrate.changeset.constraint import (
    CheckConstraint,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from tests.sql.cases import assert_sql


def mytable(schema: str | None = None) -> sa.Table:
    return sa.Table(
        "mytable",
        sa.MetaData(),
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("fkey", sa.Integer, nullable=False),
        schema=schema,
    )


def users() -> sa.Table:
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40)),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.Integer),
        sa.Index("ix_name_b", "name", "b"),
        sa.Index("ix_b", "b"),
        sa.UniqueConstraint("b", "c", name="uq_bc"),
    )


def test_primary_key_autonamed() -> None:
    assert_sql(
        lambda: PrimaryKeyConstraint("id", table=mytable()).create(),
        postgresql=["ALTER TABLE mytable ADD CONSTRAINT mytable_pkey PRIMARY KEY (id);"],
        mysql=["ALTER TABLE mytable ADD CONSTRAINT mytable_pkey PRIMARY KEY (id);"],
    )
    assert_sql(
        lambda: PrimaryKeyConstraint("id", "fkey", table=mytable()).drop(),
        postgresql=["ALTER TABLE mytable DROP CONSTRAINT mytable_pkey;"],
        mysql=["ALTER TABLE mytable DROP PRIMARY KEY;"],
    )


def test_unique_autonamed_and_named() -> None:
    assert_sql(
        lambda: UniqueConstraint("fkey", table=mytable()).create(),
        postgresql=["ALTER TABLE mytable ADD CONSTRAINT mytable_fkey_key UNIQUE (fkey);"],
        mysql=["ALTER TABLE mytable ADD CONSTRAINT mytable_fkey_key UNIQUE (fkey);"],
    )
    assert_sql(
        lambda: UniqueConstraint("fkey", table=mytable(), name="uq_x").drop(),
        postgresql=["ALTER TABLE mytable DROP CONSTRAINT uq_x;"],
        mysql=["ALTER TABLE mytable DROP INDEX uq_x;"],
    )


def test_foreign_key_with_actions() -> None:
    def create() -> None:
        t = mytable()
        ForeignKeyConstraint([t.c.fkey], [t.c.id], ondelete="CASCADE").create()

    expected = (
        "ALTER TABLE mytable ADD CONSTRAINT mytable_fkey_fkey FOREIGN KEY(fkey) "
        "REFERENCES mytable (id) ON DELETE CASCADE;"
    )
    assert_sql(create, postgresql=[expected], mysql=[expected])
    assert_sql(
        lambda: ForeignKeyConstraint(["fkey"], ["mytable.id"], table=mytable(), name="f").drop(),
        postgresql=["ALTER TABLE mytable DROP CONSTRAINT f;"],
        mysql=["ALTER TABLE mytable DROP FOREIGN KEY f;"],
    )


def test_drop_cascade() -> None:
    assert_sql(
        lambda: UniqueConstraint("id", table=mytable(), name="uq_id").drop(cascade=True),
        postgresql=["ALTER TABLE mytable DROP CONSTRAINT uq_id CASCADE;"],
        mysql=["ALTER TABLE mytable DROP INDEX uq_id;"],
    )


def test_check() -> None:
    assert_sql(
        lambda: CheckConstraint("id > 3", name="id_check", table=mytable()).create(),
        postgresql=["ALTER TABLE mytable ADD CONSTRAINT id_check CHECK (id > 3);"],
        mysql=["ALTER TABLE mytable ADD CONSTRAINT id_check CHECK (id > 3);"],
    )
    assert_sql(
        lambda: CheckConstraint("id > 3", columns=["id"], table=mytable()).drop(),
        postgresql=["ALTER TABLE mytable DROP CONSTRAINT mytable_id_check;"],
        mysql=["ALTER TABLE mytable DROP CHECK mytable_id_check;"],
        mariadb=["ALTER TABLE mytable DROP CONSTRAINT mytable_id_check;"],
    )


def test_schema_qualified_and_reserved_names() -> None:
    assert_sql(
        lambda: UniqueConstraint("id", table=mytable("s"), name="order").create(),
        postgresql=['ALTER TABLE s.mytable ADD CONSTRAINT "order" UNIQUE (id);'],
        mysql=["ALTER TABLE s.mytable ADD CONSTRAINT `order` UNIQUE (id);"],
    )


def test_rename_index() -> None:
    def rename() -> None:
        index = next(i for i in users().indexes if i.name == "ix_name_b")
        index.rename("ix_new")

    assert_sql(
        rename,
        sqlite=["DROP INDEX ix_name_b;", 'CREATE INDEX "ix_new" ON "users" (name, b);'],
        postgresql=["ALTER INDEX ix_name_b RENAME TO ix_new;"],
        mysql=["ALTER TABLE users RENAME INDEX ix_name_b TO ix_new;"],
    )


def test_rename_index_schema_qualified_on_postgresql() -> None:
    def rename() -> None:
        t = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer), schema="s")
        sa.Index("ix_a", t.c.a).rename("ix_b")

    assert_sql(rename, postgresql=["ALTER INDEX s.ix_a RENAME TO ix_b;"])


def test_rename_index_on_old_mysql_drops_and_creates() -> None:
    old = mysql_dialect.dialect()
    old.server_version_info = (5, 6, 40)
    with to_sql(old) as statements:
        index = next(i for i in users().indexes if i.name == "ix_name_b")
        index.rename("ix_new")
    assert statements == [
        "DROP INDEX ix_name_b ON users;",
        "CREATE INDEX ix_new ON users (name, b);",
    ]


def test_drop_column_with_dependencies() -> None:
    """PostgreSQL re-creates the shrunk index; MySQL drops the composite UNIQUE first."""
    assert_sql(
        lambda: users().c.b.drop(),
        postgresql=[
            "ALTER TABLE users DROP COLUMN b;",
            "CREATE INDEX ix_name_b ON users (name);",
        ],
        mysql=[
            "ALTER TABLE users DROP INDEX uq_bc;",
            "ALTER TABLE users DROP COLUMN b;",
        ],
    )


def test_drop_column_with_foreign_key_on_mysql_drops_it_first() -> None:
    def drop() -> None:
        meta = sa.MetaData()
        sa.Table("p", meta, sa.Column("id", sa.Integer, primary_key=True))
        child = sa.Table(
            "c",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("pid", sa.Integer, sa.ForeignKey("p.id", name="fk_pid")),
        )
        child.c.pid.drop()

    assert_sql(
        drop,
        postgresql=["ALTER TABLE c DROP COLUMN pid;"],
        mysql=["ALTER TABLE c DROP FOREIGN KEY fk_pid;", "ALTER TABLE c DROP COLUMN pid;"],
    )
