"""Legacy and batch operations run on node 1 of a Galera cluster; nodes 2 and 3 agree.

Each change is checked on every node with a fresh ``inspect()`` and the rows, through
connections with ``wsrep_sync_wait=15``.
"""

from __future__ import annotations

import warnings

import pytest
import sqlalchemy as sa
from galera_support import Cluster, make_users, same_everywhere

import migrate.changeset  # noqa: F401  (installs the changeset methods)
from migrate.changeset import alter_table
from migrate.changeset.constraint import ForeignKeyConstraint, UniqueConstraint
from migrate.changeset.galera import GaleraWarning, info
from migrate.exceptions import InvalidOperationError


def test_cluster_is_galera(galera: Cluster) -> None:
    assert galera.states() == ["Synced"] * 3
    for engine in galera.engines:
        with engine.connect() as conn:
            found = info(conn)
            assert found is not None and found.wsrep_on
            assert found is info(conn)  # cached per connection
            size = conn.exec_driver_sql("SHOW STATUS LIKE 'wsrep_cluster_size'").one()[1]
            assert int(size) == 3


def test_column_create_and_drop(galera: Cluster) -> None:
    meta, users = make_users(galera)
    sa.Column("email", sa.String(80), nullable=False, default="x@example.org").create(users)
    sa.Column("age", sa.Integer, server_default="7").create(users, index_name="ix_users_age")
    got = same_everywhere(galera, "users")
    assert [c[0] for c in got["schema"]["columns"]] == ["id", "name", "email", "age"]
    assert ("ix_users_age", ("age",), False) in got["schema"]["indexes"]
    assert got["rows"] == [(i, f"u{i}", "x@example.org", 7) for i in (1, 2, 3)]

    users.c.email.drop()
    got = same_everywhere(galera, "users")
    assert [c[0] for c in got["schema"]["columns"]] == ["id", "name", "age"]
    assert got["rows"] == [(i, f"u{i}", 7) for i in (1, 2, 3)]


def test_table_rename(galera: Cluster) -> None:
    meta, users = make_users(galera)
    users.rename("people")
    got = same_everywhere(galera, "people")
    assert got["rows"] == [(i, f"u{i}") for i in (1, 2, 3)]
    for node in (1, 2, 3):
        with galera.reader(node) as conn:
            assert "users" not in sa.inspect(conn).get_table_names()


def test_constraints_and_foreign_keys_enforced_on_other_nodes(galera: Cluster) -> None:
    meta, users = make_users(galera)
    posts = sa.Table(
        "posts",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("slug", sa.String(40)),
    )
    posts.create(galera.engines[0])
    with galera.engines[0].begin() as conn:
        conn.execute(posts.insert(), [{"id": 1, "user_id": 1, "slug": "a"}])

    ForeignKeyConstraint([posts.c.user_id], [users.c.id], name="fk_posts_user").create()
    UniqueConstraint(posts.c.slug, name="uq_posts_slug").create()
    got = same_everywhere(galera, "posts")
    assert ("fk_posts_user", ("user_id",), "users") in got["schema"]["fks"]
    assert ("uq_posts_slug", ("slug",)) in got["schema"]["uniques"]

    # Enforced on nodes that did not run the DDL.
    for node in (2, 3):
        with pytest.raises(sa.exc.IntegrityError) as excinfo:
            with galera.engines[node - 1].begin() as conn:
                conn.exec_driver_sql("INSERT INTO posts (id, user_id, slug) VALUES (9, 99, 'z')")
        assert excinfo.value.orig.args[0] == 1452  # type: ignore[union-attr]
        with pytest.raises(sa.exc.IntegrityError):
            with galera.engines[node - 1].begin() as conn:
                conn.exec_driver_sql("INSERT INTO posts (id, user_id, slug) VALUES (9, 1, 'a')")
    with galera.engines[2].begin() as conn:
        conn.exec_driver_sql("INSERT INTO posts (id, user_id, slug) VALUES (2, 2, 'b')")
    assert same_everywhere(galera, "posts")["rows"] == [(1, 1, "a"), (2, 2, "b")]

    UniqueConstraint(posts.c.slug, name="uq_posts_slug").drop()
    ForeignKeyConstraint([posts.c.user_id], [users.c.id], name="fk_posts_user").drop()
    got = same_everywhere(galera, "posts")
    assert got["schema"]["fks"] == []
    assert got["schema"]["uniques"] == []
    with galera.engines[1].begin() as conn:  # no longer enforced anywhere
        conn.exec_driver_sql("INSERT INTO posts (id, user_id, slug) VALUES (3, 99, 'a')")
    assert len(same_everywhere(galera, "posts")["rows"]) == 3


def test_batch_alter_table(galera: Cluster) -> None:
    make_users(galera)
    with alter_table("users", engine=galera.engines[0]) as t:
        t.add_column(sa.Column("email", sa.String(80), server_default="none"))
        t.rename_column("name", "full_name")
        t.create_index("ix_users_email", "email")
    got = same_everywhere(galera, "users")
    assert [c[0] for c in got["schema"]["columns"]] == ["id", "full_name", "email"]
    assert ("ix_users_email", ("email",), False) in got["schema"]["indexes"]
    assert got["rows"] == [(i, f"u{i}", "none") for i in (1, 2, 3)]


@pytest.mark.skipif(not hasattr(sa.Column, "alter"), reason="Column.alter has not landed yet")
def test_column_alter(galera: Cluster) -> None:
    meta, users = make_users(galera)
    users.c.name.alter(type=sa.String(120), nullable=True)
    got = same_everywhere(galera, "users")
    assert ("name", "VARCHAR(120)", True) in got["schema"]["columns"]
    users.c.name.alter(name="label")
    got = same_everywhere(galera, "users")
    assert [c[0] for c in got["schema"]["columns"]] == ["id", "label"]
    assert got["rows"] == [(i, f"u{i}") for i in (1, 2, 3)]


def test_table_without_primary_key_warns(galera: Cluster) -> None:
    with galera.engines[0].begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bag (x INT)")
        conn.exec_driver_sql("INSERT INTO bag VALUES (1)")
    bag = sa.Table("bag", sa.MetaData(), autoload_with=galera.engines[0])
    with pytest.warns(GaleraWarning, match="'bag' has no primary key"):
        sa.Column("y", sa.Integer).create(bag, engine=galera.engines[0])
    assert same_everywhere(galera, "bag")["rows"] == [(1, None)]
    # Adding a primary key is what the warning asks for: no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", GaleraWarning)
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False).create(
            bag, engine=galera.engines[0], primary_key_name="pk_bag"
        )
    assert same_everywhere(galera, "bag")["schema"]["pk"] == ["id"]


def test_required_primary_key_mode_is_an_error(galera: Cluster) -> None:
    with galera.engines[0].begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bag (x INT)")
    try:
        with galera.engines[0].connect() as conn:
            conn.exec_driver_sql("SET GLOBAL wsrep_mode = 'REQUIRED_PRIMARY_KEY'")
        engine = sa.create_engine(galera.urls[0])  # new connections read the mode
        try:
            bag = sa.Table("bag", sa.MetaData(), autoload_with=engine)
            with pytest.raises(InvalidOperationError, match="REQUIRED_PRIMARY_KEY"):
                sa.Column("y", sa.Integer).create(bag, engine=engine)
        finally:
            engine.dispose()
    finally:
        with galera.engines[0].connect() as conn:
            conn.exec_driver_sql("SET GLOBAL wsrep_mode = DEFAULT")
        galera.engines[0].dispose()
    got = same_everywhere(galera, "bag")
    assert [c[0] for c in got["schema"]["columns"]] == ["x"]  # nothing ran
