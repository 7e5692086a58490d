"""Small helpers the tests share: what the database says, read fresh each time."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def column_names(engine: sa.Engine, table: str, schema: str | None = None) -> list[str]:
    return [c["name"] for c in sa.inspect(engine).get_columns(table, schema=schema)]


def columns(engine: sa.Engine, table: str, schema: str | None = None) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in sa.inspect(engine).get_columns(table, schema=schema)}


def table_names(engine: sa.Engine, schema: str | None = None) -> set[str]:
    return set(sa.inspect(engine).get_table_names(schema=schema))


def rows(engine: sa.Engine, table: str, order_by: str = "id") -> list[tuple[Any, ...]]:
    """All rows of ``table`` in ``order_by`` order, as plain tuples."""
    meta = sa.MetaData()
    t = sa.Table(table, meta, autoload_with=engine)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(t).order_by(t.c[order_by]))]


def index_names(engine: sa.Engine, table: str) -> set[str]:
    return {i["name"] for i in sa.inspect(engine).get_indexes(table) if i["name"]}


def schema_state(engine: sa.Engine) -> dict[str, Any]:
    """Everything reflection says about every table: compare before/after a failure."""
    insp = sa.inspect(engine)
    state: dict[str, Any] = {}
    for name in sorted(insp.get_table_names()):
        state[name] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in insp.get_columns(name)
            ],
            "pk": insp.get_pk_constraint(name)["constrained_columns"],
            "indexes": sorted(
                (i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(name)
            ),
            "fks": sorted(
                (fk["name"] or "", tuple(fk["constrained_columns"]), fk["referred_table"])
                for fk in insp.get_foreign_keys(name)
            ),
        }
    return state


def make_users(engine: sa.Engine, rows_: int = 3) -> sa.Table:
    """A ``users`` table with ``rows_`` rows, bound the legacy way (``meta.bind``)."""
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    users = sa.Table(
        "users",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(40), nullable=False),
    )
    meta.create_all(engine)
    if rows_:
        with engine.begin() as conn:
            conn.execute(users.insert(), [{"id": i, "name": f"u{i}"} for i in range(1, rows_ + 1)])
    return users
