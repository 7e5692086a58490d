"""The SQLite DDL model: CREATE TABLE text in, the same text out; identifier rewriting."""

from __future__ import annotations

import sqlite3

import pytest

from migrate.changeset.sqlite_schema import (
    SqlParseError,
    identifiers,
    normalized,
    parse_column_def,
    parse_create_index,
    parse_create_table,
    parse_table_constraint,
    qualify_create,
    quote,
    references_identifier,
    rename_identifier,
    rename_identifiers,
    render_create_table,
    unquote,
)

# Every statement here is valid SQLite (checked by test_cases_are_valid_sqlite).
ROUND_TRIP = [
    "CREATE TABLE t (a)",
    "CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT, b TEXT NOT NULL DEFAULT 'x')",
    'CREATE TABLE "my table" ("a""b" INTEGER, `c``d` TEXT, [e f] BLOB, \'g\' REAL)',
    "CREATE TABLE IF NOT EXISTS main.t (a INT)",
    "CREATE TABLE t (a INTEGER /* inline */ NOT NULL -- why\n DEFAULT 1, b TEXT)",
    "CREATE TABLE t (a INTEGER, -- comment after comma\n b TEXT /* before paren */)",
    "CREATE TABLE t (a INT CHECK (a > (1 + (2 * 3))) CHECK (a <> ')'), b TEXT DEFAULT '(')",
    "CREATE TABLE t (a INT DEFAULT -1, b REAL DEFAULT +2.5, c BLOB DEFAULT x'0A0b', "
    "d TEXT DEFAULT CURRENT_TIMESTAMP, e DEFAULT NULL, f DEFAULT (abs(-3)))",
    'CREATE TABLE t (a TEXT COLLATE NOCASE UNIQUE ON CONFLICT REPLACE, b TEXT COLLATE "RTRIM")',
    "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, "
    "c AS (a || 'x') VIRTUAL, d INT AS (abs(a)))",
    "CREATE TABLE t (k TEXT PRIMARY KEY, v INT) WITHOUT ROWID",
    "CREATE TABLE t (k INTEGER PRIMARY KEY, v ANY) STRICT",
    "CREATE TABLE t (k TEXT PRIMARY KEY, v INT) STRICT, WITHOUT ROWID",
    'CREATE TABLE t (a INT CONSTRAINT nn NOT NULL CONSTRAINT "u q" UNIQUE '
    "CONSTRAINT ck CHECK (a > 0) CONSTRAINT fk REFERENCES p (id) ON DELETE CASCADE)",
    "CREATE TABLE t (a INT PRIMARY KEY DESC ON CONFLICT FAIL, b INT NULL)",
    "CREATE TABLE t (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b DESC) ON CONFLICT ROLLBACK)",
    "CREATE TABLE t (a INT, b INT, UNIQUE (a COLLATE NOCASE, b), CHECK (a < b), "
    "FOREIGN KEY (a, b) REFERENCES p (x, y) ON DELETE SET NULL ON UPDATE SET DEFAULT "
    "MATCH SIMPLE NOT DEFERRABLE INITIALLY IMMEDIATE)",
    "CREATE TABLE t (a INT REFERENCES p DEFERRABLE INITIALLY DEFERRED, "
    "b INT REFERENCES p(id) ON UPDATE NO ACTION ON DELETE RESTRICT)",
    "CREATE TABLE t (a VARCHAR(10), b DECIMAL(10, 2), c DOUBLE PRECISION, "
    "d UNSIGNED BIG INT, e NATIVE CHARACTER (70))",
    "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a) UNIQUE (b))",
    'CREATE TABLE "order" ("select" INT, "from" TEXT, key TEXT, "Mixed Case" INT, value INT)',
    "CREATE TEMP TABLE t (a INT)",
]


@pytest.mark.parametrize("sql", ROUND_TRIP)
def test_cases_are_valid_sqlite(sql: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, x, y, UNIQUE (x, y))")
    db.execute(sql)


@pytest.mark.parametrize("sql", ROUND_TRIP)
def test_unchanged_model_renders_every_item_verbatim(sql: str) -> None:
    parsed = parse_create_table(sql)
    rendered = render_create_table(parsed, "copy")
    for col in parsed.columns:
        assert col.render() in rendered
        assert col.render() in sql
    for k in parsed.constraints:
        assert k.text in rendered and k.text in sql
    # the rendered statement is valid SQLite and describes the same table
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, x, y, UNIQUE (x, y))")
    db.execute(sql)
    db.execute(rendered)
    name = parsed.name
    for pragma in ("table_xinfo", "index_list", "foreign_key_list"):
        old = db.execute(f"PRAGMA {pragma}({quote(name)})").fetchall()
        new = db.execute(f"PRAGMA {pragma}(copy)").fetchall()
        if pragma == "index_list":  # auto-index names carry the table name
            old = [r[2:] for r in old]
            new = [r[2:] for r in new]
        assert old == new
    # a second parse of the rendered text gives the same items
    again = parse_create_table(rendered)
    assert [c.render() for c in again.columns] == [c.render() for c in parsed.columns]
    assert [k.text for k in again.constraints] == [k.text for k in parsed.constraints]
    assert again.options == parsed.options


def test_column_parts() -> None:
    t = parse_create_table(
        'CREATE TABLE "T x" ("a""b" VARCHAR(20) CONSTRAINT nn NOT NULL DEFAULT (1 + 2) '
        "COLLATE NOCASE, id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "g INT GENERATED ALWAYS AS (id * 2) STORED, "
        "f INT REFERENCES p(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, "
        'CONSTRAINT uq UNIQUE ("a""b", f), CHECK (id > 0), '
        "FOREIGN KEY (f) REFERENCES p (id)) WITHOUT ROWID, STRICT"
    )
    assert t.name == "T x"
    a, idc, g, f = t.columns
    assert (a.name, a.name_text, a.type_text) == ('a"b', '"a""b"', "VARCHAR(20)")
    assert a.definition == "VARCHAR(20) CONSTRAINT nn NOT NULL DEFAULT (1 + 2) COLLATE NOCASE"
    assert a.not_null and a.default == "(1 + 2)" and a.collation == "NOCASE"
    assert [c.kind for c in a.clauses] == ["not_null", "default", "collate"]
    assert a.clauses[0].name == "nn" and a.clauses[0].body == "NOT NULL"
    assert idc.primary_key and idc.autoincrement and not a.primary_key
    assert g.generated == "STORED" and g.type_text == "INT"
    assert f.references == "REFERENCES p(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    uq, ck, fk = t.constraints
    assert (uq.kind, uq.name, uq.columns) == ("unique", "uq", ('a"b', "f"))
    assert (ck.kind, ck.name, ck.columns, ck.text) == ("check", None, (), "CHECK (id > 0)")
    assert (fk.kind, fk.columns, fk.ref_table, fk.ref_columns) == (
        "foreign_key",
        ("f",),
        "p",
        ("id",),
    )
    assert t.options == ("WITHOUT ROWID", "STRICT")
    assert t.without_rowid and t.strict


def test_virtual_is_the_default_for_generated_columns() -> None:
    assert parse_column_def("c AS (a + 1)").generated == "VIRTUAL"


@pytest.mark.parametrize(
    ("sql", "alias"),
    [
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, a)", "id"),
        ("CREATE TABLE t (id integer primary key asc, a)", "id"),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY DESC, a)", None),  # SQLite's quirk
        ("CREATE TABLE t (id INT PRIMARY KEY, a)", None),
        ("CREATE TABLE t (id INTEGER, a, PRIMARY KEY (id))", "id"),
        ("CREATE TABLE t (id INTEGER, a, PRIMARY KEY (id, a))", None),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, a) WITHOUT ROWID", None),
    ],
)
def test_rowid_alias(sql: str, alias: str | None) -> None:
    assert parse_create_table(sql).rowid_alias == alias


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE t AS SELECT 1",
        "CREATE TABLE t (a INT, CONSTRAINT c FOO (a))",
        "CREATE TABLE t (a INT NOT DEFERRABLE, b)",
        "CREATE TABLE t (a INT CHECK a > 0)",
        "CREATE INDEX",
    ],
)
def test_what_is_not_understood_is_an_error(sql: str) -> None:
    with pytest.raises(SqlParseError):
        if sql.startswith("CREATE INDEX"):
            parse_create_index(sql)
        else:
            parse_create_table(sql)


def test_table_constraint_alone() -> None:
    k = parse_table_constraint('CONSTRAINT "fk x" FOREIGN KEY ([a]) REFERENCES "P"("ID")')
    assert (k.name, k.columns, k.ref_table, k.ref_columns) == ("fk x", ("a",), "P", ("ID",))


def test_index_parts() -> None:
    ix = parse_create_index(
        'CREATE UNIQUE INDEX IF NOT EXISTS "ix ""1""" ON [my t] '
        "(a COLLATE NOCASE DESC, lower(b), \"c\" ASC) WHERE a IS NOT NULL AND b > 'x'"
    )
    assert (ix.name, ix.table, ix.unique) == ('ix "1"', "my t", True)
    assert [(c.text, c.column) for c in ix.columns] == [
        ("a COLLATE NOCASE DESC", "a"),
        ("lower(b)", None),
        ('"c" ASC', "c"),
    ]
    assert ix.where == "a IS NOT NULL AND b > 'x'"
    assert ix.render() == (
        'CREATE UNIQUE INDEX "ix ""1""" ON "my t" (a COLLATE NOCASE DESC, lower(b), "c" ASC) '
        "WHERE a IS NOT NULL AND b > 'x'"
    )


# --- identifiers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("CHECK (a > 0 AND A < 10)", 'CHECK ("z" > 0 AND "z" < 10)'),
        ('CHECK ("a" > 0 AND [a] < `a`)', 'CHECK ("z" > 0 AND "z" < "z")'),
        ("CHECK (a <> 'a' AND b = \"ab\")", 'CHECK ("z" <> \'a\' AND b = "ab")'),
        ("CHECK (x'0a' <> a)", "CHECK (x'0a' <> \"z\")"),
        ("CHECK (aa > a_ AND a.b > 0)", 'CHECK (aa > a_ AND "z".b > 0)'),
        ("-- a\nCHECK (a /* a */ > 0)", '-- a\nCHECK ("z" /* a */ > 0)'),
    ],
)
def test_rename_identifier_everywhere_but_literals_and_comments(sql: str, expected: str) -> None:
    assert rename_identifier(sql, "a", "z") == expected


def test_rename_in_index_text() -> None:
    sql = "CREATE INDEX ix ON t (a COLLATE NOCASE, lower(a), b) WHERE a IS NOT NULL AND c = 'a'"
    assert rename_identifier(sql, "a", "new a") == (
        'CREATE INDEX ix ON t ("new a" COLLATE NOCASE, lower("new a"), b) '
        "WHERE \"new a\" IS NOT NULL AND c = 'a'"
    )


def test_rename_in_trigger_body_with_qualifiers() -> None:
    sql = (
        "CREATE TRIGGER tr AFTER UPDATE OF a ON t BEGIN "
        "INSERT INTO log (a, msg) VALUES (NEW.a, 'a changed'); "
        "UPDATE other SET x = other.a WHERE other.id = OLD.a; END"
    )
    assert rename_identifier(sql, "a", "b", qualifiers=("t", "new", "old")) == (
        'CREATE TRIGGER tr AFTER UPDATE OF "b" ON t BEGIN '
        'INSERT INTO log ("b", msg) VALUES (NEW."b", \'a changed\'); '
        'UPDATE other SET x = other.a WHERE other.id = OLD."b"; END'
    )


def test_rename_in_view_body() -> None:
    sql = "CREATE VIEW v AS SELECT t.a AS \"a\", u.a FROM t JOIN u ON u.id = t.a WHERE a > 'a'"
    assert rename_identifier(sql, "a", "c", qualifiers=("t",)) == (
        'CREATE VIEW v AS SELECT t."c" AS "c", u.a FROM t JOIN u ON u.id = t."c" WHERE "c" > \'a\''
    )


def test_swaps_happen_in_one_pass() -> None:
    assert rename_identifiers("a + b", {"a": "b", "B": "a"}) == '"b" + "a"'


def test_identifier_helpers() -> None:
    assert references_identifier('SELECT "My Tab".x FROM [my tab]', "MY TAB")
    assert not references_identifier("SELECT 'my tab'", "my tab")
    assert identifiers("x'00' || a") == ["a"]
    assert unquote('"a""b"') == 'a"b' and unquote("[a b]") == "a b" and unquote("`a``b`") == "a`b"
    assert quote('a"b') == '"a""b"'
    assert normalized('UNIQUE ("A", b)') == normalized("unique (a, [B])")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("CREATE INDEX ix ON t (a)", 'CREATE INDEX "s x".ix ON t (a)'),
        (
            "CREATE UNIQUE INDEX IF NOT EXISTS [ix] ON t (a)",
            'CREATE UNIQUE INDEX IF NOT EXISTS "s x".[ix] ON t (a)',
        ),
        (
            "create trigger tr after insert on t begin select 1; end",
            'create trigger "s x".tr after insert on t begin select 1; end',
        ),
        ("CREATE VIEW v AS SELECT 1", 'CREATE VIEW "s x".v AS SELECT 1'),
        ("CREATE VIEW main.v AS SELECT 1", "CREATE VIEW main.v AS SELECT 1"),
    ],
)
def test_qualify_create_names_the_attached_database(sql: str, expected: str) -> None:
    assert qualify_create(sql, "s x") == expected
    assert qualify_create(sql, None) == sql


# ---- named table constraints, read without a full parse (compare()'s reflection) ----


def test_named_table_constraints_skip_quotes_and_comments() -> None:
    from migrate.changeset.sqlite_schema import named_table_constraints, top_level_items

    sql = (
        'CREATE TABLE "a,b" (x TEXT DEFAULT \'it\'\'s, (\', "y""z" INT, '
        'CONSTRAINT [u,1] UNIQUE (x, "y""z"), '
        'CONSTRAINT "f""k" FOREIGN KEY (x) REFERENCES p (id) ON DELETE CASCADE)'
    )
    assert top_level_items(sql) == [
        "x TEXT DEFAULT 'it''s, ('",
        '"y""z" INT',
        'CONSTRAINT [u,1] UNIQUE (x, "y""z")',
        'CONSTRAINT "f""k" FOREIGN KEY (x) REFERENCES p (id) ON DELETE CASCADE',
    ]
    found = named_table_constraints(sql)
    assert found is not None
    assert [(c.kind, c.name, c.columns) for c in found] == [
        ("unique", "u,1", ("x", 'y"z')),
        ("foreign_key", 'f"k', ("x",)),
    ]


def test_named_table_constraints_leave_other_names_to_the_parser() -> None:
    """A name on a column constraint, or CONSTRAINT in a comment: None (parse it all)."""
    from migrate.changeset.sqlite_schema import named_table_constraints

    assert named_table_constraints("CREATE TABLE t (x INT CONSTRAINT nn NOT NULL)") is None
    assert named_table_constraints("CREATE TABLE t (x INT, /* CONSTRAINT */ y INT)") is None
    assert named_table_constraints("CREATE TABLE t (x INT -- CONSTRAINT\n, y INT)") is None
    assert named_table_constraints("CREATE TABLE t (x TEXT DEFAULT 'open") is None
    assert named_table_constraints("CREATE TABLE t (x INT, UNIQUE (x))") == ()
