"""Normal forms (no database): two spellings of one schema fact get one key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from migrate.changeset.databases.constraints import _check_key
from migrate.changeset.diff import normalise as n

PG = postgresql.dialect()
MARIA = mysql.dialect()
MARIA.is_mariadb = True
LITE = sqlite.dialect()


@pytest.mark.parametrize(
    ("model", "reflected"),
    [
        ("'x'", "'x'::character varying"),
        ("'0'", "0"),
        ("'0'", "0.00"),
        ("now()", "CURRENT_TIMESTAMP"),
        ("CURRENT_TIMESTAMP", "current_timestamp()"),
        ("true", "1"),
        ("false", "'0'"),
        ("''", "''::character varying"),
        ("'it''s'", "'it''s'::text"),
        ("(7)", "7"),
    ],
)
def test_default_spellings_are_one(model: str, reflected: str) -> None:
    assert n.default_key(model) == n.default_key(reflected)


@pytest.mark.parametrize(("a", "b"), [("'x'", "'y'"), ("0", "1"), ("'a'", "a"), ("''", "'0'")])
def test_different_defaults_differ(a: str, b: str) -> None:
    assert n.default_key(a) != n.default_key(b)


@pytest.mark.parametrize(
    ("model", "reflected"),
    [
        ("qty > -100", "(qty > '-100'::integer)"),
        (
            "st IN ('x', 'y')",
            "((st)::text = ANY ((ARRAY['x'::character varying, 'y'::character varying])::text[]))",
        ),
        ("ch > 0 AND ch < 100", "`ch` > 0 and `ch` < 100"),
        ("bc IN (0, 1)", "`bc` in (0,1)"),
    ],
)
def test_check_spellings_are_one(model: str, reflected: str) -> None:
    assert n.check_key(model) == n.check_key(reflected)
    assert _check_key(model) == _check_key(reflected) or "ANY" in reflected or "`" in reflected


def test_check_negative_literal_in_the_planner_key() -> None:
    """The planner finds an unnamed CHECK PostgreSQL reflects as ``'-100'::integer``."""
    assert _check_key("(n0 > '-100'::integer)") == _check_key("n0 > -100")
    assert _check_key("x = 'abc'") != _check_key("x = abc")


@pytest.mark.parametrize(
    ("dialect", "model", "reflected"),
    [
        (PG, sa.Float(), postgresql.DOUBLE_PRECISION(precision=53)),
        (PG, sa.Float(53), postgresql.DOUBLE_PRECISION()),
        (PG, sa.Float(24), postgresql.REAL()),
        (PG, sa.DateTime(), postgresql.TIMESTAMP()),
        (PG, sa.Interval(), postgresql.INTERVAL()),
        (MARIA, sa.Integer(), mysql.INTEGER(display_width=11)),
        (MARIA, sa.Boolean(), mysql.TINYINT(display_width=1)),
        (MARIA, sa.Numeric(), mysql.DECIMAL(precision=10, scale=0)),
        (MARIA, sa.Float(53), mysql.DOUBLE()),
        (MARIA, sa.JSON(), mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin")),
        (MARIA, mysql.INTEGER(unsigned=True), mysql.INTEGER(display_width=10, unsigned=True)),
    ],
)
def test_type_spellings_are_one(dialect: object, model: object, reflected: object) -> None:
    assert n.type_key(model, dialect) == n.type_key(reflected, dialect)  # type: ignore[arg-type]


def test_sqlite_declared_types() -> None:
    assert n.declared_type_key("CLOB", LITE) == n.type_key(sa.Text(), LITE)
    assert n.declared_type_key("VARBINARY(10)", LITE) == n.type_key(sa.VARBINARY(10), LITE)
    assert n.declared_type_key("FLOAT", LITE) == n.type_key(sa.Float(53), LITE)


@pytest.mark.parametrize(
    ("dialect", "a", "b"),
    [
        (PG, sa.String(10), sa.String(20)),
        (PG, sa.Integer(), sa.BigInteger()),
        (MARIA, sa.Boolean(), mysql.TINYINT()),
        (MARIA, mysql.INTEGER(unsigned=True), sa.Integer()),
        (LITE, sa.Numeric(10, 2), sa.Numeric(12, 2)),
    ],
)
def test_different_types_differ(dialect: object, a: object, b: object) -> None:
    assert n.type_key(a, dialect) != n.type_key(b, dialect)  # type: ignore[arg-type]


def test_sqlite_declared_types_by_name_then_by_affinity() -> None:
    """Known names with their numbers; else SQLite's affinity rules, in any case."""
    from sqlalchemy.dialects import sqlite

    from migrate.changeset.reflection import sqlite_type

    names = sqlite.dialect().ischema_names
    cases = {
        "VARCHAR(20)": sa.VARCHAR(20),
        "varchar(20)": sa.VARCHAR(20),
        "NUMERIC(10, 2)": sa.NUMERIC(10, 2),
        "DATETIME": sa.DATETIME(),
        "unsigned big int": sa.INTEGER(),
        "character varying(5)": sa.TEXT(5),
        "CLOB": sa.TEXT(),
        "": sa.types.NullType(),
        "Blobby": sa.types.NullType(),
        "DOUBLE PRECISION": sa.REAL(),
        "floating point": sa.INTEGER(),  # "INT" in "POINT": SQLite's own example
        "VARBINARY(10)": sa.NUMERIC(10),
        "money(1, 2, 3, 4, 5)": sa.NUMERIC(),  # more numbers than NUMERIC takes
    }
    got = {text: sqlite_type(text, names) for text in cases}
    assert {k: repr(v) for k, v in got.items()} == {k: repr(v) for k, v in cases.items()}
