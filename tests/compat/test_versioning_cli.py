"""The ``migrate`` command, a generated ``manage.py`` and the ``changeset`` repository verbs,
run as subprocesses; and the project's repositories through ``migrate.versioning.api``
reaching the same schema and rows as through ``changeset run``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from migrate import cli
from migrate.versioning import api
from tests.compat.versioning_support import (
    accounts,
    app_repository,
    columns,
    tables,
    url_of,
    version_rows,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def migrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(str(BIN / "migrate"), *args, cwd=cwd)


def changeset(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(str(BIN / "changeset"), *args, cwd=cwd)


# --------------------------------------------------------------------------- migrate


def test_migrate_command_sequence(engine: Engine, tmp_path: Path) -> None:
    url = url_of(engine)
    repo = str(app_repository(tmp_path / "repo"))
    result = migrate("version", repo, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "3\n")
    result = migrate("db_version", url, repo, cwd=tmp_path)
    assert result.returncode == 1 and "DatabaseNotControlledError" in result.stderr
    assert tables(engine) == []
    assert migrate("version_control", url, repo, cwd=tmp_path).returncode == 0
    result = migrate("db_version", url, repo, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "0\n")
    result = migrate("upgrade", url, repo, "2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0 -> 1... \ndone\n1 -> 2... \ndone\n"
    assert migrate("dbv", f"--url={url}", f"--repository={repo}", cwd=tmp_path).stdout == "2\n"
    assert accounts(engine) == [(1, "ann", "ann"), (2, "bob", "bob")]
    result = migrate("upgrade", url, repo, "1", cwd=tmp_path)
    assert result.returncode == 2 and "Try 'downgrade' instead" in result.stderr
    result = migrate("downgrade", url, repo, "1", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == "2 -> 1... \ndone\n"
    assert columns(engine, "accounts") == ["id", "name"]
    result = migrate("version_control", url, repo, cwd=tmp_path)
    assert result.returncode == 1 and "DatabaseAlreadyControlledError" in result.stderr
    assert migrate("upgrade", "--url", url, "--repository", repo, cwd=tmp_path).returncode == 0
    result = migrate("downgrade", url, repo, "0", cwd=tmp_path)  # 003 refuses
    assert result.returncode == 1 and "NotImplementedError" in result.stderr
    assert version_rows(engine) == [("app", 3)]
    assert migrate("drop_version_control", url, repo, cwd=tmp_path).returncode == 0
    assert version_rows(engine) == []
    assert tables(engine) == ["accounts", "audit"]


def test_migrate_usage_errors_exit_2(tmp_path: Path) -> None:
    for args in (["frobnicate"], ["upgrade"], ["version", "a", "b"], ["upgrade", "--url"]):
        result = migrate(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert "migrate: error:" in result.stderr
    result = migrate("help", "upgrade", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("migrate upgrade URL")
    result = migrate(cwd=tmp_path)
    assert result.returncode == 0 and "db_version" in result.stdout  # as 0.13: usage, exit 0


def test_migrate_create_script_and_script_sql(tmp_path: Path) -> None:
    assert migrate("create", "repo", "my project", cwd=tmp_path).returncode == 0
    assert "repository_id=my project" in (tmp_path / "repo" / "migrate.cfg").read_text()
    result = migrate("create", "repo", "again", cwd=tmp_path)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert migrate("script", "Add users table", "repo", cwd=tmp_path).returncode == 0
    assert migrate("script_sql", "postgresql", "add index", "repo", cwd=tmp_path).returncode == 0
    assert sorted(p.name for p in (tmp_path / "repo" / "versions").iterdir()) == [
        "001_Add_users_table.py",
        "002_add_index_postgresql_downgrade.sql",
        "002_add_index_postgresql_upgrade.sql",
        "__init__.py",
    ]
    assert migrate("version", "repo", cwd=tmp_path).stdout == "2\n"


def test_generated_manage_py(engine: Engine, tmp_path: Path) -> None:
    url = url_of(engine)
    repo = str(app_repository(tmp_path / "repo"))
    result = migrate("manage", "manage.py", f"--repository={repo}", f"--url={url}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    python = sys.executable
    assert run(python, "manage.py", "version_control", cwd=tmp_path).returncode == 0
    result = run(python, "manage.py", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert run(python, "manage.py", "db_version", cwd=tmp_path).stdout == "3\n"
    assert tables(engine) == ["accounts", "audit", "migrate_version"]
    result = run(python, "manage.py", "upgrade", "9", cwd=tmp_path)
    assert result.returncode == 1 and "VersionNotFoundError" in result.stderr


def test_sqlalchemy_migrate_manage_py(tmp_path: Path) -> None:
    """The manage.py sqlalchemy-migrate generated, unchanged (tests/docs/legacy_repo)."""
    db = tmp_path / "legacy.db"
    legacy = ROOT / "tests" / "docs" / "legacy_repo"
    python = sys.executable
    url = f"--url=sqlite:///{db}"
    assert run(python, "manage.py", "version_control", url, cwd=legacy).returncode == 0
    result = run(python, "manage.py", "upgrade", url, cwd=legacy)
    assert result.returncode == 0, result.stderr
    assert run(python, "manage.py", "db_version", url, cwd=legacy).stdout == "5\n"
    engine = sa.create_engine(f"sqlite:///{db}")
    assert tables(engine) == ["instances", "migrate_version", "projects"]
    engine.dispose()


# --------------------------------------------------------------------------- changeset verbs


def test_changeset_create_script_stamp_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/app.db"
    result = changeset("create", "app", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"{tmp_path / 'app'}\n")
    assert changeset("create", "app", cwd=tmp_path).returncode == 2
    result = changeset("script", "app", "create users", cwd=tmp_path)
    created = Path(result.stdout.strip())
    assert created.name == "001_create_users.py"
    text = created.read_text()
    assert "def upgrade(migrate_engine):" in text and "def downgrade(migrate_engine):" in text
    created.write_text(
        text.replace(
            "    meta.bind = migrate_engine\n",
            "    meta.bind = migrate_engine\n"
            '    Table("users", meta, Column("id", Integer, primary_key=True)).create(migrate_engine)\n',
            1,
        )
    )
    result = changeset("script", "app", "seed", "--sql", "sqlite", cwd=tmp_path)
    assert [Path(p).name for p in result.stdout.split()] == [
        "002_seed_sqlite_upgrade.sql",
        "002_seed_sqlite_downgrade.sql",
    ]
    (tmp_path / "app" / "versions" / "002_seed_sqlite_upgrade.sql").write_text(
        "INSERT INTO users (id) VALUES (1);\n"
    )
    result = changeset("history", "app", "--url", url, cwd=tmp_path)
    assert result.returncode == 0
    assert not (tmp_path / "app.db").exists()  # looking does not create the database
    assert result.stdout.splitlines()[1:] == [
        "   1  pending  001_create_users.py  create users",
        "   2  pending  002_seed_sqlite_downgrade.sql  seed (SQL: sqlite)",
    ]
    assert changeset("run", "app", "--url", url, "--version", "1", cwd=tmp_path).returncode == 0
    history = changeset("history", "app", "--url", url, cwd=tmp_path).stdout
    assert "the database is at version 1" in history
    assert "   1  applied  001_create_users.py  create users" in history
    result = changeset("stamp", "app", "--version", "2", "--url", url, cwd=tmp_path)
    assert result.returncode == 0 and "no script was run" in result.stdout
    engine = sa.create_engine(url)
    assert version_rows(engine) == [("app", 2)]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar() == 0
    engine.dispose()
    result = changeset("stamp", "app", "--version", "3", "--url", url, cwd=tmp_path)
    assert result.returncode == 2


def test_stamp_puts_a_database_under_control(engine: Engine, tmp_path: Path) -> None:
    repo = str(app_repository(tmp_path / "repo"))
    assert cli.main(["stamp", repo, "--version", "1", "--url", url_of(engine)]) == 0
    assert version_rows(engine) == [("app", 1)]
    assert tables(engine) == ["migrate_version"]


@pytest.mark.parametrize("command", ["changeset", "migrate"])
def test_closed_pipe_ends_quietly(tmp_path: Path, command: str) -> None:
    """The reader (``true``) is gone before the command, still importing, writes a line."""
    blog = str(ROOT / "examples" / "blog")
    args = (
        ["sql", blog, "--dialect", "postgresql"] if command == "changeset" else ["help", "upgrade"]
    )
    result = subprocess.run(
        f"'{BIN / command}' {' '.join(args)} | true; echo \"exit ${{PIPESTATUS[0]}}\"",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.stderr == ""
    assert result.stdout == "exit 0\n"


# --------------------------------------------------------------------------- same schema


def _snapshot(engine: Engine) -> tuple[str, dict[str, list[tuple[object, ...]]]]:
    schema = cli.describe_schema(engine)
    rows = {}
    with engine.connect() as conn:
        for table in tables(engine):
            result = conn.execute(sa.text(f"SELECT * FROM {table}"))
            rows[table] = sorted(tuple(str(v) for v in r) for r in result)
    rows.pop("migrate_version", None)
    return schema, rows


def _drop_everything(engine: Engine) -> None:
    meta = sa.MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)


@pytest.mark.parametrize("repository", ["examples/blog", "tests/docs/legacy_repo"])
def test_api_upgrade_reaches_the_same_schema_as_changeset_run(
    engine: Engine, repository: str
) -> None:
    path = str(ROOT / repository)
    assert cli.main(["run", path, "--url", url_of(engine)]) == 0
    through_run = _snapshot(engine)
    _drop_everything(engine)
    assert tables(engine) == []
    api.version_control(engine, path)
    api.upgrade(engine, path)
    assert api.db_version(engine, path) == api.version(path)
    assert _snapshot(engine) == through_run
    api.downgrade(engine, path, 0)
    assert tables(engine) == ["migrate_version"]
