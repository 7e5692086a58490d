"""Helpers shared by the Galera tests (imported as ``galera_support``: this folder is on
sys.path under pytest's default import mode, with or without ``python -m``)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa


@dataclass
class Cluster:
    """The running cluster: one URL and one engine per node (node 1 first)."""

    urls: list[str]
    engines: list[sa.Engine] = field(default_factory=list)
    started_in: float | None = None

    def __post_init__(self) -> None:
        self.engines = [sa.create_engine(u, pool_pre_ping=True) for u in self.urls]

    @property
    def database(self) -> str:
        name = self.engines[0].url.database
        assert name, "the Galera URLs must name a database"
        return name

    @contextlib.contextmanager
    def reader(self, node: int) -> Iterator[sa.Connection]:
        """A connection to ``node`` (1-based) whose reads see the whole cluster's commits."""
        with self.engines[node - 1].connect() as conn:
            conn.exec_driver_sql("SET SESSION wsrep_sync_wait = 15")
            try:
                yield conn
            finally:
                conn.rollback()
                conn.exec_driver_sql("SET SESSION wsrep_sync_wait = DEFAULT")

    def states(self) -> list[str]:
        out = []
        for engine in self.engines:
            with engine.connect() as conn:
                row = conn.exec_driver_sql("SHOW STATUS LIKE 'wsrep_local_state_comment'").first()
                out.append(str(row[1]) if row else "")
        return out

    def wait_synced(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        states = self.states()
        while any(s != "Synced" for s in states):
            if time.monotonic() > deadline:
                raise RuntimeError(f"Galera nodes not Synced after {timeout}s: {states}")
            time.sleep(0.1)
            states = self.states()

    def reset(self) -> None:
        """Drop and re-create the test database (TOI: on every node)."""
        quote = self.engines[0].dialect.identifier_preparer.quote_identifier
        with self.engines[0].connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {quote(self.database)}")
            conn.exec_driver_sql(f"CREATE DATABASE {quote(self.database)} CHARACTER SET utf8mb4")
        for engine in self.engines:
            engine.dispose()  # pooled connections were USE-ing the dropped database

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()


def schema_of(conn: sa.Connection, table: str) -> dict[str, Any]:
    insp = sa.inspect(conn)
    return {
        "columns": [
            (c["name"], str(c["type"].compile(conn.dialect)), c["nullable"])
            for c in insp.get_columns(table)
        ],
        "pk": insp.get_pk_constraint(table)["constrained_columns"],
        "uniques": sorted(
            (u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table)
        ),
        "fks": sorted(
            (f["name"], tuple(f["constrained_columns"]), f["referred_table"])
            for f in insp.get_foreign_keys(table)
        ),
        "indexes": sorted(
            (i["name"], tuple(str(c) for c in i["column_names"]), bool(i["unique"]))
            for i in insp.get_indexes(table)
        ),
    }


def rows_of(conn: sa.Connection, table: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM `{table}` ORDER BY 1")]


def same_everywhere(galera: Cluster, table: str) -> dict[str, Any]:
    """Schema and rows of ``table`` on node 1; assert nodes 2 and 3 have the same."""
    seen = []
    for node in (1, 2, 3):
        with galera.reader(node) as conn:
            assert table in sa.inspect(conn).get_table_names(), f"{table} missing on node {node}"
            seen.append((schema_of(conn, table), rows_of(conn, table)))
    assert seen[1] == seen[0], "node 2 differs from node 1"
    assert seen[2] == seen[0], "node 3 differs from node 1"
    return {"schema": seen[0][0], "rows": seen[0][1]}


def make_users(galera: Cluster) -> tuple[sa.MetaData, sa.Table]:
    meta = sa.MetaData()
    users = sa.Table(
        "users",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(40), nullable=False),
    )
    meta.create_all(galera.engines[0])
    with galera.engines[0].begin() as conn:
        conn.execute(users.insert(), [{"id": i, "name": f"u{i}"} for i in (1, 2, 3)])
    meta.bind = galera.engines[0]  # type: ignore[attr-defined]
    return meta, users
