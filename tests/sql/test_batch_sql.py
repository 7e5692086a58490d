"""Batch SQL per dialect: clauses merged into one ALTER TABLE where the database allows."""

from __future__ import annotations

import sqlalchemy as sa

from migrate.changeset import alter_table
from tests.sql.cases import assert_sql


def users() -> sa.Table:
    return sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40)),
        sa.Column("age", sa.Integer),
    )


def test_add_and_drop_columns_merge() -> None:
    def batch() -> None:
        with alter_table(users()) as t:
            t.add_column(sa.Column("a", sa.Integer))
            t.drop_column("age")

    assert_sql(
        batch,
        postgresql=["ALTER TABLE users ADD COLUMN a INTEGER, DROP COLUMN age;"],
        mysql=["ALTER TABLE users ADD COLUMN a INTEGER, DROP COLUMN age;"],
        sqlite=["ALTER TABLE users ADD COLUMN a INTEGER;", "ALTER TABLE users DROP COLUMN age;"],
    )


def test_clause_on_a_column_added_in_the_same_run_starts_a_new_statement() -> None:
    def batch() -> None:
        with alter_table(users()) as t:
            t.add_column(sa.Column("score", sa.Integer, nullable=False, default=0))
            t.drop_column("age")

    assert_sql(
        batch,
        postgresql=[
            "ALTER TABLE users ADD COLUMN score INTEGER DEFAULT 0 NOT NULL;",
            "ALTER TABLE users ALTER COLUMN score DROP DEFAULT, DROP COLUMN age;",
        ],
    )
