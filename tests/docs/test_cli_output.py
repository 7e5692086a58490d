"""The console sessions and the offline-SQL example shown in the docs are what the code does.

``docs/cli_output/*.txt`` are produced by ``tests/docs/cli_output.py`` (run
``python -m tests.docs.cli_output`` to refresh them); this test produces them again and
fails when a file is stale. It also follows the quickstart as a new user would.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from migrate.changeset import to_sql
from tests.docs import cli_output


def test_docs_console_sessions_are_current() -> None:
    produced = cli_output.produce()
    assert produced, "no session produced"
    stale = []
    for name, text in produced.items():
        path = cli_output.OUTPUT / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    assert not stale, (
        f"docs/cli_output is stale ({', '.join(stale)}): run python -m tests.docs.cli_output"
    )
    shown = {p.name for p in cli_output.OUTPUT.glob("*.txt")}
    assert shown == set(produced), "a file in docs/cli_output is no longer produced"
    assert "$ echo $?\n1" in produced["cli_failed.txt"]
    assert "$ echo $?\n2" in produced["cli_usage.txt"]


def test_quickstart_as_a_new_user(tmp_path: Path) -> None:
    docs = cli_output.DOCS / "quickstart"
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "001_add_column.py").write_text(
        (docs / "migrations" / "001_add_column.py").read_text()
    )
    (tmp_path / "create_app_db.py").write_text((docs / "create_app_db.py").read_text())
    bindir = Path(sys.executable).parent

    def run(*cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cmd,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            env={"PATH": f"{bindir}:/usr/bin:/bin"},
        )

    assert run(sys.executable, "create_app_db.py").returncode == 0
    done = run(str(bindir / "changeset"), "run", "migrations")
    assert done.returncode == 0, done.stderr
    assert "email  VARCHAR(120)  NOT NULL" in done.stdout
    db = sqlite3.connect(tmp_path / "changeset.db")
    try:
        assert db.execute("SELECT id, name, email FROM users ORDER BY id").fetchall() == [
            (1, "ada", ""),
            (2, "grace", ""),
        ]
        assert db.execute("SELECT version FROM migrate_version").fetchall() == [(1,)]
        # exactly as declared: NOT NULL, no server default left behind
        cols = {r[1]: r for r in db.execute("PRAGMA table_info(users)")}
        assert cols["email"][3] == 1 and cols["email"][4] is None
    finally:
        db.close()


def test_cli_page_to_sql_example() -> None:
    users = sa.Table(
        "users",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40)),
    )
    with to_sql("postgresql") as statements:
        sa.Column("email", sa.String(60)).create(users)
        users.c.name.alter(type=sa.String(80), nullable=False)
    assert statements == [
        "ALTER TABLE users ADD COLUMN email VARCHAR(60);",
        "ALTER TABLE users ALTER COLUMN name TYPE VARCHAR(80), ALTER COLUMN name SET NOT NULL;",
    ]
    page = (cli_output.DOCS / "cli.rst").read_text()
    for statement in statements:
        assert repr(statement).strip("'") in page or statement in page
