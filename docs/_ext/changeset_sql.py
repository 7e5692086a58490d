"""Sphinx directive ``changeset-sql``: an example and the SQL each dialect emits for it.

The SQL on the operations pages is never typed by hand. At build time each example is run:

* PostgreSQL and MySQL/MariaDB: rendered offline with ``tests.sql.cases.render`` -- the
  helper every ``tests/sql`` case uses -- i.e. ``migrate.changeset.to_sql(dialect)``, the
  same path as ``changeset sql``;
* SQLite: executed for real on an in-memory database (the tables of the setup part are
  created first) and the statements sent to the driver are captured, because a SQLite
  rebuild is planned from the database's stored schema.

Syntax::

    .. changeset-sql::
       :errors: mysql          (dialects where the example is expected to raise)
       :schema:                (also show the SQLite table's stored CREATE TABLE after)
       :dialects: sqlite       (only these dialects; default all three)
       :nosql: mysql           (dialects that may render nothing offline yet, a known bug:
                                the page then says "not yet available")

       users = Table("users", MetaData(), Column("id", Integer, primary_key=True))
       ---
       Column("email", String(60)).create(users)

The part before ``---`` builds Table objects; the part after is the operation. Both run
with ``from sqlalchemy import *`` and ``from migrate import *`` in scope. An unexpected
exception is a build warning, so ``sphinx-build -W`` fails. ``tests/docs`` parses the same
blocks (:func:`iter_examples`) and runs them against every configured database.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DIALECTS = ("sqlite", "postgresql", "mysql")
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "mysql": "MySQL / MariaDB"}
PRELUDE = "from sqlalchemy import *\nfrom migrate import *\nimport sqlalchemy as sa\n"


@dataclass
class Example:
    setup: str
    operation: str
    errors: tuple[str, ...] = ()
    nosql: tuple[str, ...] = ()
    schema: bool = False
    dialects: tuple[str, ...] = DIALECTS
    source: str = ""
    line: int = 0
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return (self.setup.rstrip() + "\n\n" + self.operation.strip() + "\n").lstrip()


def split_body(lines: list[str]) -> tuple[str, str]:
    text = "\n".join(lines)
    if "\n---\n" not in "\n" + text + "\n":
        return "", text
    parts = re.split(r"^---$", text, maxsplit=1, flags=re.M)
    return parts[0], parts[1]


def namespace() -> dict[str, Any]:
    ns: dict[str, Any] = {}
    exec(PRELUDE, ns)
    return ns


def metadatas(ns: dict[str, Any]) -> list[Any]:
    import sqlalchemy as sa

    found: list[Any] = []
    for value in ns.values():
        meta = value.metadata if isinstance(value, sa.Table) else value
        if isinstance(meta, sa.MetaData) and all(meta is not m for m in found):
            found.append(meta)
    return found


def render_offline(example: Example, dialect: str) -> list[str]:
    from tests.sql.cases import render

    def operation() -> None:
        ns = namespace()
        exec(example.setup, ns)
        exec(example.operation, ns)

    return render(dialect, operation)


@contextlib.contextmanager
def capture(engine: Any) -> Iterator[list[str]]:
    import sqlparse
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: Any) -> None:
        # PostgreSQL gets ``SAVEPOINT ...; ALTER ...; RELEASE ...`` in one execute
        several = conn.dialect.name == "postgresql" and ";" in statement
        for part in sqlparse.split(statement) if several else [statement]:
            text = part.strip()
            head = text.split(None, 1)[0].upper() if text else ""
            if head in ("SELECT", "BEGIN", "SAVEPOINT", "RELEASE") or (
                head == "PRAGMA" and "=" not in text
            ):
                continue  # reads, not changes
            if params:
                text += f"  -- parameters: {tuple(params)!r}"
            statements.append(text + ("" if text.endswith(";") or "--" in text else ";"))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def run_online(example: Example, engine: Any) -> tuple[list[str], dict[str, Any]]:
    """Create the setup's tables on ``engine``, run the operation, return the statements."""
    from migrate.changeset import bind

    ns = namespace()
    exec(example.setup, ns)
    for meta in metadatas(ns):
        meta.create_all(engine)
    ns["engine"] = engine
    with capture(engine) as statements, bind(engine):
        exec(example.operation, ns)
    return statements, ns


def stored_schema(engine: Any, ns: dict[str, Any]) -> list[str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
            "ORDER BY type = 'table' DESC, name"
        ).all()
    return [r[0] + ";" for r in rows]


def render_all(example: Example) -> dict[str, Any]:
    """{dialect: list of statements, or the exception}; plus "schema" for SQLite."""
    import sqlalchemy as sa

    out: dict[str, Any] = {}
    engine = sa.create_engine("sqlite://")
    try:
        statements, ns = run_online(example, engine)
        out["sqlite"] = statements
        if example.schema:
            out["schema"] = stored_schema(engine, ns)
    except Exception as exc:  # noqa: BLE001 -- shown or reported below
        out["sqlite"] = exc
    finally:
        engine.dispose()
    for dialect in DIALECTS[1:]:
        if dialect not in example.dialects:
            continue
        try:
            out[dialect] = render_offline(example, dialect)
        except Exception as exc:  # noqa: BLE001
            out[dialect] = exc
    return out


_DIRECTIVE = re.compile(r"^(\s*)\.\. changeset-sql::\s*$")


def iter_examples(path: Path) -> Iterator[Example]:
    """Parse the ``changeset-sql`` blocks of one .rst file (used by tests/docs)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = _DIRECTIVE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i + 1
        indent = len(m.group(1))
        i += 1
        options: dict[str, str] = {}
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > indent):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():
            body.pop()
        # options first, then a blank line, then code
        k = 0
        while k < len(body) and body[k].strip().startswith(":"):
            name, _, value = body[k].strip()[1:].partition(":")
            options[name] = value.strip()
            k += 1
        code = body[k:]
        width = min((_indent(x) for x in code if x.strip()), default=0)
        setup, operation = split_body([x[width:] for x in code])
        yield Example(
            setup,
            operation,
            errors=tuple(options.get("errors", "").split()),
            nosql=tuple(options.get("nosql", "").split()),
            schema="schema" in options,
            dialects=tuple(options.get("dialects", "").split()) or DIALECTS,
            source=str(path),
            line=start,
        )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def setup(app: Any) -> dict[str, Any]:
    from docutils import nodes
    from docutils.parsers.rst import directives
    from sphinx.util import logging
    from sphinx.util.docutils import SphinxDirective

    logger = logging.getLogger(__name__)

    def block(text: str, language: str) -> Any:
        node = nodes.literal_block(text, text)
        node["language"] = language
        return node

    class ChangesetSql(SphinxDirective):
        has_content = True
        option_spec = {
            "errors": directives.unchanged,
            "nosql": directives.unchanged,
            "schema": directives.flag,
            "dialects": directives.unchanged,
        }

        def run(self) -> list[Any]:
            # the SQL depends on the library, not on the .rst: rebuild these pages every time
            self.env.note_reread()
            setup_part, operation = split_body(list(self.content))
            example = Example(
                setup_part,
                operation,
                errors=tuple((self.options.get("errors") or "").split()),
                nosql=tuple((self.options.get("nosql") or "").split()),
                schema="schema" in self.options,
                dialects=tuple((self.options.get("dialects") or "").split()) or DIALECTS,
            )
            results = render_all(example)
            where = self.get_location()
            container = nodes.container(classes=["changeset-sql"])
            container += block(example.code, "python")
            items = nodes.definition_list()
            for dialect in example.dialects:
                got = results[dialect]
                if isinstance(got, Exception):
                    if dialect not in example.errors:
                        logger.warning(
                            "changeset-sql example raised on %s: %s: %s",
                            dialect,
                            type(got).__name__,
                            got,
                            location=where,
                        )
                    body = block(f"raises {type(got).__name__}: {got}", "text")
                else:
                    if dialect in example.errors:
                        logger.warning(
                            "changeset-sql example was expected to raise on %s",
                            dialect,
                            location=where,
                        )
                    if not got and dialect not in example.nosql:
                        logger.warning(
                            "changeset-sql example rendered no statement on %s",
                            dialect,
                            location=where,
                        )
                    elif got and dialect in example.nosql:
                        logger.info(
                            "changeset-sql example renders on %s now: drop :nosql:",
                            dialect,
                            location=where,
                        )
                    body = block(
                        "\n".join(got)
                        or "-- Not yet available: offline rendering (to_sql) emits no\n"
                        "-- statement for this operation yet. Run on a database, it emits\n"
                        "-- ALTER TABLE ... ADD CONSTRAINT (tests/docs runs it there).",
                        "sql",
                    )
                item = nodes.definition_list_item()
                item += nodes.term(LABELS[dialect], LABELS[dialect])
                definition = nodes.definition()
                definition += body
                item += definition
                items += item
            if "schema" in results:
                label = "SQLite schema afterwards"
                item = nodes.definition_list_item()
                item += nodes.term(label, label)
                definition = nodes.definition()
                definition += block("\n".join(results["schema"]), "sql")
                item += definition
                items += item
            container += items
            return [container]

    app.add_directive("changeset-sql", ChangesetSql)
    app.add_config_value("changeset_sqlite_version", sqlite3.sqlite_version, "env")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
