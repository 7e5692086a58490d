"""``ddl.render``: the ``@compiles`` renderers called directly, as ``ext.compiler`` picks them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import capabilities, ddl
from migrate.changeset.ops import TableRef


def compiler(name: str) -> object:
    dialect = capabilities.dialect_from_name(name)
    return dialect.ddl_compiler(dialect, None)


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        ("postgresql", "ALTER TABLE s.t RENAME TO u"),
        ("sqlite", "ALTER TABLE s.t RENAME TO u"),
        ("mysql", "ALTER TABLE s.t RENAME TO s.u"),
        ("mariadb", "ALTER TABLE s.t RENAME TO s.u"),
    ],
)
def test_the_dialects_renderer_else_the_default_one(name: str, sql: str) -> None:
    element = ddl.RenameTable(TableRef("t", "s"), "u")
    c = compiler(name)
    assert ddl.render(element, c) == sql
    assert ddl.render(element, c) == c.process(element)  # type: ignore[attr-defined]


class _Sub(ddl.RenameTable):
    """No renderer of its own: ext.compiler uses its parent's."""


class _Own(ddl.RenameTable):
    pass


@ddl.compiles(_Own, "mysql")
def _own_mysql(element: _Own, compiler: object, **kw: object) -> str:
    return "OWN"


@pytest.mark.parametrize("name", ["postgresql", "mysql"])
def test_a_subclass_renders_as_sqlalchemy_dispatches_it(name: str) -> None:
    c = compiler(name)
    sub = _Sub(TableRef("t", "s"), "u")
    assert ddl.render(sub, c) == c.process(sub)  # type: ignore[attr-defined]
    assert ddl.render(sub, c) == ddl.render(ddl.RenameTable(TableRef("t", "s"), "u"), c)
    own = _Own(TableRef("t", "s"), "u")
    # mysql: its own renderer; postgresql: none of its own, so the parent's default
    expected = "OWN" if name == "mysql" else "ALTER TABLE s.t RENAME TO u"
    assert ddl.render(own, c) == expected == c.process(own)  # type: ignore[attr-defined]


def test_other_elements_go_through_sqlalchemy() -> None:
    c = compiler("postgresql")
    index = sa.Index("ix", sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer)).c.a)
    assert ddl.render(sa.schema.CreateIndex(index), c) == "CREATE INDEX ix ON t (a)"


def test_nested_clauses_and_options_render_each_element_for_the_dialect() -> None:
    ref = TableRef("t")
    clauses = ddl.AlterTableClauses(
        ref, [ddl.DropColumn(ref, "a"), ddl.DropConstraintByName(ref, "uq", "unique")]
    )
    c = compiler("mysql")
    assert (
        ddl.render(ddl.WithAlterOptions(clauses, "INPLACE", "NONE"), c)
        == "ALTER TABLE t DROP COLUMN a, DROP INDEX uq, ALGORITHM=INPLACE, LOCK=NONE"
    )
    assert (
        ddl.render(clauses, compiler("postgresql"))
        == "ALTER TABLE t DROP COLUMN a, DROP CONSTRAINT uq"
    )


def test_a_programs_own_renderer_for_our_element_is_used() -> None:
    """A program may re-spell one of our statements for a dialect with SQLAlchemy's own
    ``@compiles``: offline SQL (and the one-string DDL on PostgreSQL) renders with it."""
    from sqlalchemy.ext.compiler import compiles

    from migrate.changeset import to_sql

    specs = ddl.RenameTable._compiler_dispatcher.specs  # type: ignore[attr-defined]
    saved = dict(specs)

    @compiles(ddl.RenameTable, "postgresql")
    def _commented(element: ddl.RenameTable, compiler: object, **kw: object) -> str:
        return f"ALTER TABLE {element.table.name} RENAME TO {element.new_name} /* ours */"

    try:
        c = compiler("postgresql")
        element = ddl.RenameTable(TableRef("t"), "u")
        assert ddl.render(element, c) == "ALTER TABLE t RENAME TO u /* ours */"
        assert ddl.render(element, c) == c.process(element)  # type: ignore[attr-defined]
        with to_sql("postgresql") as out:
            table = sa.Table("t", sa.MetaData(), sa.Column("a", sa.Integer))
            table.rename("u")  # type: ignore[attr-defined]
        assert out == ["ALTER TABLE t RENAME TO u /* ours */;"]
        assert ddl.render(element, compiler("sqlite")) == "ALTER TABLE t RENAME TO u"
    finally:
        specs.clear()
        specs.update(saved)
    assert ddl.render(element, compiler("postgresql")) == "ALTER TABLE t RENAME TO u"


# ---- PostgreSQL ADD COLUMN: the column spec without the type's dialect adaptation ------


class _Point(sa.types.UserDefinedType[object]):
    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "POINT"


def _plain_columns() -> list[sa.Column[object]]:
    from sqlalchemy.dialects import postgresql as pg

    return [
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.String(20), nullable=False, server_default="x'y"),
        sa.Column("Mixed Case", sa.Numeric(10, 2), server_default=sa.text("0")),
        sa.Column("c", sa.String(30, collation="C"), key="other_key"),
        sa.Column("d", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("e", pg.ARRAY(sa.Integer), nullable=False, server_default="{}"),
        sa.Column("f", pg.JSONB, comment="the comment is its own statement"),
        sa.Column("g", _Point()),
        sa.Column("h", sa.BigInteger, autoincrement=True),
        sa.Column("select", sa.Text, quote=True),
        sa.Column("i", sa.Integer, default=5, nullable=False),
    ]


@pytest.mark.parametrize("column", _plain_columns(), ids=lambda c: c.name)
def test_a_plain_postgresql_add_column_renders_as_sqlalchemy_does(
    column: sa.Column[object],
) -> None:
    """The spec rendered without ``dialect_impl`` equals SQLAlchemy's own, attached to a
    table or not; the fast path is taken (it returns a spec)."""
    from sqlalchemy.schema import CreateColumn

    c = compiler("postgresql")
    fast = ddl._plain_pg_column_spec(column, c)  # type: ignore[arg-type]
    assert fast is not None
    assert fast == c.process(CreateColumn(column))  # type: ignore[attr-defined]
    sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True), column)
    assert ddl._plain_pg_column_spec(column, c) == fast  # type: ignore[arg-type]
    assert c.process(CreateColumn(column)) == fast  # type: ignore[attr-defined]
    sql = ddl.render(ddl.AddColumn(TableRef("t"), column), c)  # type: ignore[arg-type]
    assert sql == f"ALTER TABLE t ADD COLUMN {fast}"


@pytest.mark.parametrize(
    "column",
    [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer, sa.Identity()),
        sa.Column("n", sa.Integer, sa.Computed("1 + 1")),
        sa.Column("n", sa.Integer, sa.CheckConstraint("n > 0")),
    ],
    ids=["primary-key", "identity", "computed", "column-constraint"],
)
def test_other_postgresql_columns_are_rendered_by_sqlalchemy(column: sa.Column[object]) -> None:
    from sqlalchemy.schema import CreateColumn

    sa.Table("t", sa.MetaData(), column)  # a primary key renders SERIAL from its table
    c = compiler("postgresql")
    assert ddl._plain_pg_column_spec(column, c) is None  # type: ignore[arg-type]
    sql = ddl.render(ddl.AddColumn(TableRef("t"), column), c)  # type: ignore[arg-type]
    assert sql == f"ALTER TABLE t ADD COLUMN {c.process(CreateColumn(column))}"  # type: ignore[attr-defined]
    assert ddl._plain_pg_column_spec(sa.Column("a", sa.Integer), compiler("sqlite")) is None  # type: ignore[arg-type]


def test_a_programs_own_create_column_renderer_is_used_for_add_column() -> None:
    """``@compiles(CreateColumn, "postgresql")`` in a program: our ADD COLUMN uses it, as
    it would through SQLAlchemy (the registration is undone after the test)."""
    from sqlalchemy.ext.compiler import compiles
    from sqlalchemy.schema import CreateColumn

    saved = CreateColumn.__dict__.get("_compiler_dispatch")
    try:

        @compiles(CreateColumn, "postgresql")
        def _mine(element: CreateColumn, compiler: object, **kw: object) -> str:
            return f"{element.element.name} MINE"

        c = compiler("postgresql")
        column = sa.Column("a", sa.Integer)
        assert ddl._plain_pg_column_spec(column, c) is None  # type: ignore[arg-type]
        sql = ddl.render(ddl.AddColumn(TableRef("t"), column), c)  # type: ignore[arg-type]
        assert sql == "ALTER TABLE t ADD COLUMN a MINE"
    finally:
        del CreateColumn._compiler_dispatcher  # type: ignore[attr-defined]
        if saved is None:
            del CreateColumn._compiler_dispatch
        else:
            CreateColumn._compiler_dispatch = saved  # type: ignore[method-assign]
    assert "_compiler_dispatcher" not in CreateColumn.__dict__
    assert ddl._plain_pg_column_spec(column, c) is not None  # type: ignore[arg-type]
