"""Rolling schema upgrades (RSU): node by node, refusing incompatible changes up front."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from galera_support import Cluster, make_users, same_everywhere, schema_of

from migrate.changeset.galera import RollingSchemaChangeError, rolling_alter_table


def node_columns(galera: Cluster, node: int, table: str) -> list[str]:
    with galera.engines[node - 1].connect() as conn:
        return [c[0] for c in schema_of(conn, table)["columns"]]


def test_rolling_add_column_and_index(galera: Cluster) -> None:
    make_users(galera)
    with rolling_alter_table("users", galera.urls) as t:
        t.add_column(sa.Column("nick", sa.String(40)))
        t.add_column(sa.Column("score", sa.Integer, nullable=False, server_default="5"))
        t.create_index("ix_users_nick", "nick")
    got = same_everywhere(galera, "users")
    assert [c[0] for c in got["schema"]["columns"]] == ["id", "name", "nick", "score"]
    assert ("ix_users_nick", ("nick",), False) in got["schema"]["indexes"]
    assert got["rows"] == [(i, f"u{i}", None, 5) for i in (1, 2, 3)]
    assert galera.states() == ["Synced"] * 3
    for engine in galera.engines:  # back in TOI for ordinary sessions
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT @@wsrep_OSU_method").scalar() == "TOI"


def test_rsu_ddl_is_local_and_rows_replicate_meanwhile(galera: Cluster) -> None:
    """What RSU relies on: while only node 1 has the new column, rows written on either
    side replicate to the other (the column is last and nullable)."""
    make_users(galera)
    with galera.engines[0].connect() as conn:
        conn.exec_driver_sql("SET SESSION wsrep_OSU_method='RSU'")
        conn.exec_driver_sql("ALTER TABLE users ADD COLUMN nick VARCHAR(40)")
        conn.exec_driver_sql("SET SESSION wsrep_OSU_method='TOI'")
    galera.wait_synced()
    assert node_columns(galera, 1, "users") == ["id", "name", "nick"]
    assert node_columns(galera, 2, "users") == ["id", "name"]
    with galera.engines[1].begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (id, name) VALUES (10, 'from2')")
    with galera.engines[0].begin() as conn:
        conn.exec_driver_sql("INSERT INTO users (id, name) VALUES (11, 'from1')")
        # The documented hazard: a value written to the new column while other nodes
        # lack it exists only where the column was (applications must not use it yet).
        conn.exec_driver_sql("INSERT INTO users (id, name, nick) VALUES (12, 'early', 'n')")
    with galera.reader(1) as conn:
        assert conn.exec_driver_sql("SELECT nick FROM users WHERE id = 10").scalar() is None
    with galera.reader(2) as conn:
        assert conn.exec_driver_sql("SELECT name FROM users WHERE id = 11").scalar() == "from1"
        assert conn.exec_driver_sql("SELECT name FROM users WHERE id = 12").scalar() == "early"
    with galera.engines[0].begin() as conn:
        conn.exec_driver_sql("DELETE FROM users WHERE id = 12")
    # finish the rolling change on the other nodes
    with rolling_alter_table("users", galera.urls[1:]) as t:
        t.add_column(sa.Column("nick", sa.String(40)))
    got = same_everywhere(galera, "users")
    assert len(got["rows"]) == 5
    assert galera.states() == ["Synced"] * 3


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda t: t.drop_column("name"), "drop column 'name'"),
        (lambda t: t.alter_column("name", type=sa.String(10)), "alter column 'name' (type)"),
        (lambda t: t.alter_column("name", type=sa.String(200)), "alter column 'name' (type)"),
        (lambda t: t.rename_column("name", "label"), "alter column 'name' (name)"),
        (
            lambda t: t.add_column(sa.Column("flag", sa.Integer, nullable=False)),
            "NOT NULL without a server default",
        ),
        (
            lambda t: t.add_column(sa.Column("flag", sa.Integer, nullable=False, default=1)),
            "NOT NULL without a server default",
        ),
        (lambda t: t.create_index("uq_name", "name", unique=True), "unique index"),
        (
            lambda t: t.add_constraint(sa.UniqueConstraint("name", name="uq_n")),
            "AddConstraintOp",
        ),
    ],
    ids=[
        "drop",
        "narrow",
        "widen",
        "rename",
        "not-null",
        "not-null-python-default",
        "unique",
        "constraint",
    ],
)
def test_incompatible_changes_refused_before_anything_runs(
    galera: Cluster, change: object, reason: str
) -> None:
    make_users(galera)
    before = same_everywhere(galera, "users")
    with pytest.raises(RollingSchemaChangeError, match="nothing ran") as excinfo:
        with rolling_alter_table("users", galera.urls) as t:
            t.add_column(sa.Column("ok", sa.String(10)))  # compatible, must not run either
            change(t)  # type: ignore[operator]
    assert reason in str(excinfo.value)
    assert same_everywhere(galera, "users") == before
    for node in (1, 2, 3):
        assert node_columns(galera, node, "users") == ["id", "name"]


def test_not_a_galera_node_is_refused(galera: Cluster) -> None:
    make_users(galera)
    with pytest.raises(Exception, match="not a Galera node"):
        with rolling_alter_table("users", ["sqlite://"]) as t:
            t.add_column(sa.Column("ok", sa.String(10)))
