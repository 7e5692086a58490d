"""The ``changeset`` command, run as a user runs it: a subprocess on a temporary folder.

Exit codes (SPEC §6): 0 ok, 1 failed migration, 2 usage error.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

USERS = """
from sqlalchemy import *
from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = Table("users", meta, Column("id", Integer, primary_key=True),
                  Column("name", String(40), nullable=False))
    users.create(migrate_engine)
    with migrate_engine.begin() as conn:
        conn.execute(users.insert(), [{"name": "ann"}, {"name": "bob"}])


def downgrade(migrate_engine):
    meta = MetaData()
    users = Table("users", meta, Column("id", Integer, primary_key=True))
    users.drop(migrate_engine)
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
    users = _users(meta)
    Column("email", String(120), nullable=False, server_default="").create(users)


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    users = _users(meta, Column("email", String(120)))
    users.c.email.drop()
"""

TAGS = """
from sqlalchemy import *


def upgrade(migrate_engine):
    Table("tags", MetaData(), Column("id", Integer, primary_key=True)).create(migrate_engine)


def downgrade(migrate_engine):
    Table("tags", MetaData(), Column("id", Integer, primary_key=True)).drop(migrate_engine)
"""

LOGS = """
from sqlalchemy import *


def upgrade(migrate_engine):
    Table("logs", MetaData(), Column("id", Integer, primary_key=True)).create(migrate_engine)


def downgrade(migrate_engine):
    Table("logs", MetaData(), Column("id", Integer, primary_key=True)).drop(migrate_engine)
"""

FAILING = """
from sqlalchemy import *


def upgrade(migrate_engine):
    Table("half_done", MetaData(), Column("id", Integer, primary_key=True)).create(migrate_engine)
    migrate_engine.execute("ALTER TABLE no_such_table ADD COLUMN x INTEGER")


def downgrade(migrate_engine):
    pass
"""

LEGACY_VERSION_TABLE = """
CREATE TABLE migrate_version (
	repository_id VARCHAR(250) NOT NULL,
	repository_path TEXT,
	version INTEGER,
	PRIMARY KEY (repository_id)
)
"""


def changeset(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m migrate ARGS`` in ``cwd``."""
    environ = {k: v for k, v in os.environ.items() if k != "CHANGESET_URL"}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "migrate", *map(str, args)],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_repo(root: Path, scripts: dict[str, str], cfg: str | None = None) -> Path:
    """A flat folder of scripts, or a legacy repository (``migrate.cfg`` + ``versions/``)."""
    folder = root
    if cfg is not None:
        (root / "versions").mkdir(parents=True)
        (root / "migrate.cfg").write_text(textwrap.dedent(cfg))
        folder = root / "versions"
    else:
        root.mkdir(parents=True)
    for name, text in scripts.items():
        (folder / name).write_text(textwrap.dedent(text))
    return root


def db_version(db: Path, repository_id: str) -> int | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT version FROM migrate_version WHERE repository_id = ?", (repository_id,)
        ).fetchone()
    return None if row is None else int(row[0])


def tables(db: Path) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path / "app",
        {"001_users.py": USERS, "002_add_email.py": ADD_EMAIL, "003_tags.py": TAGS},
    )


# ------------------------------------------------------------------------------ usage


def test_no_subcommand_prints_usage_and_exits_2(tmp_path: Path) -> None:
    result = changeset(cwd=tmp_path)
    assert result.returncode == 2
    assert "usage: changeset" in result.stderr
    assert "run" in result.stderr
    assert not (tmp_path / "changeset.db").exists()


@pytest.mark.parametrize("command", [[], ["run"], ["version"], ["sql"]])
def test_help_exits_0_with_examples(tmp_path: Path, command: list[str]) -> None:
    result = changeset(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: changeset" in result.stdout
    assert "examples:" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["run"],  # no PATH
        ["bogus"],  # no such command
        ["run", "REPO", "--version", "x"],
        ["run", "REPO", "--version", "1", "--downgrade", "0"],
        ["sql", "REPO"],  # --dialect is required
        ["sql", "REPO", "--dialect", "oracle"],
        ["run", "REPO", "--no-such-option"],
    ],
)
def test_bad_arguments_exit_2(app: Path, args: list[str]) -> None:
    result = changeset(*[str(app) if a == "REPO" else a for a in args], cwd=app.parent)
    assert result.returncode == 2, result.stderr
    assert "usage:" in result.stderr
    assert not (app.parent / "changeset.db").exists()


def test_missing_path_exits_2(tmp_path: Path) -> None:
    result = changeset("run", tmp_path / "nowhere", cwd=tmp_path)
    assert result.returncode == 2
    assert "nowhere" in result.stderr
    assert "no such file or directory" in result.stderr


def test_folder_without_scripts_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = changeset("run", tmp_path / "empty", cwd=tmp_path)
    assert result.returncode == 2
    assert "no numbered scripts" in result.stderr


def test_two_python_scripts_for_one_version_exit_2(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "r", {"001_a.py": TAGS, "001_b.py": LOGS})
    result = changeset("run", repo, cwd=tmp_path)
    assert result.returncode == 2
    assert "001_a.py" in result.stderr and "001_b.py" in result.stderr


def test_version_above_latest_exits_2(app: Path) -> None:
    result = changeset("run", app, "--version", "9", cwd=app.parent)
    assert result.returncode == 2
    assert "latest version 3" in result.stderr


def test_bad_url_exits_2(app: Path) -> None:
    result = changeset("run", app, "--url", "nosuchdb://x", cwd=app.parent)
    assert result.returncode == 2
    assert "nosuchdb" in result.stderr


# ------------------------------------------------------------------------------ run


def test_run_applies_all_records_version_and_prints_schema(app: Path) -> None:
    result = changeset("run", app, cwd=app.parent)
    assert result.returncode == 0, result.stderr
    db = app.parent / "changeset.db"  # the default URL: changeset.db in the current directory
    assert db_version(db, "app") == 3  # repository_id: the folder's name
    assert tables(db) == {"migrate_version", "users", "tags"}
    assert columns(db, "users") == ["id", "name", "email"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name, email FROM users ORDER BY id").fetchall() == [
            ("ann", ""),
            ("bob", ""),
        ]
    # progress on stderr, one line per script
    for name in ("001_users.py", "002_add_email.py", "003_tags.py"):
        assert f"applying {name} ... ok (" in result.stderr
    # the resulting schema on stdout
    assert "users" in result.stdout
    assert "email" in result.stdout and "VARCHAR(120)" in result.stdout
    assert "tags" in result.stdout

    again = changeset("run", app, cwd=app.parent)
    assert again.returncode == 0
    assert "applying" not in again.stderr
    assert "nothing to do" in again.stderr


def test_version_table_has_sqlalchemy_migrate_format(app: Path) -> None:
    assert changeset("run", app, cwd=app.parent).returncode == 0
    engine = sa.create_engine(f"sqlite:///{app.parent / 'changeset.db'}")
    try:
        inspector = sa.inspect(engine)
        cols = {c["name"]: c for c in inspector.get_columns("migrate_version")}
        assert list(cols) == ["repository_id", "repository_path", "version"]
        assert isinstance(cols["repository_id"]["type"], sa.String)
        assert cols["repository_id"]["type"].length == 250
        assert isinstance(cols["repository_path"]["type"], sa.Text)
        assert isinstance(cols["version"]["type"], sa.Integer)
        pk = inspector.get_pk_constraint("migrate_version")["constrained_columns"]
        assert pk == ["repository_id"]
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT * FROM migrate_version").all()
        assert rows == [("app", str(app.resolve()), 3)]
    finally:
        engine.dispose()


def test_run_to_version_then_continue(app: Path) -> None:
    first = changeset("run", app, "--version", "1", cwd=app.parent)
    assert first.returncode == 0, first.stderr
    db = app.parent / "changeset.db"
    assert db_version(db, "app") == 1
    assert columns(db, "users") == ["id", "name"]
    second = changeset("run", app, cwd=app.parent)
    assert second.returncode == 0, second.stderr
    assert "001_users.py" not in second.stderr
    assert "applying 002_add_email.py" in second.stderr
    assert db_version(db, "app") == 3


def test_url_option_and_environment_variable(app: Path, tmp_path: Path) -> None:
    explicit = tmp_path / "explicit.db"
    result = changeset("run", app, "--url", f"sqlite:///{explicit}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert db_version(explicit, "app") == 3
    from_env = tmp_path / "env.db"
    result = changeset("run", app, cwd=tmp_path, env={"CHANGESET_URL": f"sqlite:///{from_env}"})
    assert result.returncode == 0, result.stderr
    assert db_version(from_env, "app") == 3
    assert not (tmp_path / "changeset.db").exists()


def test_legacy_repository_reads_migrate_cfg(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "whatever",
        {"001_tags.py": TAGS, "002_logs.py": LOGS, "README": "not a script", "__init__.py": ""},
        cfg="""
        [db_settings]
        repository_id=myapp
        version_table=schema_versions
        required_dbs=[]
        """,
    )
    result = changeset("run", repo, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "changeset.db"
    assert tables(db) == {"schema_versions", "tags", "logs"}
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT repository_id, version FROM schema_versions").fetchone()
    assert row == ("myapp", 2)


def test_continues_from_database_migrated_by_sqlalchemy_migrate(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "legacy",
        {
            "001_users.py": USERS,
            "002_add_email.py": ADD_EMAIL,
            "003_tags.py": TAGS,
            "004_logs.py": LOGS,
        },
        cfg="""
        [db_settings]
        repository_id=legacy app
        version_table=migrate_version
        """,
    )
    db = tmp_path / "changeset.db"
    # The state sqlalchemy-migrate left: its version table, at version 3.
    with sqlite3.connect(db) as conn:
        conn.execute(LEGACY_VERSION_TABLE)
        conn.execute(
            "INSERT INTO migrate_version VALUES ('legacy app', ?, 3)", (str(repo / "versions"),)
        )
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(40), email TEXT)")
        conn.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY)")
    status = changeset("version", repo, cwd=tmp_path)
    assert status.returncode == 0
    assert "database version: 3" in status.stdout
    assert "latest version: 4" in status.stdout

    result = changeset("run", repo, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "applying 004_logs.py ... ok" in result.stderr
    for earlier in ("001_users.py", "002_add_email.py", "003_tags.py"):
        assert earlier not in result.stderr
    assert db_version(db, "legacy app") == 4
    assert tables(db) == {"migrate_version", "users", "tags", "logs"}


def test_other_repositories_rows_are_left_alone(app: Path) -> None:
    db = app.parent / "changeset.db"
    with sqlite3.connect(db) as conn:
        conn.execute(LEGACY_VERSION_TABLE)
        conn.execute("INSERT INTO migrate_version VALUES ('other', '/x', 7)")
    result = changeset("run", app, cwd=app.parent)
    assert result.returncode == 0, result.stderr
    assert "no row for repository 'app'" in result.stderr
    assert db_version(db, "app") == 3
    assert db_version(db, "other") == 7


def test_failing_script_names_script_operation_and_error(app: Path) -> None:
    (app / "004_broken.py").write_text(textwrap.dedent(FAILING))
    (app / "005_logs.py").write_text(textwrap.dedent(LOGS))
    result = changeset("run", app, cwd=app.parent)
    assert result.returncode == 1
    db = app.parent / "changeset.db"
    assert "applying 004_broken.py ... FAILED" in result.stderr
    assert "004_broken.py (upgrade, version 3 -> 4) failed" in result.stderr
    assert 'line 7: migrate_engine.execute("ALTER TABLE no_such_table' in result.stderr
    assert "no such table: no_such_table" in result.stderr
    assert "still at version 3" in result.stderr
    assert "005_logs.py" not in result.stderr
    # SQLite has transactional DDL: the script's first statement was rolled back too.
    assert db_version(db, "app") == 3
    assert tables(db) == {"migrate_version", "users", "tags"}
    assert result.stdout == ""


def test_script_that_does_not_import_names_the_script(app: Path) -> None:
    (app / "004_syntax.py").write_text("def upgrade(migrate_engine):\n    return (\n")
    result = changeset("run", app, cwd=app.parent)
    assert result.returncode == 1
    assert "004_syntax.py" in result.stderr
    assert "SyntaxError" in result.stderr
    assert db_version(app.parent / "changeset.db", "app") == 3


def test_downgrade(app: Path) -> None:
    assert changeset("run", app, cwd=app.parent).returncode == 0
    db = app.parent / "changeset.db"
    result = changeset("run", app, "--downgrade", "1", cwd=app.parent)
    assert result.returncode == 0, result.stderr
    assert "reverting 003_tags.py ... ok" in result.stderr
    assert "reverting 002_add_email.py ... ok" in result.stderr
    assert result.stderr.index("003_tags.py") < result.stderr.index("002_add_email.py")
    assert db_version(db, "app") == 1
    assert tables(db) == {"migrate_version", "users"}
    assert columns(db, "users") == ["id", "name"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM users ORDER BY id").fetchall() == [("ann",), ("bob",)]

    to_zero = changeset("run", app, "--downgrade", cwd=app.parent)  # N defaults to 0
    assert to_zero.returncode == 0, to_zero.stderr
    assert db_version(db, "app") == 0
    assert tables(db) == {"migrate_version"}

    upward = changeset("run", app, "--downgrade", "2", cwd=app.parent)
    assert upward.returncode == 2
    assert "use --version" in upward.stderr


def test_dry_run_changes_nothing(app: Path) -> None:
    result = changeset("run", app, "--dry-run", cwd=app.parent)
    assert result.returncode == 0, result.stderr
    assert "would run 001_users.py (upgrade, version 0 -> 1)" in result.stdout
    assert "would run 003_tags.py (upgrade, version 2 -> 3)" in result.stdout
    db = app.parent / "changeset.db"
    assert not db.exists() or tables(db) == set()


def test_single_script_runs_its_upgrade_without_versioning(tmp_path: Path) -> None:
    script = tmp_path / "make_tags.py"
    script.write_text(textwrap.dedent(TAGS))
    result = changeset("run", script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "applying make_tags.py ... ok" in result.stderr
    db = tmp_path / "changeset.db"
    assert tables(db) == {"tags"}  # no migrate_version table
    assert "tags" in result.stdout
    result = changeset("run", script, "--downgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tables(db) == set()


def test_sql_scripts_are_split_into_statements(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "sqlrepo",
        {
            "001_notes.sql": """
                -- a comment; with a semicolon
                CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(40));
                BEGIN;
                INSERT INTO notes (body) VALUES ('a; b');
                INSERT INTO notes (body) VALUES ('c');
                COMMIT;
            """,
            "001_notes_sqlite_downgrade.sql": "DROP TABLE notes;",
            "002_other_postgresql_upgrade.sql": "CREATE TABLE pg_only (id SERIAL);",
            "002_other_default_upgrade.sql": "CREATE TABLE everywhere (id INTEGER);",
            "002_other_default_downgrade.sql": "DROP TABLE everywhere;",
        },
    )
    result = changeset("run", repo, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "changeset.db"
    assert tables(db) == {"migrate_version", "notes", "everywhere"}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT body FROM notes ORDER BY id").fetchall() == [("a; b",), ("c",)]
    down = changeset("run", repo, "--downgrade", "0", cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert "reverting 001_notes_sqlite_downgrade.sql" in down.stderr
    assert tables(db) == {"migrate_version"}


def test_verbose_logs_statements(app: Path) -> None:
    (app / "004_notes.sql").write_text("CREATE TABLE notes (id INTEGER);\n")
    result = changeset("run", app, "--verbose", cwd=app.parent)
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE notes (id INTEGER)" in result.stderr  # the runner's own statements
    # the core's changeset operations (002: Column.create) log theirs at DEBUG
    assert "ALTER TABLE users ADD COLUMN email" in result.stderr


def test_version_command(app: Path) -> None:
    before = changeset("version", app, cwd=app.parent)
    assert before.returncode == 0
    assert "database version: none (not under version control)" in before.stdout
    assert "latest version: 3" in before.stdout
    assert changeset("run", app, "--version", "2", cwd=app.parent).returncode == 0
    after = changeset("version", app, cwd=app.parent)
    assert "database version: 2" in after.stdout


def test_sql_command_writes_script_without_database(app: Path) -> None:
    result = changeset("sql", app, "--dialect", "postgresql", cwd=app.parent)
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE users" in result.stdout
    assert "ALTER TABLE users ADD COLUMN email VARCHAR(120)" in result.stdout
    assert "UPDATE migrate_version SET version=3" in result.stdout
    assert not (app.parent / "changeset.db").exists()


@pytest.mark.skipif(shutil.which("changeset") is None, reason="console script not installed")
def test_console_script(app: Path) -> None:
    usage = subprocess.run(["changeset"], capture_output=True, text=True, cwd=app.parent)
    assert usage.returncode == 2
    assert "usage: changeset" in usage.stderr
    result = subprocess.run(
        ["changeset", "run", str(app)], capture_output=True, text=True, cwd=app.parent
    )
    assert result.returncode == 0, result.stderr
    assert db_version(app.parent / "changeset.db", "app") == 3


# ------------------------------------------------------------------------------ the example


def test_blog_example_first_versions(tmp_path: Path) -> None:
    result = changeset("run", EXAMPLES / "blog", "--version", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "changeset.db"
    assert db_version(db, "blog") == 3
    assert columns(db, "users") == ["id", "name", "email"]
    assert columns(db, "posts") == ["id", "user_id", "title", "body", "created_at"]
    down = changeset("run", EXAMPLES / "blog", "--downgrade", "0", cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert tables(db) == {"migrate_version"}


def test_blog_example_full_round_trip(tmp_path: Path) -> None:
    import migrate  # noqa: F401 - activates Column.alter and Constraint.create

    if not hasattr(sa.Column, "alter"):
        pytest.skip("needs Column.alter (rename column) from the core")
    result = changeset("run", EXAMPLES / "blog", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "changeset.db"
    assert db_version(db, "blog") == 5
    assert columns(db, "posts") == ["id", "user_id", "title", "content", "created_at"]
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO users (name, email) VALUES ('ann', 'a@x')")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO users (name, email) VALUES ('bob', 'a@x')")
    assert "uq_users_email" in result.stdout
    down = changeset("run", EXAMPLES / "blog", "--downgrade", "0", cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert tables(db) == {"migrate_version"}
