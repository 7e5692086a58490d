"""The porting guide's worked example: a five-script sqlalchemy-migrate repository.

``tests/docs/legacy_repo`` is run through the ``changeset run`` command on each configured
database; the schema (by reflection) and the rows are checked after the upgrade and after
the downgrade. A second test continues a ``migrate_version`` table as sqlalchemy-migrate
left it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from migrate import cli

REPO = Path(__file__).resolve().parent / "legacy_repo"


def changeset(*args: str) -> int:
    return cli.main(list(args))


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT version FROM migrate_version WHERE repository_id = 'inventory'")
            ).scalar_one()
        )


def check_version_5(engine: Engine) -> None:
    insp = sa.inspect(engine)
    assert sorted(insp.get_table_names()) == ["instances", "migrate_version", "projects"]
    cols = {c["name"]: c for c in insp.get_columns("instances")}
    assert list(cols) == ["id", "account_id", "name", "state", "hostname"]
    assert cols["state"]["nullable"] is False
    assert "building" in str(cols["state"]["default"])
    assert cols["state"]["type"].length == 32
    assert cols["name"]["type"].length == 255
    assert [c["name"] for c in insp.get_columns("projects")] == ["id", "name", "created_at"]
    uniques = {u["name"]: u["column_names"] for u in insp.get_unique_constraints("instances")}
    assert uniques.get("uq_instances_account_hostname") == ["account_id", "hostname"]
    fks = insp.get_foreign_keys("instances")
    assert [(f["name"], f["constrained_columns"], f["referred_table"]) for f in fks] == [
        ("fk_instances_account", ["account_id"], "projects")
    ]
    indexes = {i["name"]: i["column_names"] for i in insp.get_indexes("instances")}
    assert indexes.get("ix_instances_hostname") == ["hostname"]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, account_id, name, state, hostname FROM instances ORDER BY id")
        ).all()
        projects = conn.execute(sa.text("SELECT id, name FROM projects")).all()
    assert [tuple(r) for r in rows] == [
        (1, 1, "Web 1", "active", "web-1"),
        (2, 1, "DB 1", "building", "db-1"),
    ]
    assert [tuple(r) for r in projects] == [(1, "admin")]
    assert version(engine) == 5


def test_upgrade_and_downgrade(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert changeset("run", str(REPO), "--url", url_of(engine)) == 0
    out = capsys.readouterr()
    assert "inventory: version 0 -> 5" in out.err
    check_version_5(engine)

    assert changeset("run", str(REPO), "--url", url_of(engine)) == 0
    assert "nothing to do" in capsys.readouterr().err
    check_version_5(engine)

    assert changeset("run", str(REPO), "--url", url_of(engine), "--downgrade", "2") == 0
    insp = sa.inspect(engine)
    assert sorted(insp.get_table_names()) == ["accounts", "instances", "migrate_version"]
    cols = [c["name"] for c in insp.get_columns("instances")]
    assert cols == ["id", "account_id", "display_name", "state", "hostname"]
    assert insp.get_foreign_keys("instances") == []
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, hostname, state FROM instances ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(1, None, "active"), (2, None, "building")]
    assert version(engine) == 2

    assert changeset("run", str(REPO), "--url", url_of(engine), "--downgrade") == 0
    assert sa.inspect(engine).get_table_names() == ["migrate_version"]
    assert version(engine) == 0


@pytest.mark.backends("sqlite")
def test_continues_a_version_table_left_by_sqlalchemy_migrate(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    # The database as sqlalchemy-migrate 0.13 left it after versions 1 and 2: the
    # schema of those scripts, and its own DDL for migrate_version, with a path from
    # another machine.
    assert changeset("run", str(REPO), "--url", url_of(engine), "--version", "2") == 0
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE migrate_version"))
        conn.execute(
            sa.text(
                "CREATE TABLE migrate_version (\n\trepository_id VARCHAR(250) NOT NULL, \n"
                "\trepository_path TEXT, \n\tversion INTEGER, \n"
                "\tPRIMARY KEY (repository_id)\n)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO migrate_version VALUES "
                "('inventory', '/srv/old-checkout/inventory/db_repo', 2)"
            )
        )
    capsys.readouterr()
    assert changeset("run", str(REPO), "--url", url_of(engine)) == 0
    err = capsys.readouterr().err
    assert "001_initial.py" not in err and "002_add_hostname.py" not in err
    assert "003_fill_hostname.py" in err and "inventory: version 2 -> 5" in err
    check_version_5(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM migrate_version")).scalar_one() == 1
