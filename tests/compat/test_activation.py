"""Activation (SPEC §2): importing migrate adds methods once and replaces nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import sqlalchemy as sa

ADDED = {
    ("Column", "create"),
    ("Column", "drop"),
    ("Table", "rename"),
    ("Table", "create_column"),
    ("Table", "drop_column"),
    ("Table", "deregister"),
    ("Constraint", "create"),
    ("Constraint", "drop"),
}

_PROBE = textwrap.dedent(
    """
    import json, sys
    import sqlalchemy as sa
    from sqlalchemy import schema
    classes = {name: getattr(schema, name) for name in (
        "Column", "Table", "Index", "Constraint", "PrimaryKeyConstraint",
        "ForeignKeyConstraint", "UniqueConstraint", "CheckConstraint", "DefaultClause",
        "MetaData")}
    def snap():
        return {f"{n}.{a}": repr(getattr(c, a, None)) for n, c in classes.items()
                for a in dir(c) if a != "__dict__"}
    before = snap()
    import migrate
    import migrate.changeset, migrate.changeset.schema, migrate.changeset.constraint
    migrate.changeset._install.install()
    after = snap()
    json.dump({"before": before, "after": after}, sys.stdout)
    """
)


def _probe() -> dict[str, dict[str, str]]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def test_import_replaces_no_sqlalchemy_attribute_and_adds_only_the_list() -> None:
    data = _probe()
    before, after = data["before"], data["after"]
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == set()
    added = {tuple(k.split(".", 1)) for k in set(after) - set(before)}
    # subclasses of Constraint inherit create/drop: only count where they are defined
    defined = {(cls, attr) for cls, attr in added if cls not in _CONSTRAINT_SUBCLASSES}
    assert defined >= ADDED
    assert defined - ADDED <= {("Index", "rename"), ("Column", "alter")}


_CONSTRAINT_SUBCLASSES = {
    "PrimaryKeyConstraint",
    "ForeignKeyConstraint",
    "UniqueConstraint",
    "CheckConstraint",
}


def test_sqlalchemy_create_keeps_its_meaning() -> None:
    import migrate  # noqa: F401

    assert sa.Table.create.__module__.startswith("sqlalchemy")
    assert sa.Index.create.__module__.startswith("sqlalchemy")
    assert sa.Table.drop.__module__.startswith("sqlalchemy")


def test_install_is_idempotent() -> None:
    import migrate.changeset._install as install

    before = sa.Column.create
    install.install()
    install.install()
    assert sa.Column.create is before


def test_default_clause_stays_hashable_and_compiles_unchanged() -> None:
    import migrate  # noqa: F401

    clause = sa.DefaultClause("x")
    assert {clause: 1}[clause] == 1
    col = sa.Column("c", sa.Integer, server_default="1")
    t = sa.Table("t", sa.MetaData(), col)
    assert "DEFAULT '1'" in str(sa.schema.CreateTable(t))


def test_legacy_changeset_class_names_hold_the_installed_methods() -> None:
    from migrate.changeset.schema import ChangesetColumn, ChangesetIndex, ChangesetTable

    assert sa.Column.create is ChangesetColumn.create
    assert sa.Column.alter is ChangesetColumn.alter
    assert sa.Table.rename is ChangesetTable.rename
    assert sa.Table.drop_column is ChangesetTable.drop_column
    assert sa.Index.rename is ChangesetIndex.rename
