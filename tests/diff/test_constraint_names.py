"""Constraint names (SPEC §12): read on every database (SQLite: from the stored
``CREATE TABLE`` of every table that names one), compared where the model gives a name,
kept when a script re-creates a table."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import compare
from migrate.changeset.reflection import SchemaInfo, read_schema


def model(suffix: str = "", *, named: bool = True) -> sa.MetaData:
    meta = sa.MetaData()

    def name(base: str) -> str | None:
        return f"{base}{suffix}" if named else None

    sa.Table(
        "parent",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.UniqueConstraint("code", name=name("uq_parent_code")),
    )
    sa.Table(
        "child",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("pid", sa.Integer),
        sa.Column("qty", sa.Integer),
        sa.ForeignKeyConstraint(["pid"], ["parent.id"], name=name("fk_child_parent")),
        sa.CheckConstraint("qty >= 0", name=name("ck_child_qty")),
    )
    return meta


def names(engine: sa.Engine) -> dict[str, list[str | None]]:
    with engine.connect() as conn:
        info: SchemaInfo = read_schema(conn)
    return {
        "unique": [u.name for u in info.tables["parent"].uniques],
        "foreign_key": [fk.name for fk in info.tables["child"].foreign_keys],
        "check": [c.name for c in info.tables["child"].checks],
    }


def fill(engine: sa.Engine, meta: sa.MetaData) -> None:
    with engine.begin() as conn:
        conn.execute(meta.tables["parent"].insert(), [{"id": 1, "code": "a"}])
        conn.execute(meta.tables["child"].insert(), [{"id": 1, "pid": 1, "qty": 3}])


def data(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.text(
                    "SELECT p.id, p.code, c.id, c.qty FROM parent p JOIN child c ON c.pid = p.id"
                )
            )
        ]


WANT = {
    "unique": ["uq_parent_code"],
    "foreign_key": ["fk_child_parent"],
    "check": ["ck_child_qty"],
}


def test_names_are_read_on_every_database(engine: sa.Engine) -> None:
    model().create_all(engine)
    assert names(engine) == WANT


def test_a_re_created_table_keeps_its_constraint_names(engine: sa.Engine) -> None:
    """The downgrade of a drop re-creates the tables as the database had them."""
    meta = model()
    meta.create_all(engine)
    fill(engine, meta)
    drop = compare(sa.MetaData(), engine)
    assert sorted(c.what for c in drop) == ["drop_table", "drop_table"]
    drop.apply(engine)
    drop.reversed().apply(engine)
    assert names(engine) == WANT
    assert str(compare(meta, engine)) == ""


def test_a_renamed_constraint_is_dropped_and_added(engine: sa.Engine) -> None:
    a, b = model(), model("_v2")
    a.create_all(engine)
    fill(engine, a)
    diff = compare(b, engine)
    assert sorted((c.what, c.table) for c in diff) == [
        ("add_constraint", "child"),
        ("add_constraint", "child"),
        ("add_constraint", "parent"),
        ("drop_constraint", "child"),
        ("drop_constraint", "child"),
        ("drop_constraint", "parent"),
    ]
    diff.apply(engine)
    assert str(compare(b, engine)) == ""
    assert names(engine) == {k: [f"{v[0]}_v2"] for k, v in WANT.items()}
    assert data(engine) == [(1, "a", 1, 3)]
    diff.reversed().apply(engine)
    assert str(compare(a, engine)) == ""
    assert names(engine) == WANT
    assert data(engine) == [(1, "a", 1, 3)]


def test_an_unnamed_model_constraint_takes_any_name(engine: sa.Engine) -> None:
    model().create_all(engine)
    assert str(compare(model(named=False), engine)) == ""


@pytest.mark.backends("sqlite")
def test_sqlite_names_on_column_constraints(engine: sa.Engine) -> None:
    """SQLite: a name given on a column constraint is read too (the table is parsed)."""
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT)")
        conn.exec_driver_sql(
            "CREATE TABLE c (id INTEGER PRIMARY KEY, "
            "pid INTEGER CONSTRAINT fk_c_p REFERENCES p (id), "
            "code TEXT CONSTRAINT uq_c_code UNIQUE)"
        )
        info = read_schema(conn)
    assert [fk.name for fk in info.tables["c"].foreign_keys] == ["fk_c_p"]
    assert [u.name for u in info.tables["c"].uniques] == ["uq_c_code"]
