"""MySQL/MariaDB commit each DDL statement: a failure midway says what ran and what did not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from migrate.changeset import alter_table
from tests.support import column_names, rows

pytestmark = pytest.mark.backends("mysql")


def test_failure_midway_names_the_statements_that_ran_and_the_rest(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    t = sa.Table(
        "t",
        meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("a", sa.Integer),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(t.insert(), [{"id": 1, "a": 5}, {"id": 2, "a": 5}])
    with pytest.raises(sa.exc.DatabaseError) as info:
        # ADD COLUMN runs; the UNIQUE index then fails on the duplicate 5s
        with alter_table("t", engine=engine) as b:
            b.add_column(sa.Column("note", sa.String(10)))
            b.create_index("uq_a", "a", unique=True)
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "already ran" in notes and "ADD COLUMN note" in notes
    assert "did not" in notes and "CREATE UNIQUE INDEX uq_a" in notes
    # what ran stays (MySQL cannot roll DDL back); no row is lost
    assert column_names(engine, "t") == ["id", "a", "note"]
    assert rows(engine, "t") == [(1, 5, None), (2, 5, None)]
