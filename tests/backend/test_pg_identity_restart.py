"""PostgreSQL ``alter(autoincrement=True)``: the identity continues after existing rows.

The restart (``setval(pg_get_serial_sequence(...), max + 1)``) renders offline too; the
rendered SQL, run on the database, leaves the same schema and data as the online path.
Mixed-case and quoted names check the table name inside ``pg_get_serial_sequence``'s
text argument.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import to_sql

pytestmark = pytest.mark.backends("postgresql")

NAMES = [("plain", None), ("Mixed It's", "other_schema")]


def make_table(engine: sa.Engine, name: str, schema: str | None) -> sa.Table:
    meta = sa.MetaData()
    t = sa.Table(
        name,
        meta,
        sa.Column("Ident", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("data", sa.String(10)),
        schema=schema,
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"Ident": i, "data": f"r{i}"} for i in (1, 2, 7)])
    return t


def check_identity_continues(engine: sa.Engine, caller: sa.Table) -> None:
    t = sa.Table(caller.name, sa.MetaData(), schema=caller.schema, autoload_with=engine)
    assert t.c.Ident.identity is not None
    with engine.begin() as conn:
        conn.execute(t.insert().values(data="new"))
        got = conn.execute(sa.select(t.c.Ident, t.c.data).order_by(t.c.Ident)).all()
    assert [tuple(r) for r in got] == [(1, "r1"), (2, "r2"), (7, "r7"), (8, "new")]


@pytest.mark.parametrize(("name", "schema"), NAMES)
def test_offline_sql_runs(engine: sa.Engine, name: str, schema: str | None) -> None:
    t = make_table(engine, name, schema)
    with to_sql(engine.dialect) as statements:
        t.c.Ident.alter(autoincrement=True)
    assert len(statements) == 2 and "pg_get_serial_sequence" in statements[1]
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    check_identity_continues(engine, t)


@pytest.mark.parametrize(("name", "schema"), NAMES)
def test_online(engine: sa.Engine, name: str, schema: str | None) -> None:
    t = make_table(engine, name, schema)
    t.c.Ident.alter(autoincrement=True, engine=engine)
    check_identity_continues(engine, t)
