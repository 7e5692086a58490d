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
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

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


# ---------------------------------------------------------------------------- random models

_TYPES = {
    "int": lambda: sa.Integer(),
    "str10": lambda: sa.String(10),
    "str40": lambda: sa.String(40),
    "text": lambda: sa.Text(),
    "num": lambda: sa.Numeric(8, 2),
    "bool": lambda: sa.Boolean(),
    "date": lambda: sa.Date(),
}
_DEFAULTS = {
    "int": ["0", "7"],
    "str10": ["x", ""],
    "str40": ["hello"],
    "text": [],
    "num": ["0", "1.50"],
    "bool": [],
    "date": [],
}
_VALUES = {
    "int": lambda i: i,
    "str10": lambda i: f"v{i}",
    "str40": lambda i: f"value {i}",
    "text": lambda i: f"text {i}",
    "num": lambda i: i + 0.25,
    "bool": lambda i: i % 2 == 0,
    "date": lambda i: __import__("datetime").date(2020, 1, 1 + i),
}


@st.composite
def columns(draw: st.DrawFn, prefix: str) -> list[tuple[str, str, bool, str | None, bool]]:
    """(name, type, nullable, server default, indexed) for a few columns."""
    n = draw(st.integers(0, 4))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(sorted(_TYPES)))
        default = draw(st.sampled_from([None, *_DEFAULTS[kind]]))
        nullable = draw(st.booleans()) or default is None
        indexed = kind not in ("text",) and draw(st.booleans())
        out.append((f"{prefix}{i}", kind, nullable, default, indexed))
    return out


def _model(
    cols: list[tuple[str, str, bool, str | None, bool]], unique: bool, check: bool
) -> sa.MetaData:
    meta = sa.MetaData()
    sa.Table("ref", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    t = sa.Table(
        "thing",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("ref_id", sa.Integer, sa.ForeignKey("ref.id")),
    )
    for name, kind, nullable, default, indexed in cols:
        t.append_column(sa.Column(name, _TYPES[kind](), nullable=nullable, server_default=default))
        if indexed:
            sa.Index(f"ix_thing_{name}", t.c[name])
    ints = [c[0] for c in cols if c[1] == "int"]
    if unique and cols:
        t.append_constraint(sa.UniqueConstraint(cols[0][0], "id", name="uq_thing"))
    if check and ints:
        t.append_constraint(sa.CheckConstraint(f"{ints[0]} > -100", name="ck_thing"))
    return meta


@st.composite
def model_pairs(draw: st.DrawFn) -> tuple[list, bool, bool, list, bool, bool]:
    a = draw(columns("c"))
    keep = [c for c in a if draw(st.booleans())]
    changed = []
    for name, kind, nullable, default, indexed in keep:
        if draw(st.booleans()):
            nullable = nullable if default is None else draw(st.booleans())
            indexed = not indexed if kind != "text" else False
            default = draw(st.sampled_from([None, *_DEFAULTS[kind]]))
            nullable = nullable or default is None and nullable
        changed.append((name, kind, nullable if default is not None else True, default, indexed))
    b = changed + draw(columns("n"))
    return a, draw(st.booleans()), draw(st.booleans()), b, draw(st.booleans()), draw(st.booleans())


@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pair=model_pairs())
@example(
    pair=(
        [("c0", "int", False, "0", True)],
        True,
        True,
        [("c0", "int", True, None, False)],
        False,
        False,
    )
)
def test_random_round_trip(engine: sa.Engine, pair: tuple) -> None:
    a_cols, a_unique, a_check, b_cols, b_unique, b_check = pair
    a = _model(a_cols, a_unique, a_check)
    b = _model(b_cols, b_unique, b_check)
    b_names = {c[0] for c in b_cols}
    a.drop_all(engine)
    a.create_all(engine)
    with engine.begin() as conn:
        conn.execute(a.tables["ref"].insert(), [{"id": 1}])
        rows = [
            {"id": i, "ref_id": 1, **{c[0]: _VALUES[c[1]](i) for c in a_cols}} for i in range(3)
        ]
        conn.execute(a.tables["thing"].insert(), rows)
    assert str(compare(a, engine)) == ""
    diff = compare(b, engine)
    diff.apply(engine)
    assert str(compare(b, engine)) == ""
    surviving = ["id"] + [c[0] for c in a_cols if c[0] in b_names]
    with engine.connect() as conn:
        got = conn.execute(
            sa.select(*(sa.column(n) for n in surviving))
            .select_from(sa.table("thing"))
            .order_by(sa.column("id"))
        ).all()
    want = [tuple(r[n] for n in surviving) for r in rows]
    assert [tuple(map(_plain, r)) for r in got] == [tuple(map(_plain, w)) for w in want]
    diff.reversed().apply(engine)
    assert str(compare(a, engine)) == ""
    b.drop_all(engine)
    a.drop_all(engine)


def _plain(value: object) -> object:
    from decimal import Decimal

    if isinstance(value, Decimal | float):
        return round(float(value), 2)
    if isinstance(value, bool):
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return value
