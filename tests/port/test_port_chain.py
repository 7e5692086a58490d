"""``changeset port --write`` on a whole unported repository, then ``changeset run`` on it.

``legacy_original/`` is the porting guide's worked example (``tests/docs/legacy_repo``) as
sqlalchemy-migrate 0.13 scripts were written for SQLAlchemy 1.x: bound MetaData,
``autoload=True``, ``table.create()``, implicit execution, ``select([...])``,
``convert_unicode``. The port must yield scripts that reach the same schema and rows as
the hand port, on every configured database, with no hand edit.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

pytest.importorskip("libcst", reason="the [port] extra (libcst) is not installed")

from migrate import cli  # noqa: E402

HERE = Path(__file__).resolve().parent
ORIGINAL = HERE / "legacy_original"
HAND_PORTED = HERE.parent / "docs" / "legacy_repo"


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def state(engine: Engine) -> tuple[str, list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The schema as ``changeset run`` prints it, and the rows of both tables."""
    schema = cli.describe_schema(engine, exclude=("migrate_version",))
    names = sa.inspect(engine).get_table_names()
    accounts = "projects" if "projects" in names else "accounts"
    with engine.connect() as conn:
        instances = conn.execute(sa.text("SELECT * FROM instances ORDER BY id")).all()
        owners = conn.execute(sa.text(f"SELECT id, name FROM {accounts} ORDER BY id")).all()
    return schema, [tuple(r) for r in instances], [tuple(r) for r in owners]


def test_port_then_replay_reaches_the_hand_ported_schema(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "inventory"
    shutil.copytree(ORIGINAL, repo)
    assert cli.main(["port", str(repo), "--write"]) == 0
    summary = capsys.readouterr().err
    assert summary.splitlines()[-1] == "6 scripts, 5 changed, 27 rewrites, 0 lines not ported"
    assert cli.main(["port", str(repo)]) == 0  # a second run changes nothing
    again = capsys.readouterr()
    assert again.out == ""
    assert again.err.splitlines()[-1] == "6 scripts, 0 changed, 0 rewrites, 0 lines not ported"

    url = url_of(engine)
    assert cli.main(["run", str(repo), "--url", url]) == 0
    assert "inventory: version 0 -> 5" in capsys.readouterr().err
    ported = state(engine)
    schema, instances, owners = ported
    assert "instances" in schema and "uq_instances_account_hostname" in schema
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in instances] == [
        (1, 1, "Web 1", "active", "web-1"),
        (2, 1, "DB 1", "building", "db-1"),
    ]
    assert owners == [(1, "admin")]

    # down to the empty database with the ported downgrades, up again with the hand port
    assert cli.main(["run", str(repo), "--url", url, "--downgrade"]) == 0
    assert sa.inspect(engine).get_table_names() == ["migrate_version"]
    assert cli.main(["run", str(HAND_PORTED), "--url", url]) == 0
    assert state(engine) == ported


def test_port_prints_a_diff_and_writes_nothing_without_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "001_initial.py"
    shutil.copy(ORIGINAL / "versions" / "001_initial.py", script)
    before = script.read_text()
    assert cli.main(["port", str(script)]) == 0
    out, err = capsys.readouterr()
    assert script.read_text() == before
    assert out.startswith(f"--- a/{script}\n+++ b/{script}\n")
    assert "\n-    accounts.create()\n" in out
    assert "\n+    accounts.create(migrate_engine)\n" in out
    assert err.splitlines() == [
        f"{script}: 8 rewrites, 0 lines not ported",
        "1 scripts, 1 changed, 8 rewrites, 0 lines not ported",
    ]


def test_port_lists_what_it_cannot_port_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "007_misc.py"
    script.write_text(
        "from sqlalchemy import MetaData, Table\n"
        "\n"
        "meta = MetaData()\n"
        "images = Table('images', meta, autoload=True)\n"
        "\n"
        "\n"
        "def upgrade(migrate_engine):\n"
        "    for thing in things():\n"
        "        thing.drop()\n"
    )
    assert cli.main(["port", str(tmp_path), "--write"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{script}: 0 rewrites, 2 lines not ported"
    assert err[1].startswith(f"  {script}:4: not ported: Table(autoload=True): no bind in scope")
    assert err[2].startswith(f"  {script}:9: not ported: thing.drop(): cannot tell")


def test_unparsable_script_fails_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "001_bad.py").write_text("def upgrade(migrate_engine)\n    pass\n")
    assert cli.main(["port", str(tmp_path)]) == 1
    assert f"{tmp_path / '001_bad.py'}:2: cannot parse" in capsys.readouterr().err


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["port", "no_such_folder"]) == 2
    assert "no such file or folder: no_such_folder" in capsys.readouterr().err


def test_without_libcst_the_message_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "libcst", None)  # what a missing package looks like
    assert cli.main(["port", str(ORIGINAL)]) == 2
    err = capsys.readouterr().err
    assert "changeset port needs libcst: pip install 'sqlalchemy-changeset[port]'" in err
