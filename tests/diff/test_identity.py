"""Autoincrement and identity (SPEC §12): detected, scripted and run on every backend.

Four models of one key column: ``identity`` (``sa.Identity()``), ``auto`` (SQLAlchemy's
``autoincrement="auto"``: PostgreSQL ``SERIAL``, MySQL ``AUTO_INCREMENT``, SQLite's rowid),
``plain`` (``autoincrement=False``) and ``sqlite_ai`` (``sqlite_autoincrement=True``: the
``AUTOINCREMENT`` keyword on SQLite). What each dialect makes of them decides what differs:
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import compare

KINDS = ("identity", "auto", "plain", "sqlite_ai")

#: what the database generates for each model, per backend (None: nothing)
GENERATED = {
    "sqlite": {"identity": None, "auto": None, "plain": None, "sqlite_ai": "autoincrement"},
    "postgresql": {
        "identity": "identity",
        "auto": "serial",
        "plain": None,
        "sqlite_ai": "serial",
    },
    "mysql": {
        "identity": "auto_increment",
        "auto": "auto_increment",
        "plain": None,
        "sqlite_ai": "auto_increment",
    },
}


def model(kind: str) -> sa.MetaData:
    meta = sa.MetaData()
    identity = [sa.Identity()] if kind == "identity" else []
    sa.Table(
        "t",
        meta,
        sa.Column("id", sa.Integer, *identity, primary_key=True, autoincrement=kind != "plain"),
        sa.Column("x", sa.String(10)),
        sqlite_autoincrement=kind == "sqlite_ai",
    )
    return meta


def differs(backend: str, a: str, b: str) -> bool:
    have, want = GENERATED[backend][a], GENERATED[backend][b]
    # an identity column satisfies a model that SQLAlchemy would make SERIAL
    return have != want and not (have == "identity" and want == "serial")


def rows(engine: sa.Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT id, x FROM t ORDER BY id"))]


def insert_without_id(engine: sa.Engine, x: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO t (x) VALUES (:x)"), {"x": x})


def owned_sequences(engine: sa.Engine) -> list[str]:
    """PostgreSQL: the sequences that ``t.id`` owns (serial or identity)."""
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
                    "JOIN pg_class t ON d.refobjid = t.oid WHERE s.relkind = 'S' "
                    "AND t.relname = 't' AND d.deptype IN ('a', 'i')"
                )
            ).scalars()
        )


@pytest.mark.parametrize("kind", KINDS)
def test_a_model_compares_clean_with_the_table_it_created(
    engine: sa.Engine, backend_name: str, kind: str
) -> None:
    meta = model(kind)
    meta.create_all(engine)
    assert str(compare(meta, engine)) == ""


@pytest.mark.parametrize("b", KINDS)
@pytest.mark.parametrize("a", KINDS)
def test_identity_changes_round_trip(engine: sa.Engine, backend_name: str, a: str, b: str) -> None:
    meta_a, meta_b = model(a), model(b)
    meta_a.create_all(engine)
    with engine.begin() as conn:
        conn.execute(meta_a.tables["t"].insert(), [{"id": 5, "x": "five"}, {"id": 9, "x": "nine"}])
    diff = compare(meta_b, engine)
    if not differs(backend_name, a, b):
        assert str(diff) == ""
        return
    assert [(c.what, c.attribute) for c in diff] == [("alter_column", "autoincrement")]
    assert not diff.destructive
    assert "autoincrement=" in diff.to_python()
    diff.apply(engine)
    assert str(compare(meta_b, engine)) == ""
    assert rows(engine) == [(5, "five"), (9, "nine")]  # the rows keep their ids
    if GENERATED[backend_name][b] is not None:
        insert_without_id(engine, "new")  # a fresh id, past the rows there
        assert rows(engine) == [(5, "five"), (9, "nine"), (10, "new")]
    if backend_name == "postgresql":
        assert len(owned_sequences(engine)) == (GENERATED["postgresql"][b] is not None)
    diff.reversed().apply(engine)
    assert str(compare(meta_a, engine)) == ""
    kept = rows(engine)
    assert kept[:2] == [(5, "five"), (9, "nine")]
    if GENERATED[backend_name][a] is not None:
        insert_without_id(engine, "later")
        assert rows(engine)[-1][0] > max(r[0] for r in kept)
    if backend_name == "postgresql":
        assert len(owned_sequences(engine)) == (GENERATED["postgresql"][a] is not None)


@pytest.mark.backends("postgresql")
def test_pg_serial_to_identity_script(engine: sa.Engine) -> None:
    model("auto").create_all(engine)
    diff = compare(model("identity"), engine)
    assert str(diff) == "  alter column t.id autoincrement: serial -> identity"
    assert 't.alter_column("id", server_default=None, autoincrement=True)' in diff.to_python()
    # the downgrade leaves the identity (it satisfies the SERIAL model): nothing to run
    back = diff.reversed().to_python()
    assert back == "    # id stays an identity column (it generates the ids)\n    pass\n"
    compile(diff.script(), "<script>", "exec")


def test_a_new_table_keeps_its_generated_key(engine: sa.Engine, backend_name: str) -> None:
    """Tables the script creates (upgrade) or re-creates (downgrade) keep identity,
    SERIAL, AUTO_INCREMENT and AUTOINCREMENT."""
    for kind in KINDS:
        meta = model(kind)
        diff = compare(meta, engine)
        diff.apply(engine)
        assert str(compare(meta, engine)) == "", kind
        back = diff.reversed()
        assert [c.what for c in back] == ["drop_table"]
        back.apply(engine)
        meta.create_all(engine)
        dropped = compare(sa.MetaData(), engine)
        dropped.apply(engine)
        dropped.reversed().apply(engine)  # re-created from the reflected table
        assert str(compare(meta, engine)) == "", kind
        meta.drop_all(engine)


@pytest.mark.backends("mysql")
def test_mysql_auto_increment_on_keeps_a_zero_id(engine: sa.Engine) -> None:
    """Turning AUTO_INCREMENT on renumbers a row whose id is 0 (or fails on a duplicate)
    unless NO_AUTO_VALUE_ON_ZERO holds for that statement."""
    meta = model("plain")
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(meta.tables["t"].insert(), [{"id": i, "x": f"r{i}"} for i in (0, 1, 2)])
    diff = compare(model("auto"), engine)
    diff.apply(engine)
    assert str(compare(model("auto"), engine)) == ""
    insert_without_id(engine, "new")
    assert rows(engine) == [(0, "r0"), (1, "r1"), (2, "r2"), (3, "new")]
    with engine.connect() as conn:
        mode = conn.execute(sa.text("SELECT @@sql_mode")).scalar()
    assert "NO_AUTO_VALUE_ON_ZERO" not in str(mode)  # the session's mode is untouched
