"""Turning AUTO_INCREMENT on keeps a row whose key is 0: MariaDB scopes
``NO_AUTO_VALUE_ON_ZERO`` to the statement (``SET STATEMENT ... FOR``); MySQL has no such
form and sets the session's mode around the statement, then restores it."""

from __future__ import annotations

import sqlalchemy as sa

from migrate.changeset import alter_table
from tests.sql.cases import assert_sql


def table() -> sa.Table:
    return sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("data", sa.String(10)),
    )


def test_auto_increment_on_keeps_a_zero_key() -> None:
    def batch() -> None:
        with alter_table(table()) as t:
            t.alter_column("id", autoincrement=True)

    alter = "ALTER TABLE t CHANGE COLUMN id id INTEGER NOT NULL AUTO_INCREMENT;"
    assert_sql(
        batch,
        mariadb=[
            "SET STATEMENT sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO') FOR " + alter
        ],
        mysql=[
            "SET @migrate_sql_mode = @@sql_mode;",
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_AUTO_VALUE_ON_ZERO');",
            alter,
            "SET SESSION sql_mode = @migrate_sql_mode;",
        ],
    )


def test_auto_increment_off_is_a_plain_change() -> None:
    def batch() -> None:
        t = table()
        t.c.id.autoincrement = True
        with alter_table(t) as b:
            b.alter_column("id", autoincrement=False)

    assert_sql(batch, mariadb=["ALTER TABLE t CHANGE COLUMN id id INTEGER NOT NULL;"])
