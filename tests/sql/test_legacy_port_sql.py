"""SQL regressions found by porting sqlalchemy-migrate's own changeset tests (tests/compat)."""

from __future__ import annotations

import sqlalchemy as sa

from tests.sql.cases import assert_sql


def no_pk_table() -> sa.Table:
    return sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, unique=True))


def test_add_column_then_primary_key_on_it_is_not_auto_increment() -> None:
    """legacy TestAddDropColumn.test_pk: ``col.create(t, primary_key_name=...)`` on a table
    without a primary key. The column is not declared primary key, so ADD COLUMN must not
    render AUTO_INCREMENT/SERIAL (MySQL refused: "there can be only one auto column and it
    must be defined as a key")."""
    assert_sql(
        lambda: sa.Column("data", sa.Integer, nullable=False).create(
            no_pk_table(), primary_key_name="data_pkey"
        ),
        postgresql=[
            "ALTER TABLE t ADD COLUMN data INTEGER NOT NULL;",
            "ALTER TABLE t ADD CONSTRAINT data_pkey PRIMARY KEY (data);",
        ],
        mysql=[
            "ALTER TABLE t ADD COLUMN data INTEGER NOT NULL;",
            "ALTER TABLE t ADD CONSTRAINT data_pkey PRIMARY KEY (data);",
        ],
    )
