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
