"""What Alembic's autogenerate misses (issue 21), detected and applied on every backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import compare


def _round_trip(engine: sa.Engine, a: sa.MetaData, b: sa.MetaData) -> list[str]:
    a.create_all(engine)
    diff = compare(b, engine)
    found = [f"{c.what} {c.attribute or ''}".strip() for c in diff]
    diff.apply(engine)
    assert str(compare(b, engine)) == ""
    diff.reversed().apply(engine)
    assert str(compare(a, engine)) == ""
    return found


@pytest.mark.filterwarnings("error")  # the scripts run without a warning (SAWarning)
def test_primary_key_change(engine: sa.Engine) -> None:
    def model(pk: tuple[str, ...]) -> sa.MetaData:
        meta = sa.MetaData()
        sa.Table(
            "t",
            meta,
            sa.Column("a", sa.Integer, primary_key="a" in pk, autoincrement=False, nullable=False),
            sa.Column("b", sa.Integer, primary_key="b" in pk, nullable=False),
        )
        return meta

    a = model(("a",))
    a.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (a, b) VALUES (1, 1), (2, 1)"))
    found = _round_trip_existing(engine, a, model(("a", "b")))
    assert found == ["drop_constraint", "add_constraint"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT a, b FROM t ORDER BY a")).all() == [(1, 1), (2, 1)]


def _round_trip_existing(engine: sa.Engine, a: sa.MetaData, b: sa.MetaData) -> list[str]:
    diff = compare(b, engine)
    found = [c.what for c in diff]
    diff.apply(engine)
    assert str(compare(b, engine)) == ""
    diff.reversed().apply(engine)
    assert str(compare(a, engine)) == ""
    return found


def test_unnamed_check_and_unique_are_compared_and_dropped(engine: sa.Engine) -> None:
    def model(with_constraints: bool) -> sa.MetaData:
        meta = sa.MetaData()
        t = sa.Table(
            "t", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Integer)
        )
        if with_constraints:
            t.append_constraint(sa.CheckConstraint("x > 0"))
            t.append_constraint(sa.UniqueConstraint("x"))
        return meta

    found = _round_trip(engine, model(True), model(False))
    assert sorted(found) == ["drop_constraint", "drop_constraint"]


def test_check_expression_change_is_detected(engine: sa.Engine) -> None:
    def model(sql: str) -> sa.MetaData:
        meta = sa.MetaData()
        sa.Table(
            "t",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("x", sa.Integer),
            sa.CheckConstraint(sql, name="ck_x"),
        )
        return meta

    found = _round_trip(engine, model("x > 0"), model("x > 1"))
    assert sorted(found) == ["add_constraint", "drop_constraint"]


def test_foreign_key_action_change(engine: sa.Engine) -> None:
    def model(ondelete: str | None) -> sa.MetaData:
        meta = sa.MetaData()
        sa.Table("p", meta, sa.Column("id", sa.Integer, primary_key=True))
        sa.Table(
            "c",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("pid", sa.Integer, sa.ForeignKey("p.id", ondelete=ondelete)),
        )
        return meta

    assert sorted(_round_trip(engine, model(None), model("CASCADE"))) == [
        "add_constraint",
        "drop_constraint",
    ]


@pytest.mark.backends("postgresql", "mysql")
def test_comments(engine: sa.Engine) -> None:
    def model(comment: str | None) -> sa.MetaData:
        meta = sa.MetaData()
        sa.Table(
            "t",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("x", sa.String(10), nullable=False, server_default="d", comment=comment),
            comment=comment,
        )
        return meta

    found = _round_trip(engine, model(None), model("it's new"))
    assert sorted(found) == ["alter_column comment", "alter_table_comment"]


@pytest.mark.backends("postgresql")
def test_enum_labels(engine: sa.Engine) -> None:
    def model(*labels: str) -> sa.MetaData:
        meta = sa.MetaData()
        sa.Table(
            "t",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("mood", sa.Enum(*labels, name="mood")),
        )
        return meta

    a = model("happy", "sad")
    a.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (id, mood) VALUES (1, 'sad')"))
    diff = compare(model("happy", "meh", "sad"), engine)
    assert [(c.what, c.new) for c in diff] == [("alter_enum", ("happy", "meh", "sad"))]
    assert not diff.destructive
    assert diff.reversed().destructive  # a label removed
    diff.apply(engine)
    assert str(compare(model("happy", "meh", "sad"), engine)) == ""
    diff.reversed().apply(engine)
    assert str(compare(a, engine)) == ""
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT mood::text FROM t")).scalar() == "sad"
