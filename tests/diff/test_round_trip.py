"""The round trip is the contract (SPEC §12): from database A and model B, the generated
upgrade makes ``compare(B)`` empty and keeps the rows of every surviving column; its
downgrade makes ``compare(A)`` empty again. Fixed cases here; random ones in
tests/properties/test_diff_round_trip.py."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from migrate.changeset import compare

Build = Callable[[sa.MetaData], None]


def _a(meta: sa.MetaData) -> None:
    sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.UniqueConstraint("code"),
    )
    sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id")),
        sa.Column("name", sa.String(30)),
        sa.Column("qty", sa.Integer, server_default="1"),
        sa.Column("gone", sa.String(10)),
        sa.CheckConstraint("qty >= 0"),
        sa.Index("ix_child_name", "name"),
    )


def _b(meta: sa.MetaData) -> None:
    sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default="n/a"),
        sa.UniqueConstraint("code", name="uq_parent_code"),
    )
    sa.Table(
        "kid",  # renamed from child (with a hint)
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id", ondelete="CASCADE")),
        sa.Column("full_name", sa.String(30)),  # renamed from name (with a hint)
        sa.Column("qty", sa.Integer, nullable=False, server_default="2"),
        sa.CheckConstraint("qty >= 1", name="ck_qty"),
        sa.Index("ix_kid_name", "full_name", "qty"),
    )
    sa.Table("extra", meta, sa.Column("id", sa.Integer, primary_key=True))


def _fill(engine: sa.Engine, meta: sa.MetaData) -> None:
    with engine.begin() as conn:
        conn.execute(meta.tables["parent"].insert(), [{"id": i, "code": f"c{i}"} for i in (1, 2)])
        conn.execute(
            meta.tables["child"].insert(),
            [
                {"id": i, "pid": 1 + i % 2, "name": f"n{i}", "qty": i, "gone": "g"}
                for i in (1, 2, 3)
            ],
        )


def _meta(build: Build) -> sa.MetaData:
    meta = sa.MetaData()
    build(meta)
    return meta


def test_round_trip_with_renames_keeps_rows(engine: sa.Engine) -> None:
    a, b = _meta(_a), _meta(_b)
    a.create_all(engine)
    _fill(engine, a)
    renames = {"child": "kid", "child.name": "full_name"}
    diff = compare(b, engine, renames=renames)
    whats = {(c.what, c.table) for c in diff}
    assert ("rename_table", "child") in whats and ("rename_column", "kid") in whats
    assert diff.destructive  # child.gone goes
    diff.apply(engine)
    assert str(compare(b, engine)) == ""
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT id, pid, full_name FROM kid ORDER BY id")).all()
        notes = conn.execute(sa.text("SELECT note FROM parent ORDER BY id")).scalars().all()
    assert kept == [(1, 2, "n1"), (2, 1, "n2"), (3, 2, "n3")]
    assert notes == ["n/a", "n/a"]
    diff.reversed().apply(engine)
    assert str(compare(a, engine)) == ""
    with engine.connect() as conn:
        back = conn.execute(sa.text("SELECT id, pid, name, qty FROM child ORDER BY id")).all()
    assert back == [(1, 2, "n1", 1), (2, 1, "n2", 2), (3, 2, "n3", 3)]


def test_without_hints_a_likely_rename_is_reported(engine: sa.Engine) -> None:
    a, b = _meta(_a), _meta(_b)
    a.create_all(engine)
    diff = compare(b, engine)
    assert "likely a rename: pass --rename child=kid" not in diff.notes  # columns differ
    one = sa.MetaData()
    sa.Table(
        "parent",
        one,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.UniqueConstraint("code"),
    )
    sa.Table(  # child with name spelt full_name
        "child",
        one,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pid", sa.Integer, sa.ForeignKey("parent.id")),
        sa.Column("full_name", sa.String(30)),
        sa.Column("qty", sa.Integer, server_default="1"),
        sa.Column("gone", sa.String(10)),
        sa.CheckConstraint("qty >= 0"),
    )
    diff = compare(one, engine)
    assert "likely a rename: pass --rename child.name=full_name" in diff.notes
    source = diff.to_python()
    assert "# likely a rename: pass --rename child.name=full_name" in source
    assert "t.drop_column('name')" in source or 't.drop_column("name")' in source


def test_generated_script_is_formatted(engine: sa.Engine, tmp_path: Path) -> None:
    a, b = _meta(_a), _meta(_b)
    a.create_all(engine)
    diff = compare(b, engine, renames={"child": "kid", "child.name": "full_name"})
    script = tmp_path / "002_change.py"
    script.write_text(diff.script("change things"))
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", "--no-cache", str(script)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    compile(script.read_text(), str(script), "exec")


def test_schema_round_trip(engine: sa.Engine) -> None:
    """``compare(schema=...)`` reads and changes that schema only."""
    a, b = sa.MetaData(schema="other_schema"), sa.MetaData(schema="other_schema")
    _a(a)
    _b(b)
    a.create_all(engine)
    plain = _meta(_a)
    plain.create_all(engine)  # the same tables in the default schema: left alone
    renames = {"child": "kid", "child.name": "full_name"}
    diff = compare(b, engine, schema="other_schema", renames=renames)
    assert 'schema="other_schema"' in diff.to_python()
    diff.apply(engine)
    assert str(compare(b, engine, schema="other_schema")) == ""
    assert str(compare(plain, engine)) == ""
    diff.reversed().apply(engine)
    assert str(compare(a, engine, schema="other_schema")) == ""
