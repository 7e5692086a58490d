"""Hostile identifiers: every operation round-trips with names the preparer must quote.

Tables, columns, indexes and constraints named with reserved words, mixed case, spaces,
quotes, dots, percent signs, unicode, at the dialect's maximum identifier length, and in a
second schema. One scenario per name runs every available operation, checking the schema
by reflection and every row after each step; a hypothesis strategy adds random names.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import migrate.changeset  # noqa: F401  (installs the methods)
from migrate.changeset import alter_table
from migrate.changeset import constraint as mc

#: maximum identifier length: (bytes or chars, limit)
LIMITS = {"postgresql": ("bytes", 63), "mysql": ("chars", 64), "sqlite": ("chars", 64)}

NAMES = [
    "user",
    "order",
    "key",
    "select",
    "MixedCase",
    "with space",
    'dq"uote',
    "it's",
    "a.b",
    "pct%s%%",
    "naïve_ü€",
    "表格",
    "MAX",  # replaced by a name of the dialect's maximum length
    "MAXU",  # the same, in multi-byte characters
]

TRIED: dict[str, set[str]] = {}


def fit(name: str, backend: str) -> str:
    """``name`` cut to the dialect's limit (bytes on PostgreSQL, characters on MySQL)."""
    unit, limit = LIMITS[backend]
    if unit == "chars":
        return name[:limit]
    while len(name.encode()) > limit:
        name = name[:-1]
    return name


def expand(name: str, backend: str) -> str:
    if name == "MAX":
        return fit("m" * 80, backend)
    if name == "MAXU":
        return fit("é" * 80, backend)
    return name


def names_for(base: str, backend: str) -> dict[str, str]:
    """Distinct object names derived from ``base`` (prefix tags, cut to the limit)."""
    tags = {
        "table": "",
        "table2": "R ",
        "column": "",
        "column2": "C2",
        "index": "I ",
        "unique": "U ",
        "check": "K ",
        "fk": "F ",
        "parent": "P ",
    }
    return {k: fit(tag + base, backend) for k, tag in tags.items()}


def snapshot(engine: sa.Engine, table: str, schema: str | None) -> dict[str, Any]:
    insp = sa.inspect(engine)
    t = sa.Table(table, sa.MetaData(), schema=schema, autoload_with=engine)
    with engine.connect() as conn:
        rows = sorted(tuple(r) for r in conn.execute(sa.select(t)))
    indexes = {i["name"]: tuple(i["column_names"]) for i in insp.get_indexes(table, schema=schema)}
    sql = ""
    if engine.dialect.name == "sqlite":
        master = f"{schema}.sqlite_master" if schema else "sqlite_master"
        with engine.connect() as conn:
            sql = " ".join(
                r[0] or ""
                for r in conn.exec_driver_sql(
                    f"SELECT sql FROM {master} WHERE tbl_name = ?", (table,)
                )
            )
    return {
        "sql": sql,
        "columns": [c["name"] for c in insp.get_columns(table, schema=schema)],
        "indexes": indexes,
        "uniques": {
            u["name"]: tuple(u["column_names"])
            for u in insp.get_unique_constraints(table, schema=schema)
        },
        "checks": {c["name"] for c in insp.get_check_constraints(table, schema=schema)},
        "fks": {
            f["name"]: (tuple(f["constrained_columns"]), f["referred_table"])
            for f in insp.get_foreign_keys(table, schema=schema)
        },
        "rows": rows,
    }


def has(engine: sa.Engine, s: dict[str, Any], kind: str, name: str) -> bool:
    """Whether the constraint/index ``name`` exists.

    SQLAlchemy's SQLite reflection parses CREATE TABLE with a regex that does not
    understand doubled quotes; for such names the stored SQL is read instead.
    """
    if s["sql"] and '"' in name:
        return engine.dialect.identifier_preparer.quote(name) in s["sql"]
    if kind == "unique":
        return name in s["uniques"] or name in s["indexes"]
    return name in s[kind]


def scenario(engine: sa.Engine, backend: str, base: str, schema: str | None = None) -> None:
    """Every available operation with names derived from ``base``; checked after each."""
    n = names_for(base, backend)
    TRIED.setdefault(backend, set()).update(n.values())
    meta = sa.MetaData()
    meta.bind = engine  # type: ignore[attr-defined]
    parent = sa.Table(
        n["parent"],
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        schema=schema,
    )
    table = sa.Table(
        n["table"],
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("v", sa.String(20)),
        schema=schema,
    )
    meta.drop_all(engine)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(parent.insert(), [{"id": 1}, {"id": 2}])
        conn.execute(table.insert(), [{"id": 1, "v": "a'b"}, {"id": 2, "v": "é"}])

    # Column.create with index, unique and foreign key, all named
    col = sa.Column(
        n["column"],
        sa.Integer,
        sa.ForeignKey(parent.c.id, name=n["fk"]),
    )
    col.create(table, index_name=n["index"], unique_name=n["unique"])
    assert table.c[n["column"]] is col
    s = snapshot(engine, n["table"], schema)
    assert s["columns"] == ["id", "v", n["column"]]
    assert s["rows"] == [(1, "a'b", None), (2, "é", None)]
    with engine.begin() as conn:
        conn.execute(table.update().values({n["column"]: table.c.id}))
    assert has(engine, s, "fks", n["fk"])
    assert has(engine, s, "unique", n["unique"])
    assert s["indexes"][n["index"]] == (n["column"],)

    # a named CHECK constraint through the legacy class, then dropped again
    check = mc.CheckConstraint(table.c[n["column"]] >= 0, name=n["check"], table=table)
    check.create()
    assert has(engine, snapshot(engine, n["table"], schema), "checks", n["check"])
    check.drop()
    assert not has(engine, snapshot(engine, n["table"], schema), "checks", n["check"])

    # the foreign key by name (legacy class); MySQL then lets its index go
    fk = mc.ForeignKeyConstraint([n["column"]], [parent.c.id], name=n["fk"], table=table)
    fk.drop()
    assert not has(engine, snapshot(engine, n["table"], schema), "fks", n["fk"])

    # batch: drop the unique and the index, rename the column, add a column, index it
    with alter_table(n["table"], schema=schema, engine=engine) as b:
        b.drop_constraint(n["unique"])
        b.drop_index(n["index"])
    with alter_table(n["table"], schema=schema, engine=engine) as b:
        b.add_column(sa.Column(n["column2"], sa.String(10), server_default="d"))
        b.create_index(n["index"], n["column2"])
    s = snapshot(engine, n["table"], schema)
    assert s["columns"] == ["id", "v", n["column"], n["column2"]]
    assert s["indexes"].get(n["index"]) == (n["column2"],)
    assert not has(engine, s, "unique", n["unique"])
    assert s["rows"] == [(1, "a'b", 1, "d"), (2, "é", 2, "d")]

    if hasattr(sa.Column, "alter"):
        with alter_table(n["table"], schema=schema, engine=engine) as b:
            b.alter_column(n["column2"], type=sa.String(30), nullable=False)
        cols = {c["name"]: c for c in sa.inspect(engine).get_columns(n["table"], schema=schema)}
        assert cols[n["column2"]]["nullable"] is False

    # Table.rename, then drop the FK column and the added one (legacy calls)
    table = sa.Table(n["table"], sa.MetaData(), schema=schema, autoload_with=engine)
    table.rename(n["table2"], engine=engine)
    assert table.name == n["table2"]
    names = set(sa.inspect(engine).get_table_names(schema=schema))
    assert n["table2"] in names and n["table"] not in names
    table.c[n["column"]].drop(engine=engine)
    table.drop_column(n["column2"], engine=engine)
    s = snapshot(engine, n["table2"], schema)
    assert s["columns"] == ["id", "v"]
    assert s["fks"] == {} and s["indexes"] == {}
    assert s["rows"] == [(1, "a'b"), (2, "é")]
    with engine.begin() as conn:
        conn.execute(sa.schema.DropTable(table))
        conn.execute(sa.schema.DropTable(parent))


@pytest.mark.parametrize("base", NAMES)
def test_identifier_round_trip(engine: sa.Engine, backend_name: str, base: str) -> None:
    scenario(engine, backend_name, expand(base, backend_name))


@pytest.mark.parametrize("base", ["user", "MixedCase", "with space", "naïve_ü€", "MAX"])
def test_identifier_round_trip_in_other_schema(
    engine: sa.Engine, backend_name: str, base: str, other_schema: str
) -> None:
    scenario(engine, backend_name, expand(base, backend_name), schema=other_schema)


ALPHABET = st.sampled_from(list("abcXYZ_ .'\"%$#-é€表0") + ["select", "Key"])
random_names = (
    st.lists(ALPHABET, min_size=1, max_size=8)
    .map("".join)
    .filter(lambda s: s.strip() == s and s != "" and s.lower() != "id")
)


def test_random_identifiers(engine: sa.Engine, backend_name: str) -> None:
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(base=random_names)
    def run(base: str) -> None:
        scenario(engine, backend_name, base)

    run()


# regression: the CHECK text was escaped for pyformat drivers twice ('c%%x')
@pytest.mark.backends("postgresql", "mysql")
def test_check_on_percent_column(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        "t", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c%x", sa.Integer)
    )
    meta.create_all(engine)
    mc.CheckConstraint(t.c["c%x"] >= 0, name="ck_pct", table=t).create(engine=engine)
    assert {c["name"] for c in sa.inspect(engine).get_check_constraints("t")} == {"ck_pct"}


def test_new_column_fk_to_a_dotted_table_name_renders() -> None:
    """Was SQLAlchemy's "can't render a single string ... contains a dot": Column.create
    rebuilt the FK from ``ForeignKey._get_colspec()``; it now passes the Column itself."""
    from migrate.changeset import to_sql

    meta = sa.MetaData()
    parent = sa.Table("P a.b", meta, sa.Column("id", sa.Integer, primary_key=True))
    child = sa.Table("a.b", meta, sa.Column("id", sa.Integer, primary_key=True))
    col = sa.Column("ref", sa.Integer, sa.ForeignKey(parent.c.id, name="fk_dot"))
    with to_sql("postgresql") as statements:
        col.create(child)
    assert any('REFERENCES "P a.b" (id)' in s for s in statements), statements
