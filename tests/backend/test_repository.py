"""Migration repositories on each configured database: upgrade, downgrade, failure, versions.

Every test checks the schema (by reflection) and the rows.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from migrate.exceptions import InvalidVersionError
from migrate.versioning import runner
from migrate.versioning.repository import Repository, load_repository
from migrate.versioning.version_table import read_version, version_table

USERS = """
from sqlalchemy import *
from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = Table("users", meta, Column("id", Integer, primary_key=True),
                  Column("name", String(40), nullable=False))
    users.create(migrate_engine)
    migrate_engine.execute(users.insert(), [{"id": 1, "name": "ann"}, {"id": 2, "name": "bob"}])


def downgrade(migrate_engine):
    meta = MetaData()
    Table("users", meta, Column("id", Integer, primary_key=True)).drop(migrate_engine)
"""

ADD_EMAIL = """
from sqlalchemy import *
from migrate import *


def _users(meta, *extra):
    return Table("users", meta, Column("id", Integer, primary_key=True),
                 Column("name", String(40), nullable=False), *extra)


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    Column("email", String(120), nullable=False, server_default="").create(_users(meta))


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    _users(meta, Column("email", String(120))).c.email.drop()
"""

RENAME = """
from sqlalchemy import *
from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    Table("users", meta, Column("id", Integer, primary_key=True)).rename("members")


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    Table("members", meta, Column("id", Integer, primary_key=True)).rename("users")
"""

IDIOMS = """
from sqlalchemy import *


def upgrade(migrate_engine):
    # Engine idioms of legacy scripts, on the connection changeset run passes.
    assert migrate_engine.name in ("sqlite", "postgresql", "mysql", "mariadb")
    assert migrate_engine.url is not None
    meta = MetaData()
    notes = Table("notes", meta, Column("id", Integer, primary_key=True), Column("body", Text))
    meta.create_all(migrate_engine)
    with migrate_engine.begin() as conn:
        conn.execute(notes.insert().values(id=1, body="from begin()"))
    with migrate_engine.connect() as conn:
        conn.execute(text("INSERT INTO notes (id, body) VALUES (2, 'from connect()')"))
    migrate_engine.execute("INSERT INTO notes (id, body) VALUES (3, 'raw string')")
    assert inspect(migrate_engine).has_table("notes")


def downgrade(migrate_engine):
    Table("notes", MetaData(), Column("id", Integer, primary_key=True)).drop(migrate_engine)
"""

FAILING = """
from sqlalchemy import *


def upgrade(migrate_engine):
    meta = MetaData()
    Table("half_done", meta, Column("id", Integer, primary_key=True)).create(migrate_engine)
    migrate_engine.execute("INSERT INTO no_such_table VALUES (1)")


def downgrade(migrate_engine):
    pass
"""


def write(folder: Path, scripts: dict[str, str]) -> Repository:
    folder.mkdir()
    for name, text in scripts.items():
        (folder / name).write_text(textwrap.dedent(text))
    return load_repository(folder)


def version_of(engine: Engine, repository: Repository) -> int | None:
    with engine.connect() as conn:
        return read_version(conn, repository)


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def column_names(engine: Engine, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(engine).get_columns(table)]


def rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def test_upgrade_downgrade_round_trip(engine: Engine, tmp_path: Path) -> None:
    repository = write(
        tmp_path / "app",
        {"001_users.py": USERS, "002_add_email.py": ADD_EMAIL, "003_rename.py": RENAME},
    )
    assert runner.migrate(engine, repository) == (0, 3)
    assert version_of(engine, repository) == 3
    assert table_names(engine) == {"migrate_version", "members"}
    assert column_names(engine, "members") == ["id", "name", "email"]
    assert rows(engine, "SELECT id, name, email FROM members ORDER BY id") == [
        (1, "ann", ""),
        (2, "bob", ""),
    ]

    assert runner.migrate(engine, repository, 1) == (3, 1)
    assert version_of(engine, repository) == 1
    assert table_names(engine) == {"migrate_version", "users"}
    assert column_names(engine, "users") == ["id", "name"]
    assert rows(engine, "SELECT id, name FROM users ORDER BY id") == [(1, "ann"), (2, "bob")]

    assert runner.migrate(engine, repository, 0) == (1, 0)
    assert table_names(engine) == {"migrate_version"}
    assert version_of(engine, repository) == 0


def test_version_table_matches_sqlalchemy_migrate(engine: Engine, tmp_path: Path) -> None:
    repository = write(tmp_path / "app", {"001_users.py": USERS})
    runner.migrate(engine, repository)
    inspector = sa.inspect(engine)
    cols = {c["name"]: c["type"] for c in inspector.get_columns("migrate_version")}
    assert list(cols) == ["repository_id", "repository_path", "version"]
    assert isinstance(cols["repository_id"], sa.String) and cols["repository_id"].length == 250
    assert isinstance(cols["repository_path"], sa.Text)
    assert isinstance(cols["version"], sa.Integer)
    assert inspector.get_pk_constraint("migrate_version")["constrained_columns"] == [
        "repository_id"
    ]
    assert rows(engine, "SELECT repository_id, repository_path, version FROM migrate_version") == [
        ("app", str(tmp_path / "app"), 1)
    ]


def test_continues_from_legacy_version_row(engine: Engine, tmp_path: Path) -> None:
    repository = write(
        tmp_path / "app",
        {"001_users.py": USERS, "002_add_email.py": ADD_EMAIL, "003_rename.py": RENAME},
    )
    # What sqlalchemy-migrate's version_control + upgrade to 2 left behind.
    legacy = sa.MetaData()
    table = version_table("migrate_version", legacy)
    users = sa.Table(
        "users",
        legacy,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("email", sa.String(120), nullable=False, server_default=""),
    )
    legacy.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert().values(repository_id="app", repository_path="/old", version=2))
        conn.execute(users.insert().values(id=7, name="kim", email="k@x"))
    assert runner.migrate(engine, repository) == (2, 3)
    assert table_names(engine) == {"migrate_version", "members"}
    assert rows(engine, "SELECT id, name, email FROM members") == [(7, "kim", "k@x")]
    assert rows(engine, "SELECT repository_path, version FROM migrate_version") == [("/old", 3)]


def test_script_gets_engine_idioms_in_one_transaction(engine: Engine, tmp_path: Path) -> None:
    repository = write(tmp_path / "app", {"001_notes.py": IDIOMS})
    runner.migrate(engine, repository)
    assert rows(engine, "SELECT id, body FROM notes ORDER BY id") == [
        (1, "from begin()"),
        (2, "from connect()"),
        (3, "raw string"),
    ]
    assert version_of(engine, repository) == 1


@pytest.mark.requires("transactional_ddl")
def test_failed_script_leaves_previous_version_and_schema(engine: Engine, tmp_path: Path) -> None:
    repository = write(tmp_path / "app", {"001_users.py": USERS, "002_broken.py": FAILING})
    with pytest.raises(runner.MigrationFailed) as failure:
        runner.migrate(engine, repository)
    assert failure.value.step is not None and failure.value.step.before == 1
    assert failure.value.rolled_back
    assert "002_broken.py line 8" in (failure.value.operation or "")
    assert "no_such_table" in failure.value.describe()
    assert version_of(engine, repository) == 1
    assert table_names(engine) == {"migrate_version", "users"}  # half_done rolled back
    assert rows(engine, "SELECT name FROM users ORDER BY id") == [("ann",), ("bob",)]


@pytest.mark.backends("mysql")
def test_failed_script_on_mysql_keeps_version(engine: Engine, tmp_path: Path) -> None:
    repository = write(tmp_path / "app", {"001_users.py": USERS, "002_broken.py": FAILING})
    with pytest.raises(runner.MigrationFailed) as failure:
        runner.migrate(engine, repository)
    assert not failure.value.rolled_back
    assert "commits DDL immediately" in failure.value.describe()
    assert version_of(engine, repository) == 1
    # MySQL committed the CREATE TABLE implicitly: documented, and reported.
    assert table_names(engine) == {"migrate_version", "users", "half_done"}


def test_sql_script_for_the_dialect_wins(engine: Engine, tmp_path: Path) -> None:
    name = engine.dialect.name
    repository = write(
        tmp_path / "app",
        {
            "001_kv.sql": "CREATE TABLE kv (k VARCHAR(10) PRIMARY KEY, v VARCHAR(20));",
            "001_kv_default_downgrade.sql": "DROP TABLE kv;",
            f"002_fill_{name}_upgrade.sql": (
                f"INSERT INTO kv VALUES ('dialect', '{name}');\nINSERT INTO kv VALUES ('x', 'a;b');"
            ),
            "002_fill_default_upgrade.sql": "INSERT INTO kv VALUES ('dialect', 'default');",
            "002_fill_default_downgrade.sql": "DELETE FROM kv;",
        },
    )
    runner.migrate(engine, repository)
    assert rows(engine, "SELECT k, v FROM kv ORDER BY k") == [("dialect", name), ("x", "a;b")]
    runner.migrate(engine, repository, 0)
    assert table_names(engine) == {"migrate_version"}


def test_target_above_latest_is_refused_before_anything_runs(
    engine: Engine, tmp_path: Path
) -> None:
    repository = write(tmp_path / "app", {"001_users.py": USERS})
    with pytest.raises(InvalidVersionError):
        runner.migrate(engine, repository, 5)
    assert "users" not in table_names(engine)


def test_single_script(engine: Engine, tmp_path: Path) -> None:
    script = tmp_path / "notes.py"
    script.write_text(textwrap.dedent(IDIOMS))
    repository = load_repository(script)
    assert repository.single is not None
    runner.run_single(engine, repository.single)
    assert table_names(engine) == {"notes"}
    assert len(rows(engine, "SELECT id FROM notes")) == 3
    runner.run_single(engine, repository.single, "downgrade")
    assert table_names(engine) == set()
