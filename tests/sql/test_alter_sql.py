"""ALTER COLUMN SQL per dialect, side by side (offline, from the Table object alone)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from tests.sql.cases import assert_sql


def t() -> sa.Table:
    return sa.Table(
        "t",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("data", sa.String(40), server_default="x"),
        sa.Column("n", sa.String(10)),
        sa.Column("user", sa.Integer),
    )


def test_rename() -> None:
    assert_sql(
        lambda: t().c.data.alter(name="body"),
        postgresql=["ALTER TABLE t RENAME COLUMN data TO body;"],
        mysql=["ALTER TABLE t CHANGE COLUMN data body VARCHAR(40) DEFAULT 'x';"],
        sqlite=["ALTER TABLE t RENAME COLUMN data TO body;"],
    )


def test_reserved_words_are_quoted() -> None:
    assert_sql(
        lambda: t().c.user.alter(name="order"),
        postgresql=['ALTER TABLE t RENAME COLUMN "user" TO "order";'],
        mysql=["ALTER TABLE t CHANGE COLUMN user `order` INTEGER;"],
        sqlite=['ALTER TABLE t RENAME COLUMN user TO "order";'],
    )


def test_three_attributes_and_rename() -> None:
    assert_sql(
        lambda: t().c.data.alter(
            name="body", type=sa.String(50), nullable=False, server_default="y"
        ),
        postgresql=[
            "ALTER TABLE t ALTER COLUMN data TYPE VARCHAR(50), "
            "ALTER COLUMN data SET NOT NULL, ALTER COLUMN data SET DEFAULT 'y';",
            "ALTER TABLE t RENAME COLUMN data TO body;",
        ],
        mysql=["ALTER TABLE t CHANGE COLUMN data body VARCHAR(50) NOT NULL DEFAULT 'y';"],
    )


def test_type_across_families_casts_and_keeps_default() -> None:
    assert_sql(
        lambda: t().c.data.alter(type=sa.Integer),
        postgresql=[
            "ALTER TABLE t ALTER COLUMN data DROP DEFAULT, "
            "ALTER COLUMN data TYPE INTEGER USING data::INTEGER, "
            "ALTER COLUMN data SET DEFAULT ('x')::INTEGER;"
        ],
        mysql=["ALTER TABLE t CHANGE COLUMN data data INTEGER DEFAULT 'x';"],
    )


def test_type_within_family_needs_no_cast() -> None:
    assert_sql(
        lambda: t().c.n.alter(type=sa.Text),
        postgresql=["ALTER TABLE t ALTER COLUMN n TYPE TEXT;"],
        mysql=["ALTER TABLE t CHANGE COLUMN n n TEXT;"],
    )


class _Wrapped(sa.types.TypeDecorator[object]):
    """One TypeDecorator class, whose instances wrap different types (and so fall in
    different type families)."""

    impl = sa.String
    cache_ok = True

    def __init__(self, wrapped: sa.types.TypeEngine[object]) -> None:
        super().__init__()
        self.impl = wrapped


def test_type_family_of_a_type_decorator_is_its_instances_impl() -> None:
    # the family is computed once per type class, except where SQLAlchemy's affinity
    # depends on the instance: a TypeDecorator's is its impl's
    def alter_n(wrapped: sa.types.TypeEngine[object]) -> None:
        table = t()
        table.c.n.alter(type=_Wrapped(wrapped))

    assert_sql(
        lambda: alter_n(sa.Text()),
        postgresql=["ALTER TABLE t ALTER COLUMN n TYPE TEXT;"],
    )
    assert_sql(
        lambda: alter_n(sa.Integer()),
        postgresql=["ALTER TABLE t ALTER COLUMN n TYPE INTEGER USING n::INTEGER;"],
    )
    assert_sql(
        lambda: alter_n(sa.String(20)),
        postgresql=["ALTER TABLE t ALTER COLUMN n TYPE VARCHAR(20);"],
    )


def test_explicit_using() -> None:
    assert_sql(
        lambda: t().c.n.alter(type=sa.Integer, postgresql_using="length(n)"),
        postgresql=["ALTER TABLE t ALTER COLUMN n TYPE INTEGER USING length(n);"],
    )


def test_drop_server_default_and_nullable() -> None:
    assert_sql(
        lambda: t().c.data.alter(server_default=None, nullable=False),
        postgresql=[
            "ALTER TABLE t ALTER COLUMN data SET NOT NULL, ALTER COLUMN data DROP DEFAULT;"
        ],
        mysql=["ALTER TABLE t CHANGE COLUMN data data VARCHAR(40) NOT NULL;"],
    )


def test_noop_alter_emits_nothing() -> None:
    assert_sql(
        lambda: t().c.data.alter(type=sa.String(40), nullable=True),
        postgresql=[],
        mysql=[],
        sqlite=[],
    )


def test_primary_key() -> None:
    assert_sql(
        lambda: t().c.n.alter(primary_key=True),
        postgresql=[
            "ALTER TABLE t DROP CONSTRAINT t_pkey;",
            "ALTER TABLE t ADD PRIMARY KEY (id, n);",
        ],
        # one statement: an AUTO_INCREMENT column must stay a key in between
        mysql=["ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, n);"],
    )


def test_mysql_string_type_keeps_charset_and_collation() -> None:
    def alter() -> None:
        table = sa.Table(
            "t",
            sa.MetaData(),
            sa.Column("s", mysql.VARCHAR(20, charset="latin1", collation="latin1_german1_ci")),
        )
        table.c.s.alter(type=sa.String(30))

    assert_sql(
        alter,
        mysql=[
            "ALTER TABLE t CHANGE COLUMN s s VARCHAR(30) CHARACTER SET latin1 "
            "COLLATE latin1_german1_ci;"
        ],
    )
