"""The round trip of SPEC §12 on random models, on every backend.

Hypothesis draws a model A (a ``thing`` table of random columns: types, server defaults,
nullability, indexes, a UNIQUE, a CHECK, a foreign key with an action) and a model B
derived from it (columns dropped, added, renamed with a hint, their type widened,
nullability/default/index changed, constraints changed). A is created with rows; the
upgrade generated from ``compare(B)`` runs (``diff.apply``); then ``compare(B)`` is empty, the reflected
schema equals the one ``create_all(B)`` makes (built in ``other_schema`` and compared as
normalised data), and every surviving column kept its values. The downgrade, run as the
generated script's text, then makes ``compare(A)`` empty. Derandomized; the example count is the hypothesis profile's (200 in
the ``ci`` profile).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from migrate.changeset import compare
from migrate.changeset.diff import normalise as n
from migrate.changeset.reflection import SchemaInfo, read_schema

OTHER = "other_schema"

_TYPES = {
    "int": sa.Integer,
    "big": sa.BigInteger,
    "str10": lambda: sa.String(10),
    "str40": lambda: sa.String(40),
    "text": sa.Text,
    "num": lambda: sa.Numeric(8, 2),
    "bool": sa.Boolean,
    "date": sa.Date,
}
#: type changes that keep every value the rows hold
_WIDER = {"int": ["big", "num"], "str10": ["str40", "text"], "str40": ["text"]}
_DEFAULTS: dict[str, list[str]] = {
    "int": ["0", "7"],
    "big": ["-3"],
    "str10": ["x", ""],
    "str40": ["hello", "it's"],
    "text": [],
    "num": ["0", "1.50"],
    "bool": [],
    "date": [],
}


def _value(kind: str, i: int) -> Any:
    return {
        "int": i,
        "big": 10_000_000_000 + i,
        "str10": f"v{i}",
        "str40": f"value {i}",
        "text": f"text {i}",
        "num": Decimal(i) + Decimal("0.25"),
        "bool": i % 2 == 0,
        "date": datetime.date(2020, 1, 1 + i),
    }[kind]


@dataclass(frozen=True)
class Col:
    name: str
    kind: str
    nullable: bool
    default: str | None
    indexed: bool


#: the key column of ``thing``: how the database generates ids (tests/diff/test_identity.py)
_KEYS = ("plain", "auto", "identity", "sqlite_ai")


def generates(key: str, backend: str) -> bool:
    """Whether the key makes the database generate ids on ``backend``."""
    if backend == "sqlite":
        return key == "sqlite_ai"  # any other INTEGER PRIMARY KEY is the rowid
    return key != "plain"


@dataclass(frozen=True)
class Model:
    cols: tuple[Col, ...]
    unique: bool
    check: bool
    ondelete: str | None
    key: str = "plain"

    def metadata(self, schema: str | None = None) -> sa.MetaData:
        meta = sa.MetaData(schema=schema)
        sa.Table("ref", meta, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
        prefix = f"{schema}." if schema else ""
        identity = [sa.Identity()] if self.key == "identity" else []
        t = sa.Table(
            "thing",
            meta,
            sa.Column(
                "id", sa.Integer, *identity, primary_key=True, autoincrement=self.key != "plain"
            ),
            sa.Column(
                "ref_id", sa.Integer, sa.ForeignKey(f"{prefix}ref.id", ondelete=self.ondelete)
            ),
            sqlite_autoincrement=self.key == "sqlite_ai",
        )
        for c in self.cols:
            t.append_column(
                sa.Column(c.name, _TYPES[c.kind](), nullable=c.nullable, server_default=c.default)
            )
            if c.indexed:
                sa.Index(f"ix_thing_{c.name}", t.c[c.name])
        plain = [c for c in self.cols if c.kind != "text"]
        if self.unique and plain:
            t.append_constraint(sa.UniqueConstraint(plain[0].name, "id"))
        ints = [c for c in self.cols if c.kind in ("int", "big")]
        if self.check and ints:
            t.append_constraint(sa.CheckConstraint(f"{ints[0].name} > -100"))
        return meta


@st.composite
def column(draw: st.DrawFn, name: str, kind: str | None = None) -> Col:
    kind = kind or draw(st.sampled_from(sorted(_TYPES)))
    default = draw(st.sampled_from([None, *_DEFAULTS[kind]]))
    nullable = default is None or draw(st.booleans())
    indexed = kind != "text" and draw(st.booleans())
    return Col(name, kind, nullable, default, indexed)


@st.composite
def pairs(draw: st.DrawFn) -> tuple[Model, Model, dict[str, str]]:
    count = draw(st.integers(0, 4))
    a_cols = tuple(draw(column(f"c{i}")) for i in range(count))
    actions = st.sampled_from([None, "CASCADE", "SET NULL"])
    keys = st.sampled_from(_KEYS)
    a = Model(a_cols, draw(st.booleans()), draw(st.booleans()), draw(actions), draw(keys))
    b_cols: list[Col] = []
    renames: dict[str, str] = {}
    for col in a_cols:
        fate = draw(st.sampled_from(["keep", "drop", "change", "rename"]))
        if fate == "drop":
            continue
        if fate == "rename":
            renames[f"thing.{col.name}"] = "r" + col.name[1:]
            col = replace(col, name="r" + col.name[1:])
        if fate == "change":
            kind = draw(st.sampled_from([col.kind, *_WIDER.get(col.kind, [])]))
            col = draw(column(col.name, kind))
        b_cols.append(col)
    for i in range(draw(st.integers(0, 2))):
        b_cols.append(draw(column(f"n{i}")))
    b = Model(tuple(b_cols), draw(st.booleans()), draw(st.booleans()), draw(actions), draw(keys))
    return a, b, renames


def fingerprint(info: SchemaInfo, dialect: sa.engine.Dialect) -> dict[str, Any]:
    """A schema as normalised data, names of constraints left out. A generated key is
    one fact (PostgreSQL: serial or identity, which compare() tells apart; its nextval()
    default names the schema's sequence)."""
    fam = n.family(dialect)
    out: dict[str, Any] = {}
    for name, t in info.tables.items():
        out[name] = (
            [
                (
                    c.name,
                    n.type_key(c.type, dialect)
                    if not c.declared_type
                    else n.declared_type_key(c.declared_type, dialect),
                    c.nullable,
                    None
                    if c.default and c.default.startswith("nextval(")
                    else n.default_key(c.default),
                    n.generated_key(c, fam) is not None,
                )
                for c in t.columns
            ],
            t.primary_key.columns if t.primary_key else (),
            sorted(
                (
                    fk.columns,
                    fk.referred_table,
                    fk.referred_columns,
                    n.action_key(fk.ondelete, n.family(dialect)),
                )
                for fk in t.foreign_keys
            ),
            sorted(u.columns for u in t.uniques),
            sorted(n.check_key(c.sqltext) for c in t.checks),
            sorted(
                (i.name, i.columns, i.unique)
                for i in t.indexes
                if not i.duplicates_constraint and i.name not in {u.name for u in t.uniques}
            ),
        )
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal | float):
        return round(float(value), 2)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@settings(
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pair=pairs())
@example(  # PostgreSQL reflects -100 in a CHECK as '-100'::integer
    pair=(
        Model((Col("c0", "int", False, "0", True),), True, True, None),
        Model((Col("c0", "int", True, None, False),), False, False, None),
        {},
    )
)
@example(  # PostgreSQL: a downgrade with only a remark (the identity stays) compiled
    pair=(  # to an empty `with alter_table(...)` block
        Model((), False, False, None, "auto"),
        Model((), False, False, None, "identity"),
        {},
    )
)
def test_generated_upgrade_and_downgrade_round_trip(
    engine: sa.Engine, pair: tuple[Model, Model, dict[str, str]]
) -> None:
    a, b, renames = pair
    meta_a, meta_b = a.metadata(), b.metadata()
    meta_a.drop_all(engine)
    b.metadata(OTHER).drop_all(engine)
    meta_a.create_all(engine)
    rows = [
        # ids from 1: MySQL's AUTO_INCREMENT takes an inserted 0 for "generate one"
        {"id": i, "ref_id": 1, **{c.name: _value(c.kind, i) for c in a.cols}}
        for i in range(1, 4)
    ]
    with engine.begin() as conn:
        conn.execute(meta_a.tables["ref"].insert(), [{"id": 1}])
        conn.execute(meta_a.tables["thing"].insert(), rows)
    assert str(compare(meta_a, engine)) == ""

    diff = compare(meta_b, engine, renames=renames)
    diff.apply(engine)
    assert str(compare(meta_b, engine)) == ""
    b.metadata(OTHER).create_all(engine)
    with engine.connect() as conn:
        made = read_schema(conn, None)
        fresh = read_schema(conn, OTHER)
    assert fingerprint(made, engine.dialect) == fingerprint(fresh, engine.dialect)

    new_name = {old.split(".")[1]: new for old, new in renames.items()}
    b_names = {c.name for c in b.cols}
    kept = [c for c in a.cols if new_name.get(c.name, c.name) in b_names]
    select = sa.select(
        sa.column("id"), *(sa.column(new_name.get(c.name, c.name)) for c in kept)
    ).select_from(sa.table("thing"))
    with engine.connect() as conn:
        got = conn.execute(select.order_by(sa.column("id"))).all()
    want = [(r["id"], *(r[c.name] for c in kept)) for r in rows]
    assert [tuple(map(_plain, r)) for r in got] == [tuple(map(_plain, w)) for w in want]
    turned_on = any(c.attribute == "autoincrement" for c in diff)
    if turned_on and generates(b.key, engine.dialect.name):  # the next row: a fresh id
        with engine.begin() as conn:
            conn.execute(sa.table("thing").insert())
            new_ids = conn.execute(sa.text("SELECT id FROM thing WHERE id > 3")).all()
            conn.execute(sa.text("DELETE FROM thing WHERE id > 3"))
        assert [tuple(r) for r in new_ids] == [(4,)]

    # the downgrade runs as the script's text (the upgrade ran through apply(): both
    # readings of the one description are proven on every example)
    namespace: dict[str, Any] = {}
    exec(compile(diff.script("round trip"), "<generated script>", "exec"), namespace)  # noqa: S102
    namespace["downgrade"](engine)
    assert str(compare(meta_a, engine)) == ""
    with engine.connect() as conn:
        back = conn.execute(
            sa.select(sa.column("id"), *(sa.column(c.name) for c in kept))
            .select_from(sa.table("thing"))
            .order_by(sa.column("id"))
        ).all()
    assert [tuple(map(_plain, r)) for r in back] == [tuple(map(_plain, w)) for w in want]
    b.metadata(OTHER).drop_all(engine)
    meta_a.drop_all(engine)
