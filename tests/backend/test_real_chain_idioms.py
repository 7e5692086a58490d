"""Idioms of real sqlalchemy-migrate repositories that stopped a chain halfway (issue #19).

Each test is one behaviour, on every backend it concerns; schema and data are asserted.
"""

from __future__ import annotations

import enum
import io
import itertools
import pickle
import subprocess
import sys
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import migrate.changeset  # noqa: F401  (installs the legacy methods)
from migrate.changeset import MetaData, to_sql
from migrate.changeset.constraint import (
    CheckConstraint,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    UniqueConstraint,
)
from migrate.exceptions import (
    Error,
    InvalidOperationError,
    NoSuchObjectError,
    OfflineError,
)
from tests.support import schema_state


def _table(engine: sa.Engine, name: str, *cols: Any, rows: int = 3) -> sa.Table:
    meta = MetaData(bind=engine)
    t = sa.Table(name, meta, sa.Column("id", sa.Integer, primary_key=True), *cols)
    t.create(engine)
    if rows:
        with engine.begin() as conn:
            conn.execute(t.insert(), [{"id": i} for i in range(1, rows + 1)])
    return t


def _reflect(engine: sa.Engine, name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=engine)


def _sqlite_sql(engine: sa.Engine, name: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:n"), {"n": name}
            ).scalar_one()
        )


# ---- 1. a Python default goes through the type's bind processing ----------------------------


class Color(enum.Enum):
    red = "r"
    green = "g"


class Upper(sa.types.TypeDecorator[str]):
    impl = sa.String(20)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else f"<{value.upper()}>"


@pytest.mark.parametrize(
    ("type_", "default", "expected"),
    [
        (sa.PickleType(), {}, {}),
        (sa.PickleType(), {"a": [1, 2]}, {"a": [1, 2]}),
        (sa.JSON(), {"k": [1, "x"]}, {"k": [1, "x"]}),
        (Upper(), "abc", "<ABC>"),
        (sa.Enum(Color, name="color_enum"), Color.green, Color.green),
    ],
    ids=["pickle-empty", "pickle-dict", "json", "typedecorator", "enum-class"],
)
@pytest.mark.parametrize("nullable", [True, False], ids=["null", "notnull"])
def test_python_default_through_bind_processing(
    engine: sa.Engine, type_: Any, default: Any, expected: Any, nullable: bool
) -> None:
    """Existing rows get the default exactly as an INSERT of it would store it."""
    t = _table(engine, "images")
    col = sa.Column("meta_data", type_, default=default, nullable=nullable)
    col.create(t)

    # the raw stored value equals what an INSERT of the default stores
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 10}])
        stored = conn.execute(sa.text("SELECT id, meta_data FROM images ORDER BY id")).all()
    raw = {r[0]: r[1] for r in stored}
    assert set(raw) == {1, 2, 3, 10}
    for i in (1, 2, 3):
        assert raw[i] == raw[10], (i, raw)
    with engine.connect() as conn:
        values = conn.execute(sa.select(t.c.id, t.c.meta_data).order_by(t.c.id)).all()
    assert [tuple(v) for v in values] == [(i, expected) for i in (1, 2, 3, 10)]
    reflected = {c["name"]: c for c in sa.inspect(engine).get_columns("images")}
    assert list(reflected) == ["id", "meta_data"]
    assert reflected["meta_data"]["nullable"] is nullable
    assert reflected["meta_data"]["default"] is None


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_python_default_offline_renders_the_processed_value(dialect: str) -> None:
    meta = sa.MetaData()
    t = sa.Table("images", meta, sa.Column("id", sa.Integer, primary_key=True))
    with to_sql(dialect) as statements:
        sa.Column("tag", Upper(), default="abc").create(t)
        sa.Column("doc", sa.JSON(), default={"k": 1}).create(t)
    text = "\n".join(statements)
    assert "'<ABC>'" in text
    assert '{"k": 1}' in text
    assert "abc'" not in text.replace("<ABC>", "")


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_python_default_offline_pickle(dialect: str) -> None:
    """Bytes are written as the dialect's binary literal, or a clear error naming the
    column is raised before anything is written."""
    meta = sa.MetaData()
    t = sa.Table("images", meta, sa.Column("id", sa.Integer, primary_key=True))
    statements: list[str] = []
    try:
        with to_sql(dialect) as statements:
            sa.Column("meta_data", sa.PickleType(), default={}).create(t)
    except OfflineError as exc:
        assert "meta_data" in str(exc)
        assert statements == []
    else:
        text = "\n".join(statements)
        assert pickle.dumps({}, sa.PickleType().protocol).hex().lower() in text.lower()


def test_python_default_offline_unrenderable_is_our_error() -> None:
    class Point(sa.types.UserDefinedType[Any]):
        cache_ok = True

        def get_col_spec(self, **kw: Any) -> str:
            return "POINT"

        def bind_processor(self, dialect: Any) -> Any:
            return lambda value: value

    meta = sa.MetaData()
    t = sa.Table("images", meta, sa.Column("id", sa.Integer, primary_key=True))
    out = io.StringIO()
    with pytest.raises(OfflineError, match="where"), to_sql("postgresql", stream=out):
        sa.Column("where", Point(), default=(1, 2)).create(t)
    assert out.getvalue() == ""


# ---- 2. a PostgreSQL ENUM type the script created itself ------------------------------------


@pytest.mark.backends("postgresql")
@pytest.mark.parametrize("schema", [None, "other_schema"])
@pytest.mark.parametrize("nullable", [True, False])
def test_pg_enum_created_by_the_script(
    engine: sa.Engine, schema: str | None, nullable: bool
) -> None:
    meta = MetaData(bind=engine)
    t = sa.Table("images", meta, sa.Column("id", sa.Integer, primary_key=True), schema=schema)
    t.create(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1}, {"id": 2}])
    vis = sa.Enum(
        "private", "public", "shared", name="image_visibility", metadata=meta, schema=schema
    )
    vis.create(engine)
    col = sa.Column("visibility", vis, nullable=nullable, server_default="shared")
    col.create(t)
    insp = sa.inspect(engine)
    cols = {c["name"]: c for c in insp.get_columns("images", schema=schema)}
    assert cols["visibility"]["nullable"] is nullable
    enums = [
        e for e in insp.get_enums(schema=schema or "public") if e["name"] == "image_visibility"
    ]
    assert [e["labels"] for e in enums] == [["private", "public", "shared"]]
    with engine.connect() as conn:
        assert conn.execute(sa.select(t.c.id, t.c.visibility).order_by(t.c.id)).all() == [
            (1, "shared"),
            (2, "shared"),
        ]


@pytest.mark.backends("postgresql")
def test_pg_enum_existing_with_other_labels_is_our_error(engine: sa.Engine) -> None:
    t = _table(engine, "images", rows=2)
    postgresql.ENUM("a", "b", name="image_visibility").create(engine)
    before = schema_state(engine)
    col = sa.Column("visibility", sa.Enum("private", "shared", name="image_visibility"))
    with pytest.raises(Error, match="image_visibility") as info:
        col.create(t)
    assert "shared" in str(info.value)
    assert schema_state(engine) == before
    assert [e["labels"] for e in sa.inspect(engine).get_enums()] == [["a", "b"]]


@pytest.mark.backends("postgresql")
def test_pg_enum_created_once_when_missing(engine: sa.Engine) -> None:
    t = _table(engine, "images", rows=2)
    col = sa.Column(
        "visibility", sa.Enum("private", "shared", name="vis2"), server_default="private"
    )
    col.create(t)
    assert [e["labels"] for e in sa.inspect(engine).get_enums()] == [["private", "shared"]]
    with engine.connect() as conn:
        assert conn.execute(
            sa.text("SELECT visibility::text FROM images ORDER BY id")
        ).scalars().all() == [
            "private",
            "private",
        ]


# ---- 3. never two identical constraints -----------------------------------------------------


def _sqlite_two_tables(engine: sa.Engine) -> tuple[sa.Table, sa.Table]:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE namespaces (id INTEGER PRIMARY KEY)"))
        conn.execute(
            sa.text(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, namespace_id INTEGER, label VARCHAR(20), "
                "n INTEGER, FOREIGN KEY(namespace_id) REFERENCES namespaces (id), "
                "UNIQUE (label), CHECK (n > 0))"
            )
        )
        conn.execute(sa.text("INSERT INTO namespaces VALUES (1), (2)"))
        conn.execute(sa.text("INSERT INTO t VALUES (1, 1, 'a', 1), (2, 2, 'b', 2)"))
    meta = MetaData(bind=engine)
    ns = sa.Table("namespaces", meta, autoload_with=engine)
    t = sa.Table("t", meta, autoload_with=engine)
    return t, ns


@pytest.mark.backends("sqlite")
def test_sqlite_identical_unnamed_fk_takes_the_name(engine: sa.Engine) -> None:
    t, ns = _sqlite_two_tables(engine)
    ForeignKeyConstraint([t.c.namespace_id], [ns.c.id], name="t_fk_1").create()
    fks = sa.inspect(engine).get_foreign_keys("t")
    assert [(fk["name"], fk["constrained_columns"]) for fk in fks] == [("t_fk_1", ["namespace_id"])]
    assert _sqlite_sql(engine, "t").count("REFERENCES") == 1
    assert [tuple(r) for r in engine.connect().execute(sa.text("SELECT * FROM t ORDER BY id"))] == [
        (1, 1, "a", 1),
        (2, 2, "b", 2),
    ]


@pytest.mark.backends("sqlite")
def test_sqlite_identical_unnamed_check_takes_the_name(engine: sa.Engine) -> None:
    t, _ = _sqlite_two_tables(engine)
    CheckConstraint("n > 0", table=t, name="t_n_check").create()
    checks = sa.inspect(engine).get_check_constraints("t")
    assert [(c["name"], c["sqltext"]) for c in checks] == [("t_n_check", "n > 0")]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 2


@pytest.mark.backends("sqlite")
def test_sqlite_identical_unnamed_unique_takes_the_name(engine: sa.Engine) -> None:
    t, _ = _sqlite_two_tables(engine)
    UniqueConstraint(t.c.label, name="t_label_key").create()
    uqs = sa.inspect(engine).get_unique_constraints("t")
    assert [(u["name"], u["column_names"]) for u in uqs] == [("t_label_key", ["label"])]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 2


# ---- 4. conflicting arguments to alter() ----------------------------------------------------


@pytest.mark.parametrize(
    ("p", "kw", "named"),
    [
        (("a_positional",), {"name": "a_keyword"}, ("a_positional", "a_keyword")),
        ((sa.String(40),), {"type": sa.Integer}, ("VARCHAR(40)", "INTEGER")),
    ],
    ids=["name", "type"],
)
def test_alter_conflicting_arguments(
    engine: sa.Engine, p: tuple[Any, ...], kw: dict[str, Any], named: tuple[str, str]
) -> None:
    t = _table(engine, "t", sa.Column("label", sa.String(20)))
    before = schema_state(engine)
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    with pytest.raises(InvalidOperationError) as info:
        t.c.label.alter(*p, **kw)
    for value in named:
        assert value in str(info.value)
    assert not [s for s in sent if "ALTER" in s.upper()]
    assert schema_state(engine) == before
    assert t.c.label.name == "label"


def test_alter_agreeing_positional_and_keyword(engine: sa.Engine) -> None:
    t = _table(engine, "t", sa.Column("label", sa.String(20)))
    t.c.label.alter("renamed", name="renamed")
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == ["id", "renamed"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 3


# ---- 5. dropping a constraint that is not there ---------------------------------------------


def _with_unnamed(engine: sa.Engine) -> tuple[sa.Table, sa.Table]:
    """``t`` has an unnamed UNIQUE (label) and an unnamed FK (ns_id) -> ns (id)."""
    meta = MetaData(bind=engine)
    ns = sa.Table("ns", meta, sa.Column("id", sa.Integer, primary_key=True))
    t = sa.Table(
        "t",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("label", sa.String(20)),
        sa.Column("ns_id", sa.Integer, sa.ForeignKey("ns.id")),
        sa.UniqueConstraint("label"),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(ns.insert(), [{"id": 1}])
        conn.execute(t.insert(), [{"id": i, "label": f"l{i}", "ns_id": 1} for i in (1, 2, 3)])
    return t, ns


def _missing(kind: str, t: sa.Table, ns: sa.Table) -> Any:
    """A named constraint identical to the unnamed one of :func:`_with_unnamed`."""
    if kind == "unique":
        return UniqueConstraint("label", table=t, name="no_such_uq")
    return ForeignKeyConstraint([t.c.ns_id], [ns.c.id], name="no_such_fk")


@pytest.mark.parametrize("kind", ["unique", "foreign_key"])
def test_drop_missing_constraint_raises(engine: sa.Engine, kind: str) -> None:
    """A named constraint the table does not have is an error, even when an identical
    unnamed one exists (that one is not the constraint the script names)."""
    t, ns = _with_unnamed(engine)
    before = schema_state(engine)
    uniques = sa.inspect(engine).get_unique_constraints("t")
    cons = _missing(kind, t, ns)
    with pytest.raises(NoSuchObjectError, match="no_such_"):
        cons.drop()
    assert schema_state(engine) == before
    assert sa.inspect(engine).get_unique_constraints("t") == uniques
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, label, ns_id FROM t ORDER BY id")).all() == [
            (1, "l1", 1),
            (2, "l2", 1),
            (3, "l3", 1),
        ]


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("kind", ["unique", "foreign_key"])
def test_sqlite_drop_missing_constraint_keeps_the_unnamed_one(engine: sa.Engine, kind: str) -> None:
    t, ns = _with_unnamed(engine)
    sql_before = _sqlite_sql(engine, "t")
    cons = _missing(kind, t, ns)
    with pytest.raises(NoSuchObjectError, match="no_such_"):
        cons.drop()
    assert _sqlite_sql(engine, "t") == sql_before


# ---- 6. a primary key swap makes key columns NOT NULL ---------------------------------------


def _keyed(engine: sa.Engine, values: list[str | None]) -> sa.Table:
    meta = MetaData(bind=engine)
    t = sa.Table(
        "enc_keys",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("encryption_id", sa.String(36), nullable=True),
    )
    t.create(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "encryption_id": v} for i, v in enumerate(values, 1)])
    return t


def test_pk_swap_makes_the_key_not_null(engine: sa.Engine) -> None:
    t = _keyed(engine, ["e1", "e2"])
    pk_name = sa.inspect(engine).get_pk_constraint("enc_keys")["name"]
    PrimaryKeyConstraint(t.c.id, table=t, name=pk_name or "enc_keys_pkey").drop()
    PrimaryKeyConstraint(t.c.encryption_id, table=t, name="enc_keys_pkey").create()
    insp = sa.inspect(engine)
    assert insp.get_pk_constraint("enc_keys")["constrained_columns"] == ["encryption_id"]
    cols = {c["name"]: c for c in insp.get_columns("enc_keys")}
    assert cols["encryption_id"]["nullable"] is False
    with engine.connect() as conn:
        assert conn.execute(
            sa.text("SELECT id, encryption_id FROM enc_keys ORDER BY id")
        ).all() == [
            (1, "e1"),
            (2, "e2"),
        ]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO enc_keys (id, encryption_id) VALUES (3, NULL)"))


def test_pk_swap_onto_null_rows_is_our_error(engine: sa.Engine) -> None:
    t = _keyed(engine, ["e1", None])
    pk_name = sa.inspect(engine).get_pk_constraint("enc_keys")["name"]
    PrimaryKeyConstraint(t.c.id, table=t, name=pk_name or "enc_keys_pkey").drop()
    before = schema_state(engine)
    with pytest.raises(Error, match="encryption_id"):
        PrimaryKeyConstraint(t.c.encryption_id, table=t, name="enc_keys_pkey").create()
    assert schema_state(engine) == before
    with engine.connect() as conn:
        assert conn.execute(
            sa.text("SELECT id, encryption_id FROM enc_keys ORDER BY id")
        ).all() == [
            (1, "e1"),
            (2, None),
        ]


# ---- 7. the primary key column added to a keyless table -------------------------------------

_counter = itertools.count()


def make_uuid() -> str:
    next(_counter)
    return str(uuid.uuid4())


def test_add_pk_column_to_keyless_table(engine: sa.Engine, backend_name: str) -> None:
    meta = MetaData(bind=engine)
    t = sa.Table("members", meta, sa.Column("label", sa.String(20)))
    t.create(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"label": x} for x in ("a", "b", "c")])
    key_type = sa.Unicode(36) if backend_name == "mysql" else sa.UnicodeText()
    col = sa.Column("id", key_type, primary_key=True, default=make_uuid)
    col.create(t, primary_key_name="members_pkey")

    insp = sa.inspect(engine)
    pk = insp.get_pk_constraint("members")
    assert pk["constrained_columns"] == ["id"]
    if backend_name != "mysql":  # MySQL calls every primary key PRIMARY
        assert pk["name"] == "members_pkey"
    cols = {c["name"]: c for c in insp.get_columns("members")}
    assert list(cols) == ["label", "id"]
    assert cols["id"]["nullable"] is False
    with engine.connect() as conn:
        got = conn.execute(sa.text("SELECT label, id FROM members ORDER BY label")).all()
    assert [r[0] for r in got] == ["a", "b", "c"]
    ids = [r[1] for r in got]
    assert len(set(ids)) == 3
    for value in ids:
        uuid.UUID(value)


@pytest.mark.parametrize("nullable", [True, False])
def test_callable_default_of_a_key_column_per_row(engine: sa.Engine, nullable: bool) -> None:
    """A unique column's callable default differs per existing row on every dialect."""
    t = _table(engine, "t", rows=4)
    col = sa.Column("token", sa.String(36), default=make_uuid, nullable=nullable)
    col.create(t, unique_name="t_token_key")
    with engine.connect() as conn:
        tokens = conn.execute(sa.text("SELECT token FROM t ORDER BY id")).scalars().all()
    assert len(set(tokens)) == 4
    assert {u["name"] for u in sa.inspect(engine).get_unique_constraints("t")} == {"t_token_key"}


# ---- 8. SQLite: a constraint named like an index --------------------------------------------


@pytest.mark.backends("sqlite")
def test_sqlite_constraint_named_like_an_index(engine: sa.Engine) -> None:
    ns = _table(engine, "ns", rows=2)
    t = _table(engine, "t", sa.Column("x", sa.Integer))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE INDEX t_x_fkey ON t (x)"))
        conn.execute(sa.text("UPDATE t SET x = 1"))
    ForeignKeyConstraint([t.c.x], [ns.c.id], name="t_x_fkey").create()
    insp = sa.inspect(engine)
    assert [(fk["name"], fk["constrained_columns"]) for fk in insp.get_foreign_keys("t")] == [
        ("t_x_fkey", ["x"])
    ]
    assert [(i["name"], i["column_names"]) for i in insp.get_indexes("t")] == [("t_x_fkey", ["x"])]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, x FROM t ORDER BY id")).all() == [
            (1, 1),
            (2, 1),
            (3, 1),
        ]


# ---- 9. what `import migrate` used to load --------------------------------------------------

_DIALECTS_SCRIPT = """
import migrate
from sqlalchemy import dialects
print(dialects.mysql.MEDIUMTEXT.__name__, dialects.postgresql.INET.__name__)
"""


def test_import_migrate_makes_dialects_reachable() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _DIALECTS_SCRIPT], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["MEDIUMTEXT", "INET"]


def test_script_using_dialects_runs_under_the_runner(
    tmp_path: Any, url: str, engine: sa.Engine, backend_name: str
) -> None:
    script = tmp_path / "001_add.py"
    script.write_text(
        "from sqlalchemy import Table, MetaData, Column, Integer, Text, dialects\n"
        "def upgrade(migrate_engine):\n"
        "    meta = MetaData()\n"
        "    t = Table('notes', meta, Column('id', Integer, primary_key=True))\n"
        "    t.create(migrate_engine)\n"
        "    Column('body', Text().with_variant(dialects.mysql.MEDIUMTEXT(), 'mysql')\n"
        "           .with_variant(dialects.postgresql.INET(), 'postgresql')).create(t)\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "migrate", "run", str(script), "--url", url],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    cols = {c["name"]: c for c in sa.inspect(engine).get_columns("notes")}
    assert list(cols) == ["id", "body"]
    expected = {"sqlite": "TEXT", "postgresql": "INET", "mysql": "MEDIUMTEXT"}[backend_name]
    assert type(cols["body"]["type"]).__name__ == expected
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO notes (id, body) VALUES (1, '10.0.0.1')"))
        assert str(conn.execute(sa.text("SELECT body FROM notes")).scalar()) == "10.0.0.1"


# ---- 10. MariaDB: a plain ADD COLUMN reads nothing first ------------------------------------


@pytest.mark.backends("mysql")
def test_mysql_plain_add_column_sends_only_the_alter(engine: sa.Engine, capture: Any) -> None:
    t = _table(engine, "t", rows=2)
    with capture(engine) as sql:
        sa.Column("note", sa.String(20)).create(t)
        sa.Column("n", sa.Integer, server_default="7", nullable=False).create(t)
    assert len(sql) == 2, sql
    assert all(s.lstrip().upper().startswith("ALTER TABLE") for s in sql), sql
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id, note, n FROM t ORDER BY id")).all() == [
            (1, None, 7),
            (2, None, 7),
        ]


@pytest.mark.backends("mysql")
def test_mysql_plain_add_duplicate_column_is_our_error(engine: sa.Engine) -> None:
    t = _table(engine, "t", sa.Column("note", sa.String(20)), rows=2)
    before = schema_state(engine)
    meta = MetaData(bind=engine)
    t2 = sa.Table("t", meta, sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(Error, match="note"):
        sa.Column("note", sa.Integer).create(t2)
    assert schema_state(engine) == before
    assert t is not t2


# --------------------------------------------------------------------------- found by the
# replayed chains (tests/replay/), not in issue #19's list


def _keyed_assignment(engine: sa.Engine) -> sa.Table:
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE assignment (type VARCHAR(20) NOT NULL, actor_id VARCHAR(64) NOT "
            "NULL, inherited BOOLEAN DEFAULT FALSE NOT NULL, "
            "CONSTRAINT assignment_pkey PRIMARY KEY (type, actor_id))"
        )
        conn.exec_driver_sql(
            "INSERT INTO assignment VALUES ('UserProject', 'u1', FALSE), "
            "('UserProject', 'u2', TRUE)"
        )
    meta = MetaData(bind=engine)
    return sa.Table("assignment", meta, autoload_with=engine)


def _assignment_rows(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT type, actor_id, inherited FROM assignment ORDER BY actor_id"
            ).all()
        ]


def test_primary_key_recreated_from_the_columns_marked_primary_key(engine: sa.Engine) -> None:
    """Keystone 073 (its PostgreSQL and MariaDB branch)::

        migrate.PrimaryKeyConstraint(table=assignment_table).drop()
        assignment_table.c.inherited.alter(primary_key=True)
        migrate.PrimaryKeyConstraint(table=assignment_table).create()

    sqlalchemy-migrate 0.13 ends with the key ``(type, actor_id, inherited)``. Here: the
    column-less drop remembers ``(type, actor_id)`` on the Table object; the alter, on a
    Table whose key was so dropped, only marks ``inherited`` (no DDL: the table has no key
    in between); the column-less create takes the remembered and the marked columns, in
    table order, on every backend."""
    assignment = _keyed_assignment(engine)
    before = _assignment_rows(engine)

    PrimaryKeyConstraint(table=assignment).drop()
    assert sa.inspect(engine).get_pk_constraint("assignment")["constrained_columns"] == []
    delta = assignment.c.inherited.alter(primary_key=True)
    assert delta["primary_key"] is True
    # nothing sent: still no key in the database, the Table marks the column
    assert sa.inspect(engine).get_pk_constraint("assignment")["constrained_columns"] == []
    assert assignment.c.inherited.primary_key
    PrimaryKeyConstraint(table=assignment).create()

    pk = sa.inspect(engine).get_pk_constraint("assignment")
    assert pk["constrained_columns"] == ["type", "actor_id", "inherited"]
    assert [c.name for c in assignment.primary_key.columns] == ["type", "actor_id", "inherited"]
    assert _assignment_rows(engine) == before
    # the key is enforced on the three columns: ('UserProject', 'u1') again with another
    # inherited value is accepted, the same three values are not
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO assignment VALUES ('UserProject', 'u1', TRUE)")
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO assignment VALUES ('UserProject', 'u1', TRUE)")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM assignment WHERE actor_id = 'u1' AND inherited")
    # the key exists again: the next alter of primary_key changes it in the database
    assignment.c.inherited.alter(primary_key=False)
    pk = sa.inspect(engine).get_pk_constraint("assignment")
    assert pk["constrained_columns"] == ["type", "actor_id"]


@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_rekey_offline_sends_one_drop_and_one_create(dialect: str) -> None:
    """Offline (keystone 073's branch for PostgreSQL and MariaDB): the drop, nothing for
    the alter, and the create of the whole key."""
    t = sa.Table(
        "assignment",
        sa.MetaData(),
        sa.Column("type", sa.String(20), primary_key=True),
        sa.Column("actor_id", sa.String(64), primary_key=True),
        sa.Column("inherited", sa.Boolean, nullable=False),
    )
    with to_sql(dialect) as statements:
        PrimaryKeyConstraint(table=t).drop()
        t.c.inherited.alter(primary_key=True)
        PrimaryKeyConstraint(table=t).create()
    assert len(statements) == 2, statements
    assert "DROP" in statements[0]
    assert "PRIMARY KEY (type, actor_id, inherited)" in statements[1]


def test_columnless_primary_key_create_after_drop_restores_the_key(engine: sa.Engine) -> None:
    """0.13's drop left the Table's columns marked, so a column-less create right after a
    column-less drop made the same key again; it does here too (remembered columns)."""
    assignment = _keyed_assignment(engine)
    before = _assignment_rows(engine)
    PrimaryKeyConstraint(table=assignment).drop()
    PrimaryKeyConstraint(table=assignment).create()
    pk = sa.inspect(engine).get_pk_constraint("assignment")
    assert pk["constrained_columns"] == ["type", "actor_id"]
    assert _assignment_rows(engine) == before


def test_alter_primary_key_without_a_dropped_key_still_changes_the_key(
    engine: sa.Engine,
) -> None:
    """Only a key dropped column-less through the same Table defers the alter: a fresh
    Table (reflected after the drop) or a key dropped by name keeps today's DDL."""
    assignment = _keyed_assignment(engine)
    before = _assignment_rows(engine)
    PrimaryKeyConstraint("type", "actor_id", table=assignment, name="assignment_pkey").drop()
    assignment.c.inherited.alter(primary_key=True)
    pk = sa.inspect(engine).get_pk_constraint("assignment")
    assert pk["constrained_columns"] == ["inherited"]
    assert _assignment_rows(engine) == before
