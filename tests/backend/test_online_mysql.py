"""Issue 7 on a real MariaDB/MySQL: ALGORITHM=/LOCK= on every operation, attributes kept."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table, rename_index
from migrate.changeset.constraint import UniqueConstraint
from tests.support import columns, schema_state

pytestmark = pytest.mark.backends("mysql")

Capture = Callable[[sa.Engine | sa.Connection], AbstractContextManager[list[str]]]


def _filled(engine: sa.Engine, schema: str | None = None) -> sa.Table:
    meta = sa.MetaData()
    t = sa.Table(
        "items",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
        sa.Column("qty", sa.Integer),
        schema=schema,
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "name": f"n{i}", "qty": i} for i in (1, 2, 3)])
    return t


def _rows(engine: sa.Engine, table: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1")]


def _alters(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(("ALTER", "CREATE", "DROP"))]


def test_instant_the_server_cannot_do_is_refused_and_changes_nothing(
    engine: sa.Engine, capture: Capture
) -> None:
    t = _filled(engine)
    before = schema_state(engine)
    with capture(engine) as sql, pytest.raises(sa.exc.DBAPIError) as err:
        t.c.name.alter(type=sa.Integer, engine=engine, mysql_algorithm="INSTANT")
    assert "ALGORITHM=INSTANT" in _alters(sql)[0]
    assert "ALGORITHM" in str(err.value.orig)  # the server's own refusal
    assert schema_state(engine) == before
    assert _rows(engine, "items") == [(1, "n1", 1), (2, "n2", 2), (3, "n3", 3)]
    assert isinstance(t.c.name.type, sa.String)  # the Table object did not change either


def test_lock_none_the_server_cannot_do_is_refused(engine: sa.Engine) -> None:
    t = _filled(engine)
    before = schema_state(engine)
    with pytest.raises(sa.exc.DBAPIError, match="LOCK=NONE"):
        # a type change that copies the table cannot allow concurrent writes
        t.c.qty.alter(type=sa.String(5), engine=engine, mysql_lock="NONE")
    assert schema_state(engine) == before


@pytest.mark.parametrize("schema", [None, "other_schema"])
def test_every_operation_takes_algorithm_and_lock(
    engine: sa.Engine, capture: Capture, schema: str | None
) -> None:
    t = _filled(engine, schema)
    q = f"{schema}.items" if schema else "items"
    with capture(engine) as sql:
        sa.Column("extra", sa.Integer).create(t, engine=engine, mysql_algorithm="INSTANT")
        t.c.name.alter(name="label", engine=engine, mysql_algorithm="INPLACE", mysql_lock="NONE")
        UniqueConstraint("qty", table=t, name="uq_qty").create(
            engine=engine, mysql_algorithm="INPLACE", mysql_lock="NONE"
        )
        rename_index("uq_qty", "uq_qty2", table=t, engine=engine, mysql_lock="NONE")
        with alter_table(t, engine=engine, mysql_algorithm="INPLACE", mysql_lock="NONE") as b:
            b.create_index("ix_label", "label")
        t.c.extra.drop(engine=engine, mysql_algorithm="INPLACE", mysql_lock="NONE")
        t.rename("things", engine=engine, mysql_algorithm="INSTANT")
    alters = _alters(sql)
    assert len(alters) == 7, alters
    assert all("ALGORITHM=" in s or "LOCK=" in s for s in alters), alters
    table = "things"
    cols = columns(engine, table, schema)
    assert list(cols) == ["id", "label", "qty"]
    insp = sa.inspect(engine)
    assert {i["name"] for i in insp.get_indexes(table, schema)} >= {"ix_label", "uq_qty2"}
    assert _rows(engine, q.replace("items", table)) == [(1, "n1", 1), (2, "n2", 2), (3, "n3", 3)]


def test_columns_keep_every_attribute_through_a_batch_with_algorithm(engine: sa.Engine) -> None:
    """One column with charset, collation, default, comment; one with ON UPDATE; one
    AUTO_INCREMENT with a comment; one generated: each kept after an unrelated change."""
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE keep (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT 'key', "
            "a VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_german1_ci NOT NULL "
            "DEFAULT 'x' COMMENT 'hello', "
            "ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP "
            "COMMENT 'stamp', "
            "g INT GENERATED ALWAYS AS (id * 2) VIRTUAL COMMENT 'gen', "
            "other INT)"
        )
        conn.exec_driver_sql("INSERT INTO keep (a, other) VALUES ('one', 1)")

    def facts() -> dict[str, tuple[Any, ...]]:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT column_name, column_type, is_nullable, column_default, extra, "
                    "character_set_name, collation_name, column_comment, "
                    "generation_expression FROM information_schema.columns "
                    "WHERE table_schema = DATABASE() AND table_name = 'keep'"
                )
            )
            return {r[0]: tuple(r[1:]) for r in found}

    before = facts()
    t = sa.Table("keep", sa.MetaData(), autoload_with=engine)
    # a type change needs a table copy on MariaDB: INPLACE would be refused
    with alter_table(t, engine=engine, mysql_algorithm="COPY") as b:
        b.rename_column("other", "renamed")
        b.alter_column("renamed", type=sa.BigInteger)
    after = facts()
    assert {k: v for k, v in after.items() if k != "renamed"} == {
        k: v for k, v in before.items() if k != "other"
    }
    assert after["renamed"][0].startswith("bigint")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO keep (a, renamed) VALUES ('two', 2)")
        got = conn.exec_driver_sql("SELECT id, a, g, renamed FROM keep ORDER BY id").fetchall()
    assert [tuple(r) for r in got] == [(1, "one", 2, 1), (2, "two", 4, 2)]
