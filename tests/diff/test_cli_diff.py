"""``changeset diff`` and ``changeset script --autogenerate`` end to end (SPEC §12): the
generated script runs with ``changeset run``, after which ``changeset diff`` exits 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

MODEL_1 = """\
import sqlalchemy as sa

metadata = sa.MetaData()
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(40), nullable=False),
)
"""

MODEL_2 = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


users = sa.Table(
    "users",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("full_name", sa.String(40), nullable=False),
    sa.Column("email", sa.String(120), nullable=False, server_default=""),
    sa.Index("ix_users_email", "email"),
)
posts = sa.Table(
    "posts",
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
)
"""


def changeset(*args: str | Path, cwd: Path, url: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "CHANGESET_URL"}
    return subprocess.run(
        [sys.executable, "-m", "migrate", *map(str, args), "--url", url],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_diff_script_run_then_in_sync(url: str, engine: sa.Engine, tmp_path: Path) -> None:
    (tmp_path / "models1.py").write_text(MODEL_1)
    (tmp_path / "models2.py").write_text(MODEL_2)
    repo = tmp_path / "migrations"

    result = changeset("diff", "models1:metadata", cwd=tmp_path, url=url)
    assert result.returncode == 1, result.stderr
    assert result.stdout.strip() == "add table users"

    result = changeset(
        "script", repo, "create users", "--autogenerate", "models1:metadata", cwd=tmp_path, url=url
    )
    assert result.returncode == 0, result.stderr
    assert (repo / "001_create_users.py").is_file()
    result = changeset("run", repo, cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stderr
    assert changeset("diff", "models1:metadata", cwd=tmp_path, url=url).returncode == 0
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bob')"))

    # without the hint: a likely rename, warned about on stderr
    result = changeset("diff", "models2:Base", cwd=tmp_path, url=url)
    assert result.returncode == 1
    assert "warning: likely a rename: pass --rename users.name=full_name" in result.stderr
    assert "! drop column users.name" in result.stdout

    result = changeset(
        "script",
        repo,
        "posts and email",
        "--autogenerate",
        "models2:Base",
        "--rename",
        "users.name=full_name",
        cwd=tmp_path,
        url=url,
    )
    assert result.returncode == 0, result.stderr
    script = repo / "002_posts_and_email.py"
    assert 't.rename_column("name", "full_name")' in script.read_text()
    result = changeset("run", repo, cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stderr
    result = changeset("diff", "models2:Base", cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, full_name, email FROM users ORDER BY id")).all()
    assert rows == [(1, "Ann", ""), (2, "Bob", "")]

    result = changeset("run", repo, "--downgrade", "1", cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stderr
    assert changeset("diff", "models1:metadata", cwd=tmp_path, url=url).returncode == 0
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, name FROM users ORDER BY id")).all()
    assert rows == [(1, "Ann"), (2, "Bob")]


def test_diff_usage_errors_exit_2(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert changeset("diff", "no_such_module:meta", cwd=tmp_path, url=url).returncode == 2
    assert changeset("diff", "nocolon", cwd=tmp_path, url=url).returncode == 2


def test_diff_sql_prints_the_upgrade_sql(url: str, engine: sa.Engine, tmp_path: Path) -> None:
    (tmp_path / "models2.py").write_text(MODEL_2)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(40))"))
    result = changeset(
        "diff", "models2:Base", "--sql", "--rename", "users.name=full_name", cwd=tmp_path, url=url
    )
    assert result.returncode == 1, result.stderr
    assert "CREATE TABLE posts" in result.stdout
    assert "full_name" in result.stdout and "email" in result.stdout
    # nothing ran
    assert sa.inspect(engine).get_table_names() == ["users"]
    other = "postgresql" if engine.dialect.name != "postgresql" else "sqlite"
    result = changeset("diff", "models2:Base", "--sql", "--dialect", other, cwd=tmp_path, url=url)
    assert result.returncode == 2


KEY_MODEL = """\
import sqlalchemy as sa

metadata = sa.MetaData()
items = sa.Table(
    "items",
    metadata,
    sa.Column("id", sa.Integer, {identity}primary_key=True, autoincrement={auto}),
    sa.Column("name", sa.String(20)),
    sqlite_autoincrement={auto},
)
"""


def test_generated_key_script_run_then_in_sync(url: str, engine: sa.Engine, tmp_path: Path) -> None:
    """A plain key made generated (identity on PostgreSQL, AUTO_INCREMENT on MySQL,
    AUTOINCREMENT on SQLite) by an autogenerated script, run and reversed by the CLI."""
    (tmp_path / "plain.py").write_text(KEY_MODEL.format(identity="", auto=False))
    (tmp_path / "keyed.py").write_text(KEY_MODEL.format(identity="sa.Identity(), ", auto=True))
    repo = tmp_path / "migrations"
    for model, description in (("plain", "items"), ("keyed", "generated ids")):
        result = changeset(
            "script",
            repo,
            description,
            "--autogenerate",
            f"{model}:metadata",
            cwd=tmp_path,
            url=url,
        )
        assert result.returncode == 0, result.stderr
        if model == "plain":
            assert changeset("run", repo, cwd=tmp_path, url=url).returncode == 0
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO items (id, name) VALUES (4, 'a'), (8, 'b')"))
    script = (repo / "002_generated_ids.py").read_text()
    assert 't.alter_column("id", autoincrement=True)' in script
    assert 't.alter_column("id", autoincrement=False)' in script  # the downgrade
    result = changeset("run", repo, cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stderr
    result = changeset("diff", "keyed:metadata", cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO items (name) VALUES ('c')"))
        rows = conn.execute(sa.text("SELECT id, name FROM items ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(4, "a"), (8, "b"), (9, "c")]

    result = changeset("run", repo, "--downgrade", "1", cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stderr
    result = changeset("diff", "plain:metadata", cwd=tmp_path, url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, name FROM items ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [(4, "a"), (8, "b"), (9, "c")]
