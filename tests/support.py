"""Small helpers the tests share: what the database says, read fresh each time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
import sqlparse


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


def split_statements(conn: sa.Connection, statement: str) -> list[str]:
    """The statements in one execute: several on PostgreSQL, where the library sends
    ``SAVEPOINT ...; ALTER ...; RELEASE ...`` as one string (without the ``;``)."""
    if ";" not in statement or conn.dialect.name != "postgresql":
        return [statement]
    return [part.strip().removesuffix(";") for part in sqlparse.split(statement)]


#: what ``capture`` records after an execute PostgreSQL refused in autocommit
REFUSED_IN_AUTOCOMMIT = "-- refused in autocommit: nothing of the execute above took effect"


def changes_undone(sql: list[str]) -> bool:
    """No change in ``sql`` (statements as ``capture`` records them) took effect: none
    was sent, or each was sent inside the library's savepoint and rolled back to it, or
    in one string the database refused in autocommit (on PostgreSQL, plain adds and
    renames are sent without reading first; the database refuses bad input, and nothing
    of the operation remains when the error is raised)."""
    upper = [s.strip().upper() for s in sql]
    sent = [i for i, s in enumerate(upper) if s.startswith(("ALTER", "CREATE", "DROP", "UPDATE"))]
    if not sent:
        return True
    undone = ("ROLLBACK TO SAVEPOINT MIGRATE_CHANGESET", REFUSED_IN_AUTOCOMMIT.upper())
    undo = [i for i, s in enumerate(upper) if s in undone]
    return bool(undo) and undo[-1] > sent[-1]


@contextmanager
def executes(bind: sa.Engine | sa.Connection) -> Iterator[list[str]]:
    """Every execute (one round trip) ``bind`` sends in the block, as sent (unsplit)."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *a: Any) -> None:
        sent.append(statement)

    sa.event.listen(bind, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(bind, "before_cursor_execute", record)
