"""What an operation that reads the table first reads, and no more (issue #19 item 10).

PostgreSQL: a constraint operation reads the table's columns, keys, indexes and
constraints, not its comment or storage options (its plans never rebuild the table).
MySQL/MariaDB: a partial reflection takes the table's name as given, without listing the
database's tables first (``SHOW FULL TABLES``), and the query for foreign keys that
reference the table reads the current database in the same statement. SPEC §4 and §7
checks still hold: the identical constraint is a no-op, the same name with another
definition is our error before any change.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

import migrate.changeset  # noqa: F401  (installs the methods)
from migrate.changeset.constraint import (
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from migrate.exceptions import Error
from tests.support import columns, rows, schema_state

pytestmark = pytest.mark.backends("postgresql", "mysql")


def _tables(engine: sa.Engine) -> tuple[sa.Table, sa.Table]:
    meta = sa.MetaData()
    parent = sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        comment="the parents",
    )
    child = sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("parent_id", sa.Integer),
        sa.Column("label", sa.String(20)),
        comment="the children",
    )
    meta.create_all(engine)
    with engine.begin() as c:
        c.execute(parent.insert(), [{"id": 1}, {"id": 2}])
        c.execute(child.insert(), [{"id": 1, "parent_id": 1, "label": "a"}])
    return parent, child


def _fks(engine: sa.Engine) -> list[tuple[str, list[str]]]:
    return [
        (fk["name"], fk["constrained_columns"])
        for fk in sa.inspect(engine).get_foreign_keys("child")
    ]


@pytest.mark.backends("postgresql")
def test_postgresql_constraint_ops_skip_comment_and_options(
    engine: sa.Engine, capture: Any
) -> None:
    parent, child = _tables(engine)
    fk = ForeignKeyConstraint([child.c.parent_id], [parent.c.id], name="child_parent_fk")
    with capture(engine) as sql:
        fk.create(engine=engine)
    text = " ".join(sql)
    heads = [" ".join(s.split())[:100] for s in sql]
    # SQLAlchemy's table comment and table options queries
    comment = "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_description.description"
    table_options = "SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname, pg_catalog.pg_class.reloptions"
    assert not [h for h in heads if h.startswith((comment, table_options[:100]))], heads
    assert "pg_get_constraintdef" in text  # the table's constraints are read
    assert _fks(engine) == [("child_parent_fk", ["parent_id"])]
    # SPEC §4: the identical constraint again is a no-op, read from the constraints
    with capture(engine) as sql:
        ForeignKeyConstraint([child.c.parent_id], [parent.c.id], name="child_parent_fk").create(
            engine=engine
        )
    assert not [s for s in sql if s.lstrip().upper().startswith("ALTER")], sql
    assert _fks(engine) == [("child_parent_fk", ["parent_id"])]
    # the same name with another definition: our error, nothing changed
    before = schema_state(engine)
    with pytest.raises(Error, match="child_parent_fk"):
        UniqueConstraint(child.c.label, name="child_parent_fk").create(engine=engine)
    assert schema_state(engine) == before
    assert sa.inspect(engine).get_table_comment("child")["text"] == "the children"
    assert rows(engine, "child") == [(1, 1, "a")]


@pytest.mark.backends("mysql")
def test_mysql_partial_reflection_lists_no_tables(engine: sa.Engine, capture: Any) -> None:
    _parent, child = _tables(engine)
    with capture(engine) as sql:
        child.c.label.alter(type=sa.String(50), engine=engine)
    upper = [s.strip().upper() for s in sql]
    assert not [s for s in upper if s.startswith("SHOW FULL TABLES")], sql
    assert "SELECT DATABASE()" not in upper, sql
    assert [s for s in upper if s.startswith("SHOW CREATE TABLE")], sql  # the one read
    assert columns(engine, "child")["label"]["type"].length == 50
    assert rows(engine, "child") == [(1, 1, "a")]


@pytest.mark.backends("mysql")
def test_mysql_key_drop_under_a_foreign_key_reads_it(engine: sa.Engine, capture: Any) -> None:
    """The referencing foreign keys are found (the current database read in the same
    query): dropping the key they need is our error naming them, before any change."""
    parent, child = _tables(engine)
    ForeignKeyConstraint([child.c.parent_id], [parent.c.id], name="child_parent_fk").create(
        engine=engine
    )
    before = schema_state(engine)
    with capture(engine) as sql, pytest.raises(Error, match="child_parent_fk"):
        PrimaryKeyConstraint(parent.c.id, table=parent).drop(engine=engine)
    upper = [s.strip().upper() for s in sql]
    assert "SELECT DATABASE()" not in upper, sql
    assert [s for s in upper if "REFERENTIAL_CONSTRAINTS" in s], sql
    assert not [s for s in upper if s.startswith("ALTER")], sql
    assert schema_state(engine) == before
    assert rows(engine, "child") == [(1, 1, "a")]


@pytest.mark.backends("mysql")
def test_mysql_key_drop_under_a_foreign_key_of_another_database_reads_it(
    engine: sa.Engine, other_schema: str
) -> None:
    """The referencing foreign keys are read from every user database, not only the
    current one: a key that a table of another database needs is our error naming its
    foreign key, before any change."""
    parent, _child = _tables(engine)
    with engine.begin() as c:
        here = c.exec_driver_sql("SELECT DATABASE()").scalar()
        c.exec_driver_sql(
            f"CREATE TABLE `{other_schema}`.elsewhere (id INTEGER PRIMARY KEY, "
            "parent_id INTEGER, CONSTRAINT elsewhere_fk FOREIGN KEY (parent_id) "
            f"REFERENCES `{here}`.parent (id))"
        )
        c.exec_driver_sql(f"INSERT INTO `{other_schema}`.elsewhere VALUES (7, 2)")
    elsewhere = sa.Table("elsewhere", sa.MetaData(), autoload_with=engine, schema=other_schema)
    before = schema_state(engine)
    with pytest.raises(Error, match="elsewhere_fk"):
        PrimaryKeyConstraint(parent.c.id, table=parent).drop(engine=engine)
    assert schema_state(engine) == before
    assert sa.inspect(engine).get_pk_constraint("parent")["constrained_columns"] == ["id"]
    with engine.connect() as c:
        found = c.execute(sa.select(elsewhere.c.id, elsewhere.c.parent_id)).all()
    assert found == [(7, 2)]


@pytest.mark.backends("mysql")
def test_mysql_key_added_to_a_keyless_table_reads_no_referencing_keys(
    engine: sa.Engine, capture: Any
) -> None:
    """Only an existing primary key has foreign keys that depend on it: adding one to a
    table without a key does not run the (costly) information_schema query."""
    meta = sa.MetaData()
    t = sa.Table(
        "keyless",
        meta,
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("n", sa.Integer),
    )
    t.create(engine)
    with engine.begin() as c:
        c.execute(t.insert(), [{"code": "a", "n": 1}, {"code": "b", "n": 2}])
    with capture(engine) as sql:
        PrimaryKeyConstraint(t.c.code, table=t).create(engine=engine)
    upper = [s.strip().upper() for s in sql]
    assert not [s for s in upper if "REFERENTIAL_CONSTRAINTS" in s], sql
    assert sa.inspect(engine).get_pk_constraint("keyless")["constrained_columns"] == ["code"]
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT code, n FROM keyless ORDER BY code").all() == [
            ("a", 1),
            ("b", 2),
        ]
