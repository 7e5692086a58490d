"""PostgreSQL: altering or dropping a column reads the table with ONE catalog query.

``Column.alter`` (not of the primary key, not to an ``Enum``) and ``Column.drop`` (of a
column in no index and not in the primary key) plan from one read of the catalogs: the
columns as SQLAlchemy's reflection gives them (types, nullability, defaults, identity),
the primary key and, for a drop, the indexes. SQLAlchemy's own reflection sent three to
five catalog queries per call (issue #19 item 10, the replayed chains' column calls).
Column types are SQLAlchemy's: the first time a type's text is seen in a process, its
column reflection is read once more (``introspect.pg_columns_table``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

import migrate.changeset  # noqa: F401  (installs the methods)
from migrate.changeset import introspect
from migrate.changeset.ops import TableRef
from migrate.exceptions import NoSuchColumnError, NoSuchTableError
from tests.support import rows

pytestmark = pytest.mark.backends("postgresql")

_READS = ("SELECT", "WITH", "SHOW")


def reads(sql: list[str]) -> list[str]:
    return [s for s in sql if s.lstrip().upper().startswith(_READS)]


def columns(engine: sa.Engine, table: str) -> list[tuple[str, str, bool, str | None]]:
    """(name, format_type, NOT NULL, default) of the table's columns, from the catalog."""
    with engine.connect() as c:
        return [
            (str(n), str(t), bool(nn), d)
            for n, t, nn, d in c.execute(
                sa.text(
                    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                    "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
                    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    "WHERE a.attrelid = to_regclass(:t) AND a.attnum > 0 "
                    "AND NOT a.attisdropped ORDER BY a.attnum"
                ),
                {"t": table},
            )
        ]


def index_defs(engine: sa.Engine, table: str) -> list[str]:
    with engine.connect() as c:
        return sorted(
            str(d)
            for (d,) in c.execute(
                sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = :t"), {"t": table}
            )
        )


@pytest.fixture
def item(engine: sa.Engine) -> Iterator[sa.Table]:
    meta = sa.MetaData()
    t = sa.Table(
        "item",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("qty", sa.Integer),
        sa.Column("price", sa.Numeric(10, 2), server_default="0"),
        sa.Column("note", sa.String(20)),
        sa.Column("spare", sa.Text),
        sa.Index("ix_item_code_qty", "code", "qty"),
    )
    meta.create_all(engine)
    meta.bind = engine  # type: ignore[attr-defined]  (the legacy bind, SPEC §3)
    with engine.begin() as c:
        c.execute(
            t.insert(),
            [
                {"id": 1, "code": "a", "qty": 3, "price": 1, "note": "x", "spare": "s"},
                {"id": 2, "code": "b", "qty": 4, "price": 2, "note": "y", "spare": "t"},
            ],
        )
    # the types' texts of this table and of the types the tests alter to, seen once in
    # this process (SQLAlchemy's column reflection read then): what every later
    # operation on such columns finds
    seen = sa.Table("seen", meta, sa.Column("a", sa.String(40)), sa.Column("b", sa.BigInteger))
    seen.create(engine)
    t.c.spare.alter(nullable=True)  # no change: reads only
    seen.c.a.alter(nullable=True)
    yield t


def test_alter_reads_once(engine: sa.Engine, capture: Any, item: sa.Table) -> None:
    with capture(engine) as sql:
        item.c.note.alter(type=sa.String(40))
    assert len(reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        item.c.note.alter(nullable=False)
    assert len(reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        item.c.qty.alter(server_default="7")
    assert len(reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        item.c.qty.alter(type=sa.String(10))  # across families: USING "qty"::VARCHAR(10)
    assert len(reads(sql)) == 1, reads(sql)
    assert columns(engine, "item") == [
        ("id", "integer", True, "nextval('item_id_seq'::regclass)"),
        ("code", "character varying(10)", True, None),
        ("qty", "character varying(10)", False, "(7)::character varying(10)"),
        ("price", "numeric(10,2)", False, "'0'::numeric"),
        ("note", "character varying(40)", True, None),
        ("spare", "text", False, None),
    ]
    assert rows(engine, "item") == [
        (1, "a", "3", 1, "x", "s"),
        (2, "b", "4", 2, "y", "t"),
    ]


def test_alter_restating_the_primary_key_flag_reads_once(
    engine: sa.Engine, capture: Any, item: sa.Table
) -> None:
    """0.13 scripts restate ``primary_key=True`` of a key column with a type change: the
    key does not change, so nothing of the constraints or of the foreign keys that
    reference the table is read. A real key change reads them, as before."""
    meta = sa.MetaData()
    sa.Table("item", meta, sa.Column("id", sa.Integer, primary_key=True))
    holder = sa.Table(
        "holder",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("item_id", sa.BigInteger),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name="holder_item_fk"),
    )
    holder.create(engine)
    with capture(engine) as sql:
        item.c.id.alter(type=sa.BigInteger, primary_key=True)
    assert len(reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        item.c.note.alter(primary_key=False)  # not in the key: nothing changes
    assert len(reads(sql)) == 1, reads(sql)
    assert columns(engine, "item")[0] == ("id", "bigint", True, "nextval('item_id_seq'::regclass)")
    with engine.connect() as c:
        fk = c.exec_driver_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'holder_item_fk'"
        ).scalar_one()
    assert fk == "FOREIGN KEY (item_id) REFERENCES item(id)"
    holder.drop(engine)
    with capture(engine) as sql:
        item.c.code.alter(primary_key=True)  # the key changes: read as before
    assert len(reads(sql)) > 1, reads(sql)
    assert index_defs(engine, "item") == [
        "CREATE INDEX ix_item_code_qty ON public.item USING btree (code, qty)",
        "CREATE UNIQUE INDEX item_pkey ON public.item USING btree (id, code)",
    ]
    assert rows(engine, "item") == [
        (1, "a", 3, 1, "x", "s"),
        (2, "b", 4, 2, "y", "t"),
    ]


def test_alter_to_the_same_type_is_a_no_op_from_one_read(
    engine: sa.Engine, capture: Any, item: sa.Table
) -> None:
    """The type compared as before: the reflected type, rendered (no ALTER sent)."""
    before = columns(engine, "item")
    with capture(engine) as sql:
        item.c.price.alter(type=sa.Numeric(10, 2))
        item.c.code.alter(type=sa.String(10), nullable=False)
    assert len(reads(sql)) == 2, reads(sql)
    assert not [s for s in sql if s.lstrip().upper().startswith("ALTER")], sql
    assert columns(engine, "item") == before


def test_drop_reads_once(engine: sa.Engine, capture: Any, item: sa.Table) -> None:
    with capture(engine) as sql:
        item.c.spare.drop()
    assert len(reads(sql)) == 1, reads(sql)
    assert [c[0] for c in columns(engine, "item")] == ["id", "code", "qty", "price", "note"]
    assert index_defs(engine, "item") == [
        "CREATE INDEX ix_item_code_qty ON public.item USING btree (code, qty)",
        "CREATE UNIQUE INDEX item_pkey ON public.item USING btree (id)",
    ]
    assert rows(engine, "item") == [(1, "a", 3, 1, "x"), (2, "b", 4, 2, "y")]


def test_drop_of_a_key_column_and_of_a_singly_indexed_one_reads_once(
    engine: sa.Engine, capture: Any
) -> None:
    """PostgreSQL drops the index of one column with it; a composite primary key is
    re-added without the column, its name kept: the one read has both."""
    meta = sa.MetaData()
    t = sa.Table(
        "pair",
        meta,
        sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("b", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("c", sa.String(10), index=True),
        sa.Column("d", sa.Integer),
        sa.PrimaryKeyConstraint("a", "b", name="pair_key"),
    )
    meta.create_all(engine)
    meta.bind = engine  # type: ignore[attr-defined]
    with engine.begin() as c:
        c.execute(
            t.insert(), [{"a": 1, "b": 1, "c": "x", "d": 5}, {"a": 2, "b": 1, "c": "y", "d": None}]
        )
    t.c.d.alter(nullable=True)  # the types' texts seen (reads only)
    with capture(engine) as sql:
        t.c.c.drop()
    assert len(reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        t.c.b.drop()
    assert len(reads(sql)) == 1, reads(sql)
    assert index_defs(engine, "pair") == [
        "CREATE UNIQUE INDEX pair_key ON public.pair USING btree (a)"
    ]
    assert [c[0] for c in columns(engine, "pair")] == ["a", "d"]
    assert rows(engine, "pair", order_by="a") == [(1, 5), (2, None)]


def test_drop_of_an_indexed_column_keeps_the_index_of_the_others(
    engine: sa.Engine, item: sa.Table
) -> None:
    """A column of a composite index: the one read says so, and the table is read as
    before to re-create the index without the column."""
    item.c.qty.drop()
    assert index_defs(engine, "item") == [
        "CREATE INDEX ix_item_code_qty ON public.item USING btree (code)",
        "CREATE UNIQUE INDEX item_pkey ON public.item USING btree (id)",
    ]
    assert rows(engine, "item") == [(1, "a", 1, "x", "s"), (2, "b", 2, "y", "t")]


def test_no_such_column_from_one_read(engine: sa.Engine, capture: Any, item: sa.Table) -> None:
    before = columns(engine, "item")
    ghost = sa.Table("item", sa.MetaData(), sa.Column("ghost", sa.Integer))
    with capture(engine) as sql, pytest.raises(NoSuchColumnError, match="ghost"):
        ghost.c.ghost.alter(nullable=False, engine=engine)
    assert len(reads(sql)) == 1, reads(sql)
    with capture(engine) as sql, pytest.raises(NoSuchColumnError, match="ghost"):
        ghost.c.ghost.drop(engine=engine)
    assert len(reads(sql)) == 1, reads(sql)
    assert columns(engine, "item") == before
    assert len(rows(engine, "item")) == 2


def test_no_such_table_from_one_read(engine: sa.Engine, capture: Any) -> None:
    t = sa.Table("nowhere", sa.MetaData(), sa.Column("a", sa.Integer))
    with capture(engine) as sql, pytest.raises(NoSuchTableError, match="nowhere"):
        t.c.a.alter(nullable=False, engine=engine)
    assert len(reads(sql)) == 1, reads(sql)


def _described(table: sa.Table, dialect: sa.Dialect) -> list[tuple[Any, ...]]:
    out = []
    for c in table.columns:
        default = c.server_default
        out.append(
            (
                c.name,
                c.type.compile(dialect=dialect),
                type(c.type).__name__,
                c.nullable,
                str(getattr(default, "arg", None)) if default is not None else None,
                c.autoincrement,
                repr(c.identity),
                str(c.computed.sqltext) if c.computed is not None else None,
                c.comment,
                c.primary_key,
            )
        )
    return out


def test_columns_are_those_of_sqlalchemys_reflection(engine: sa.Engine, capture: Any) -> None:
    """The one read's columns, built from the catalog rows, equal SQLAlchemy's own
    reflection's, in the default schema and in another one (a serial's sequence then
    schema-qualified as SQLAlchemy does)."""
    with engine.begin() as c:
        c.exec_driver_sql("DROP SCHEMA IF EXISTS other CASCADE")
        c.exec_driver_sql("CREATE SCHEMA other")
    try:
        for schema in (None, "other"):
            meta = sa.MetaData()
            sa.Table(
                "wide",
                meta,
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("big", sa.BigInteger, sa.Identity(always=True, start=5, increment=2)),
                sa.Column("small", sa.SmallInteger, sa.Identity()),
                sa.Column("code", sa.String(12), nullable=False, server_default="x"),
                sa.Column("amount", sa.Numeric(8, 3)),
                sa.Column("ratio", sa.Float),
                sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now()),
                sa.Column("day", sa.Date),
                sa.Column("flag", sa.Boolean, server_default=sa.true()),
                sa.Column("blob", sa.LargeBinary),
                sa.Column("tags", sa.ARRAY(sa.Text)),
                sa.Column("doubled", sa.Integer, sa.Computed("small * 2", persisted=True)),
                sa.Column("remark", sa.Text, comment="a remark"),
                schema=schema,
            ).create(engine)
            ref = TableRef("wide", schema)
            with engine.connect() as c:
                expected = introspect.reflect(c, ref, needs=frozenset())
                introspect.pg_columns_table(c, ref)  # the types' texts seen
                with capture(c) as sql:
                    found = introspect.pg_columns_table(c, ref)
            assert len(reads(sql)) == 1, reads(sql)
            assert found is not None
            assert _described(found, engine.dialect) == _described(expected, engine.dialect)
            assert found.primary_key.name == expected.primary_key.name
    finally:
        with engine.begin() as c:
            c.exec_driver_sql("DROP TABLE IF EXISTS wide")
            c.exec_driver_sql("DROP SCHEMA other CASCADE")


def test_enum_and_domain_columns_keep_sqlalchemys_types(engine: sa.Engine) -> None:
    """A table with an enum and a domain column: its columns come from SQLAlchemy's
    reflection (not from the learnt built-in types), and an alter keeps both types."""
    with engine.begin() as c:
        c.exec_driver_sql("DROP TABLE IF EXISTS typed")
        c.exec_driver_sql("DROP TYPE IF EXISTS typed_mood")
        c.exec_driver_sql("DROP DOMAIN IF EXISTS typed_positive")
        c.exec_driver_sql("CREATE TYPE typed_mood AS ENUM ('sad', 'ok')")
        c.exec_driver_sql("CREATE DOMAIN typed_positive AS integer CHECK (VALUE > 0)")
        c.exec_driver_sql(
            "CREATE TABLE typed (id integer PRIMARY KEY, mood typed_mood, "
            "n typed_positive, label varchar(10))"
        )
        c.exec_driver_sql("INSERT INTO typed VALUES (1, 'ok', 3, 'a'), (2, 'sad', 4, 'b')")
    try:
        t = sa.Table("typed", sa.MetaData(), autoload_with=engine)
        t.c.mood.alter(nullable=False, server_default="ok", engine=engine)
        t.c.n.alter(nullable=False, engine=engine)
        t.c.label.alter(type=sa.String(20), engine=engine)
        assert columns(engine, "typed") == [
            ("id", "integer", True, None),
            ("mood", "typed_mood", True, "'ok'::typed_mood"),
            ("n", "typed_positive", True, None),
            ("label", "character varying(20)", False, None),
        ]
        assert rows(engine, "typed") == [(1, "ok", 3, "a"), (2, "sad", 4, "b")]
    finally:
        with engine.begin() as c:
            c.exec_driver_sql("DROP TABLE IF EXISTS typed")
            c.exec_driver_sql("DROP TYPE IF EXISTS typed_mood")
            c.exec_driver_sql("DROP DOMAIN IF EXISTS typed_positive")


def test_table_rename_reads_once(engine: sa.Engine, capture: Any, item: sa.Table) -> None:
    """Renaming a table reads, in one query, that it exists, whether the new name is
    taken, and the sequences its columns own (renamed with it)."""
    from migrate.exceptions import DuplicateObjectError

    with capture(engine) as sql, pytest.raises(DuplicateObjectError, match="seen"):
        item.rename("seen")  # the fixture's other table
    assert len(reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        item.rename("thing")
    assert len(reads(sql)) == 1, reads(sql)
    with engine.connect() as c:
        names = set(
            c.exec_driver_sql(
                "SELECT relname FROM pg_class WHERE relname IN "
                "('item', 'thing', 'item_id_seq', 'thing_id_seq')"
            ).scalars()
        )
        owned = c.exec_driver_sql("SELECT pg_get_serial_sequence('thing', 'id')").scalar()
    assert names == {"thing", "thing_id_seq"}
    assert owned == "public.thing_id_seq"
    assert [r[:2] for r in rows(engine, "thing")] == [(1, "a"), (2, "b")]
    ghost = sa.Table("nowhere", sa.MetaData())
    with capture(engine) as sql, pytest.raises(NoSuchTableError, match="nowhere"):
        ghost.rename("elsewhere", engine=engine)
    assert len(reads(sql)) == 1, reads(sql)


def test_index_rename_reads_the_table_once(engine: sa.Engine, capture: Any, item: sa.Table) -> None:
    """The index names (and the unique constraints', renamed with their index) come in
    the table's one constraint read; a name that is taken or not there is our error."""
    from migrate.changeset.constraint import UniqueConstraint
    from migrate.exceptions import DuplicateObjectError, NoSuchObjectError

    UniqueConstraint(item.c.note, name="item_note_uq").create()
    with engine.begin() as c:
        c.exec_driver_sql("CREATE INDEX ix_item_lower ON item (lower(note))")
    index = next(i for i in item.indexes if i.name == "ix_item_code_qty")

    def table_reads(sql: list[str]) -> list[str]:
        # Index.rename first asks whether the Index's Table is still the index's table
        # (SQLAlchemy's has_table: ``SELECT pg_catalog.pg_class.relname ...``)
        has_table = "SELECT pg_catalog.pg_class.relname"
        return [s for s in reads(sql) if not s.lstrip().startswith(has_table)]

    with capture(engine) as sql, pytest.raises(DuplicateObjectError, match="ix_item_lower"):
        index.rename("ix_item_lower")
    assert len(table_reads(sql)) == 1, reads(sql)
    with capture(engine) as sql, pytest.raises(DuplicateObjectError, match="item_note_uq"):
        index.rename("item_note_uq")
    assert len(table_reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        index.rename("ix_item_cq")
    assert len(table_reads(sql)) == 1, reads(sql)
    ghost = sa.Index("ix_ghost", item.c.qty)
    with capture(engine) as sql, pytest.raises(NoSuchObjectError, match="ix_ghost"):
        ghost.rename("ix_ghost2")
    assert len(table_reads(sql)) == 1, reads(sql)
    with capture(engine) as sql:
        ghost2 = sa.Index("item_note_uq", item.c.note)
        ghost2.rename("item_note_key")  # a unique constraint's index: renamed with it
    assert len(table_reads(sql)) == 1, reads(sql)
    assert index_defs(engine, "item") == [
        "CREATE INDEX ix_item_cq ON public.item USING btree (code, qty)",
        "CREATE INDEX ix_item_lower ON public.item USING btree (lower((note)::text))",
        "CREATE UNIQUE INDEX item_note_key ON public.item USING btree (note)",
        "CREATE UNIQUE INDEX item_pkey ON public.item USING btree (id)",
    ]
    assert len(rows(engine, "item")) == 2
