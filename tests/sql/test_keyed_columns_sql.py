"""Columns whose ``key=`` differs from their name (``sa.Column("Name", ..., key="name_key")``).

The planners look columns up by name (the database's), never by a Table's ``.c`` key:
every operation on such a column renders the column's name, on every dialect.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from migrate.changeset import alter_table, to_sql
from tests.sql.cases import assert_sql


def t() -> sa.Table:
    table = sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("Name", sa.String(20), key="name_key"),
        sa.Column("Other", sa.Integer, key="other_key"),
    )
    sa.Index("ix_comp", table.c.name_key, table.c.other_key)
    return table


def test_alter_type_and_nullable() -> None:
    assert_sql(
        lambda: t().c.name_key.alter(type=sa.String(40), nullable=False),
        mysql=["ALTER TABLE t CHANGE COLUMN `Name` `Name` VARCHAR(40) NOT NULL;"],
        mariadb=["ALTER TABLE t CHANGE COLUMN `Name` `Name` VARCHAR(40) NOT NULL;"],
        postgresql=[
            'ALTER TABLE t ALTER COLUMN "Name" TYPE VARCHAR(40), ALTER COLUMN "Name" SET NOT NULL;'
        ],
    )


def test_rename() -> None:
    assert_sql(
        lambda: t().c.name_key.alter(name="label"),
        mysql=["ALTER TABLE t CHANGE COLUMN `Name` label VARCHAR(20);"],
        postgresql=['ALTER TABLE t RENAME COLUMN "Name" TO label;'],
        sqlite=['ALTER TABLE t RENAME COLUMN "Name" TO label;'],
    )


def test_batch_alter_then_rename() -> None:
    def batch() -> None:
        with alter_table(t()) as b:
            b.alter_column("Other", type=sa.BigInteger)
            b.alter_column("Name", nullable=False)
            b.rename_column("Name", "label")

    assert_sql(
        batch,
        mysql=[
            "ALTER TABLE t CHANGE COLUMN `Other` `Other` BIGINT, "
            "CHANGE COLUMN `Name` label VARCHAR(20) NOT NULL;",
        ],
        postgresql=[
            'ALTER TABLE t ALTER COLUMN "Other" TYPE BIGINT, ALTER COLUMN "Name" SET NOT NULL;',
            'ALTER TABLE t RENAME COLUMN "Name" TO label;',
        ],
    )


def test_add_to_primary_key() -> None:
    assert_sql(
        lambda: t().c.other_key.alter(primary_key=True),
        mysql=["ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, `Other`);"],
        postgresql=[
            "ALTER TABLE t DROP CONSTRAINT t_pkey;",
            'ALTER TABLE t ADD PRIMARY KEY (id, "Other");',
        ],
    )


def test_drop_column_of_a_composite_index() -> None:
    assert_sql(
        lambda: t().c.other_key.drop(),
        postgresql=['ALTER TABLE t DROP COLUMN "Other";', 'CREATE INDEX ix_comp ON t ("Name");'],
        mysql=["ALTER TABLE t DROP COLUMN `Other`;"],
    )


def test_batch_unique_and_self_foreign_key_by_name() -> None:
    def batch() -> None:
        with alter_table(t()) as b:
            b.add_constraint(sa.UniqueConstraint("Name", name="uq_name"))
            b.add_constraint(sa.ForeignKeyConstraint(["Other"], ["t.id"], name="fk_other"))

    assert_sql(
        batch,
        mysql=[
            "ALTER TABLE t ADD CONSTRAINT uq_name UNIQUE (`Name`);",
            "ALTER TABLE t ADD CONSTRAINT fk_other FOREIGN KEY(`Other`) REFERENCES t (id);",
        ],
        postgresql=[
            'ALTER TABLE t ADD CONSTRAINT uq_name UNIQUE ("Name");',
            'ALTER TABLE t ADD CONSTRAINT fk_other FOREIGN KEY("Other") REFERENCES t (id);',
        ],
    )


def test_added_keyed_column_filled_from_a_sql_default() -> None:
    def add() -> None:
        col = sa.Column("Flag", sa.Integer, key="flag_key", default=sa.text("7"), nullable=False)
        col.create(t())

    assert_sql(
        add,
        mysql=[
            "ALTER TABLE t ADD COLUMN `Flag` INTEGER;",
            "UPDATE t SET `Flag`=7;",
            "ALTER TABLE t CHANGE COLUMN `Flag` `Flag` INTEGER NOT NULL;",
        ],
        postgresql=[
            'ALTER TABLE t ADD COLUMN "Flag" INTEGER;',
            'UPDATE t SET "Flag"=7;',
            'ALTER TABLE t ALTER COLUMN "Flag" SET NOT NULL;',
        ],
    )


def test_foreign_key_to_a_keyed_column_names_the_column() -> None:
    def batch() -> None:
        meta = sa.MetaData()
        parent = sa.Table("p", meta, sa.Column("ID", sa.Integer, primary_key=True, key="pid"))
        child = sa.Table(
            "c",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("Ref", sa.Integer, key="ref_key"),
        )
        with alter_table(child) as b:
            b.add_constraint(sa.ForeignKeyConstraint(["Ref"], [parent.c.pid], name="fk_ref"))

    assert_sql(
        batch,
        mysql=["ALTER TABLE c ADD CONSTRAINT fk_ref FOREIGN KEY(`Ref`) REFERENCES p (`ID`);"],
        postgresql=['ALTER TABLE c ADD CONSTRAINT fk_ref FOREIGN KEY("Ref") REFERENCES p ("ID");'],
    )


def test_mysql_drop_keyed_column_drops_its_foreign_key_first() -> None:
    def drop() -> None:
        meta = sa.MetaData()
        parent = sa.Table("p", meta, sa.Column("id", sa.Integer, primary_key=True))
        child = sa.Table(
            "c",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("Ref", sa.Integer, sa.ForeignKey(parent.c.id, name="fk_ref"), key="ref_key"),
        )
        child.c.ref_key.drop()

    assert_sql(
        drop,
        mysql=["ALTER TABLE c DROP FOREIGN KEY fk_ref;", "ALTER TABLE c DROP COLUMN `Ref`;"],
    )


def test_mysql_without_rename_index_recreates_it_on_the_named_columns() -> None:
    dialect = mysql.dialect()
    dialect.server_version_info = (5, 6, 40)
    table = t()
    index = next(i for i in table.indexes if i.name == "ix_comp")
    with to_sql(dialect) as statements:
        index.rename("ix_both")
    assert statements == [
        "DROP INDEX ix_comp ON t;",
        "CREATE INDEX ix_both ON t (`Name`, `Other`);",
    ]
