"""Issue 7 on a real PostgreSQL: no rewrites, one statement, USING casts, safe online DDL."""

from __future__ import annotations

import json
import logging
import uuid
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table
from migrate.changeset.constraint import CheckConstraint, ForeignKeyConstraint
from migrate.exceptions import InvalidOperationError
from tests.support import columns

pytestmark = pytest.mark.backends("postgresql")

Capture = Callable[[sa.Engine | sa.Connection], AbstractContextManager[list[str]]]


def _q(engine: sa.Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params)]


def _relfilenode(engine: sa.Engine, table: str) -> int:
    return int(
        _q(engine, "SELECT relfilenode FROM pg_class WHERE oid = to_regclass(:t)", t=table)[0][0]
    )


def _table(meta: sa.MetaData, schema: str | None = None, **extra: Any) -> sa.Table:
    return sa.Table(
        "items",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40)),
        schema=schema,
        **extra,
    )


def _filled(engine: sa.Engine, n: int = 5, schema: str | None = None) -> sa.Table:
    t = _table(sa.MetaData(), schema)
    t.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "name": str(i)} for i in range(1, n + 1)])
    return t


# ---- populate_default: no rewrite, no UPDATE ------------------------------------------------


@pytest.mark.parametrize("schema", [None, "other_schema"])
def test_populate_default_does_not_rewrite_the_table(
    engine: sa.Engine, capture: Capture, schema: str | None
) -> None:
    t = _filled(engine, 50, schema)
    qualified = f"{schema}.items" if schema else "items"
    before = _relfilenode(engine, qualified)
    with capture(engine) as sql:
        sa.Column("score", sa.Integer, nullable=False, default=7).create(t, engine=engine)
    assert _relfilenode(engine, qualified) == before
    assert not [s for s in sql if s.lstrip().upper().startswith("UPDATE")], sql
    col = columns(engine, "items", schema)["score"]
    assert col["nullable"] is False and col["default"] is None  # temporary default dropped
    assert _q(engine, f"SELECT count(*), min(score), max(score) FROM {qualified}") == [(50, 7, 7)]


def test_three_attribute_alter_is_one_statement(engine: sa.Engine, capture: Capture) -> None:
    t = _filled(engine)
    with capture(engine) as sql:
        t.c.name.alter(type=sa.Text, nullable=False, server_default="?", engine=engine)
    alters = [s for s in sql if s.lstrip().upper().startswith("ALTER")]
    assert len(alters) == 1, alters
    col = columns(engine, "items")["name"]
    assert isinstance(col["type"], sa.Text) and col["nullable"] is False
    assert "?" in col["default"]
    assert _q(engine, "SELECT id, name FROM items ORDER BY id")[0] == (1, "1")


# ---- USING casts with data ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "new_type", "expected"),
    [
        (["1", "22", "-3"], sa.Integer(), [1, 22, -3]),
        (
            ["6f1a0c9e-8f7b-4a33-9b44-1a2b3c4d5e6f"] * 3,
            sa.Uuid(),
            [uuid.UUID("6f1a0c9e-8f7b-4a33-9b44-1a2b3c4d5e6f")] * 3,
        ),
        (['{"a": 1}', "[1, 2]", "null"], sa.JSON(), [{"a": 1}, [1, 2], None]),
    ],
)
def test_varchar_to_integer_uuid_json(
    engine: sa.Engine, values: list[str], new_type: sa.types.TypeEngine[Any], expected: list[Any]
) -> None:
    t = _table(sa.MetaData(), "other_schema")
    t.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "name": v} for i, v in enumerate(values, 1)])
    t.c.name.alter(type=new_type, engine=engine)
    assert isinstance(columns(engine, "items", "other_schema")["name"]["type"], type(new_type))
    fresh = sa.Table("items", sa.MetaData(), autoload_with=engine, schema="other_schema")
    with engine.connect() as conn:
        got = conn.execute(sa.select(fresh.c.name).order_by(fresh.c.id)).scalars().all()
    if isinstance(new_type, sa.JSON):
        got = [v if not isinstance(v, str) else json.loads(v) for v in got]
    assert got == expected


def test_enum_to_text_and_text_to_enum(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        "items",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("mood", sa.Enum("happy", "sad", name="mood")),
        sa.Column("label", sa.String(10)),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            t.insert(),
            [{"id": 1, "mood": "sad", "label": "x"}, {"id": 2, "mood": "happy", "label": "y"}],
        )
    t.c.mood.alter(type=sa.Text, engine=engine)
    assert isinstance(columns(engine, "items")["mood"]["type"], sa.Text)
    t.c.label.alter(type=sa.Enum("x", "y", name="letter"), engine=engine)  # creates the type
    t.c.mood.alter(type=sa.Enum("happy", "sad", name="mood"), engine=engine)  # type still there
    cols = columns(engine, "items")
    assert cols["label"]["type"].name == "letter" and cols["mood"]["type"].name == "mood"
    assert _q(engine, "SELECT id, mood::text, label::text FROM items ORDER BY id") == [
        (1, "sad", "x"),
        (2, "happy", "y"),
    ]


def test_type_change_of_foreign_key_columns(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    parent = sa.Table("parents", meta, sa.Column("id", sa.Integer, primary_key=True))
    child = sa.Table(
        "children",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parents.id"), nullable=False),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": 1}, {"id": 2}])
        conn.execute(child.insert(), [{"id": 10, "parent_id": 2}, {"id": 11, "parent_id": 1}])
    parent.c.id.alter(type=sa.BigInteger, engine=engine)  # referenced column
    child.c.parent_id.alter(type=sa.BigInteger, engine=engine)  # referencing column
    insp = sa.inspect(engine)
    assert isinstance(columns(engine, "parents")["id"]["type"], sa.BigInteger)
    assert isinstance(columns(engine, "children")["parent_id"]["type"], sa.BigInteger)
    fks = insp.get_foreign_keys("children")
    assert [(f["constrained_columns"], f["referred_table"]) for f in fks] == [
        (["parent_id"], "parents")
    ]
    assert _q(engine, "SELECT id, parent_id FROM children ORDER BY id") == [(10, 2), (11, 1)]
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:  # still enforced
        conn.execute(child.insert(), [{"id": 12, "parent_id": 99}])


# ---- callable defaults: per row, in batches -------------------------------------------------


def test_callable_default_is_evaluated_per_row_in_batches(
    engine: sa.Engine, capture: Capture, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    from migrate.changeset import planner

    monkeypatch.setattr(planner, "BACKFILL_BATCH_SIZE", 4)
    t = _filled(engine, 10, "other_schema")
    caplog.set_level(logging.INFO, logger="migrate.changeset")
    with capture(engine) as sql:
        sa.Column("token", sa.Uuid, nullable=False, default=uuid.uuid4).create(t, engine=engine)
    tokens = _q(engine, "SELECT token FROM other_schema.items ORDER BY id")
    assert len({r[0] for r in tokens}) == 10 and None not in {r[0] for r in tokens}
    assert columns(engine, "items", "other_schema")["token"]["nullable"] is False
    updates = [s for s in sql if s.lstrip().upper().startswith("UPDATE")]
    assert updates and all("WHERE" in s for s in updates)  # by key, never the whole table
    progress = [r.getMessage() for r in caplog.records if "backfill" in r.getMessage()]
    assert progress == [
        "backfill other_schema.items.token: 4/10 rows",
        "backfill other_schema.items.token: 8/10 rows",
        "backfill other_schema.items.token: 10/10 rows",
    ]


def test_callable_default_without_primary_key_is_evaluated_once(
    engine: sa.Engine, capture: Capture
) -> None:
    """SPEC §4: per row where possible, else once (a temporary server default)."""
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bag (n integer)")
        conn.exec_driver_sql("INSERT INTO bag VALUES (1), (2)")
    t = sa.Table("bag", sa.MetaData(), autoload_with=engine)
    with capture(engine) as sql:
        sa.Column("token", sa.Uuid, nullable=False, default=uuid.uuid4).create(t, engine=engine)
    assert not [s for s in sql if s.lstrip().upper().startswith("UPDATE")]
    tokens = {r[0] for r in _q(engine, "SELECT token FROM bag")}
    assert len(tokens) == 1 and None not in tokens
    assert columns(engine, "bag")["token"]["nullable"] is False


def test_callable_default_on_an_empty_table_adds_the_column(engine: sa.Engine) -> None:
    t = _table(sa.MetaData())
    t.metadata.create_all(engine)
    sa.Column("token", sa.Uuid, nullable=False, default=uuid.uuid4).create(t, engine=engine)
    col = columns(engine, "items")["token"]
    assert col["nullable"] is False and col["default"] is None
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "name": "a"}])  # the Python default fills it
    assert len(_q(engine, "SELECT token FROM items WHERE token IS NOT NULL")) == 1


# ---- rename_constraints -----------------------------------------------------------------------


def test_rename_constraints(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        "users",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(40), unique=True),
        sa.Column("name", sa.String(40)),
        sa.Column("age", sa.Integer, sa.CheckConstraint("age > 0")),
        sa.Index("ix_users_name", "name"),
        sa.Index("custom", "age"),
        schema="other_schema",
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "email": "a@x", "name": "a", "age": 3}])
    t.rename("people", engine=engine, rename_constraints=True)
    insp = sa.inspect(engine)
    assert insp.get_pk_constraint("people", "other_schema")["name"] == "people_pkey"
    assert {u["name"] for u in insp.get_unique_constraints("people", "other_schema")} == {
        "people_email_key"
    }
    assert {i["name"] for i in insp.get_indexes("people", "other_schema")} == {
        "ix_people_name",
        "custom",
        "people_email_key",  # the unique constraint's index follows the constraint
    }
    assert {c["name"] for c in insp.get_check_constraints("people", "other_schema")} == {
        "people_age_check"
    }
    assert {i.name for i in t.indexes} == {"ix_people_name", "custom"}  # the Table follows
    assert _q(engine, "SELECT id, email, name FROM other_schema.people") == [(1, "a@x", "a")]


def test_rename_without_rename_constraints_keeps_names(engine: sa.Engine) -> None:
    t = _filled(engine, 1)
    t.rename("things", engine=engine)
    assert sa.inspect(engine).get_pk_constraint("things")["name"] == "items_pkey"


# ---- CONCURRENTLY ----------------------------------------------------------------------------


def test_concurrently_runs_outside_a_transaction(engine: sa.Engine, capture: Capture) -> None:
    t = _filled(engine, 3, "other_schema")
    with capture(engine) as sql:
        with alter_table(t, engine=engine) as b:
            b.create_index("ix_items_name", "name", postgresql_concurrently=True)
    assert any("CREATE INDEX CONCURRENTLY" in s for s in sql)
    insp = sa.inspect(engine)
    assert [i["name"] for i in insp.get_indexes("items", "other_schema")] == ["ix_items_name"]
    with alter_table(t, engine=engine) as b:
        b.drop_index("ix_items_name", postgresql_concurrently=True)
    assert sa.inspect(engine).get_indexes("items", "other_schema") == []
    assert len(_q(engine, "SELECT * FROM other_schema.items")) == 3


def test_concurrently_inside_a_callers_transaction_is_refused(engine: sa.Engine) -> None:
    t = _filled(engine, 3)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))  # the connection is now in a transaction
        with pytest.raises(InvalidOperationError, match="transaction block"):
            with alter_table(t, connection=conn) as b:
                b.add_column(sa.Column("extra", sa.Integer))
                b.create_index("ix_items_name", "name", postgresql_concurrently=True)
        conn.rollback()
    assert sa.inspect(engine).get_indexes("items") == []
    assert "extra" not in columns(engine, "items")


def test_concurrently_on_an_autocommit_connection(engine: sa.Engine) -> None:
    t = _filled(engine, 3)
    with engine.connect() as raw:
        conn = raw.execution_options(isolation_level="AUTOCOMMIT")
        with alter_table(t, connection=conn) as b:
            b.create_index("ix_items_name", "name", postgresql_concurrently=True)
    assert [i["name"] for i in sa.inspect(engine).get_indexes("items")] == ["ix_items_name"]


# ---- NOT VALID, VALIDATE, safe NOT NULL --------------------------------------------------------


def test_not_valid_check_and_foreign_key_then_validate(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    parent = sa.Table("parents", meta, sa.Column("id", sa.Integer, primary_key=True))
    t = sa.Table(
        "items",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("qty", sa.Integer),
        sa.Column("parent_id", sa.Integer),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": 1}])
        conn.execute(t.insert(), [{"id": 1, "qty": -1, "parent_id": 1}])  # violates the check
    check = CheckConstraint("qty >= 0", table=t, name="ck_qty", postgresql_not_valid=True)
    check.create(engine=engine)  # existing bad row not checked
    fk = ForeignKeyConstraint(
        [t.c.parent_id], [parent.c.id], name="fk_parent", postgresql_not_valid=True
    )
    fk.create(engine=engine)
    valid = dict(
        _q(
            engine,
            "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype IN ('c', 'f')",
        )
    )
    assert valid == {"ck_qty": False, "fk_parent": False}
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:  # new rows are checked
        conn.execute(t.insert(), [{"id": 2, "qty": -5, "parent_id": 1}])
    fk.validate(engine=engine)
    with pytest.raises(sa.exc.IntegrityError):
        check.validate(engine=engine)  # the database's own error: row 1 violates it
    with engine.begin() as conn:
        conn.execute(t.update().values(qty=1))
    check.validate(engine=engine)
    valid = dict(
        _q(
            engine,
            "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'items'::regclass AND contype IN ('c', 'f')",
        )
    )
    assert valid == {"ck_qty": True, "fk_parent": True}
    assert _q(engine, "SELECT id, qty, parent_id FROM items") == [(1, 1, 1)]


@pytest.mark.parametrize("schema", [None, "other_schema"])
def test_safe_not_null(engine: sa.Engine, capture: Capture, schema: str | None) -> None:
    t = _filled(engine, 5, schema)
    with capture(engine) as sql:
        t.c.name.alter(nullable=False, postgresql_safe_not_null=True, engine=engine)
    joined = "\n".join(sql)
    assert "NOT VALID" in joined and "VALIDATE CONSTRAINT" in joined and "SET NOT NULL" in joined
    assert columns(engine, "items", schema)["name"]["nullable"] is False
    assert sa.inspect(engine).get_check_constraints("items", schema) == []  # helper dropped
    assert len(_q(engine, f"SELECT * FROM {schema + '.' if schema else ''}items")) == 5


def test_safe_not_null_with_nulls_fails_and_leaves_nothing(engine: sa.Engine) -> None:
    t = _filled(engine, 3)
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == 2).values(name=None))
    with pytest.raises(sa.exc.IntegrityError):
        t.c.name.alter(nullable=False, postgresql_safe_not_null=True, engine=engine)
    assert columns(engine, "items")["name"]["nullable"] is True
    assert sa.inspect(engine).get_check_constraints("items") == []
    assert _q(engine, "SELECT id, name FROM items ORDER BY id") == [(1, "1"), (2, None), (3, "3")]


# ---- enum types ----------------------------------------------------------------------------------


def _enums(engine: sa.Engine) -> dict[tuple[str, str], list[str]]:
    return {
        (e["schema"], e["name"]): list(e["labels"])
        for e in sa.inspect(engine).get_enums(schema="*")  # type: ignore[attr-defined]
    }


@pytest.mark.parametrize("schema", [None, "other_schema"])
def test_enum_column_lifecycle(engine: sa.Engine, schema: str | None) -> None:
    t = _filled(engine, 2, schema)
    where = schema or "public"
    col = sa.Column("mood", sa.Enum("happy", "sad", name="mood", schema=schema))
    col.create(t, engine=engine)
    assert _enums(engine) == {(where, "mood"): ["happy", "sad"]}
    q = f"{schema + '.' if schema else ''}items"
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {q} SET mood = 'sad' WHERE id = 1"))
    t.c.mood.alter(
        type=sa.Enum("happy", "meh", "sad", "angry", name="mood", schema=schema), engine=engine
    )
    assert _enums(engine) == {(where, "mood"): ["happy", "meh", "sad", "angry"]}
    with engine.begin() as conn:  # the new values are usable after the change committed
        conn.execute(sa.text(f"UPDATE {q} SET mood = 'angry' WHERE id = 2"))
    assert _q(engine, f"SELECT id, mood::text FROM {q} ORDER BY id") == [(1, "sad"), (2, "angry")]
    t.c.mood.drop(engine=engine)
    assert "mood" not in columns(engine, "items", schema)
    assert _enums(engine) == {(where, "mood"): ["happy", "meh", "sad", "angry"]}  # type stays


# ---- inside a caller's transaction ---------------------------------------------------------


def test_backfill_and_safe_not_null_run_in_the_callers_transaction(engine: sa.Engine) -> None:
    t = _filled(engine, 6)
    with engine.connect() as conn:
        with conn.begin():
            sa.Column("token", sa.Uuid, nullable=False, default=uuid.uuid4).create(
                t, connection=conn
            )
            t.c.name.alter(nullable=False, postgresql_safe_not_null=True, connection=conn)
            inside = conn.execute(sa.text("SELECT count(DISTINCT token) FROM items")).scalar()
            assert inside == 6
            conn.rollback()  # the caller decides: nothing of it stays
    assert "token" not in columns(engine, "items")
    assert columns(engine, "items")["name"]["nullable"] is True
    assert sa.inspect(engine).get_check_constraints("items") == []


def test_incompatible_type_change_under_a_foreign_key_changes_nothing(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    parent = sa.Table("parents", meta, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "children",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("parents.id")),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": 1}])
    with pytest.raises(sa.exc.ProgrammingError, match="children_parent_id_fkey"):
        parent.c.id.alter(type=sa.String(10), engine=engine)  # the database's own refusal
    assert isinstance(columns(engine, "parents")["id"]["type"], sa.Integer)
    assert len(sa.inspect(engine).get_foreign_keys("children")) == 1


def test_batch_add_column_with_callable_default_and_foreign_options(engine: sa.Engine) -> None:
    t = _filled(engine, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # mysql_* options: ignored without a warning here
        with alter_table(t, engine=engine, mysql_algorithm="INSTANT", mysql_lock="NONE") as b:
            b.add_column(sa.Column("token", sa.Uuid, nullable=False, default=uuid.uuid4))
            b.alter_column("name", type=sa.Text)
    assert _q(engine, "SELECT count(DISTINCT token), count(*) FROM items") == [(7, 7)]
    cols = columns(engine, "items")
    assert cols["token"]["nullable"] is False and isinstance(cols["name"]["type"], sa.Text)
