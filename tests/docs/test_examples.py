"""Every ``changeset-sql`` example of the docs, run for real on each configured database.

The docs build renders the same blocks (``docs/_ext/changeset_sql.py``); here each one
is executed against SQLite (always) and PostgreSQL / MariaDB (when their URLs are set),
and the database schema is compared with the Table objects the example leaves behind.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

DOCS = Path(__file__).resolve().parents[2] / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import changeset_sql  # noqa: E402

EXAMPLES = [
    pytest.param(example, id=f"{path.relative_to(DOCS)}:{example.line}")
    for path in sorted(DOCS.rglob("*.rst"))
    if "_build" not in path.parts
    for example in changeset_sql.iter_examples(path)
]


def test_the_docs_have_examples() -> None:
    pages = {Path(e.values[0].source).name for e in EXAMPLES}
    assert len(EXAMPLES) >= 20
    assert {"add_column.rst", "alter_column.rst", "batch.rst", "sqlite.rst"} <= pages


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_runs(example: changeset_sql.Example, engine: Engine, backend_name: str) -> None:
    if backend_name not in example.dialects:
        pytest.skip(f"the example is for {', '.join(example.dialects)} only")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        if backend_name in example.errors:
            with pytest.raises(Exception):  # noqa: B017 -- the page shows which one
                changeset_sql.run_online(example, engine)
            return
        statements, ns = changeset_sql.run_online(example, engine)
    assert statements, "the operation sent no statement to the database"
    inspector = sa.inspect(engine)
    existing = set(inspector.get_table_names())
    tables = [v for v in ns.values() if isinstance(v, sa.Table)]
    assert tables
    for table in tables:
        if table.name not in existing:
            continue
        reflected = [c["name"] for c in inspector.get_columns(table.name)]
        assert reflected == [c.name for c in table.columns], (
            f"{table.name}: the database has {reflected}, the Table object "
            f"{[c.name for c in table.columns]}"
        )


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_renders_offline(example: changeset_sql.Example) -> None:
    """What the docs build shows for PostgreSQL and MySQL renders without error."""
    for dialect in ("postgresql", "mysql"):
        if dialect not in example.dialects:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            if dialect in example.errors:
                with pytest.raises(Exception):  # noqa: B017
                    changeset_sql.render_offline(example, dialect)
                continue
            statements = changeset_sql.render_offline(example, dialect)
        if dialect in example.nosql:
            if statements:
                warnings.warn(
                    f"{example.source}:{example.line} renders on {dialect} now: drop :nosql:",
                    UserWarning,
                    stacklevel=1,
                )
        else:
            assert statements, f"nothing rendered for {dialect}"
        assert all(s.endswith(";") for s in statements)
