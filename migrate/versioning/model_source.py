"""Python source of a database's tables (``create_model``): Core ``Table`` code over ``meta``.

Built on SQLAlchemy's reflection. Types are written in their generic form where one exists
(``VARCHAR(40)`` -> ``String(length=40)``) so the model loads on any database; others keep
the dialect's type, imported from its module.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Engine,
    ForeignKeyConstraint,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

HEADER = '''"""The tables of the database, reflected by migrate.versioning.api.create_model."""

from sqlalchemy import *

meta = MetaData()
'''


def model_source(engine: Engine, exclude: Iterable[str] = ()) -> str:
    """Source defining ``meta = MetaData()`` and one ``Table`` per table of ``engine``."""
    skipped = set(exclude)
    meta = MetaData()
    meta.reflect(engine, only=lambda name, _: name not in skipped)
    imports: set[str] = set()
    blocks = [_table_source(table, imports) for table in meta.sorted_tables]
    head = HEADER
    if imports:
        head = head.replace(
            "from sqlalchemy import *\n",
            "from sqlalchemy import *\n" + "".join(f"{line}\n" for line in sorted(imports)),
        )
    return head + "".join("\n\n" + block for block in blocks)


def _identifier(name: str) -> str:
    text = re.sub(r"\W", "_", name)
    if not text or text[0].isdigit() or keyword.iskeyword(text) or text == "meta":
        text = "t_" + text
    return text


def _type_source(type_: TypeEngine[Any], imports: set[str]) -> str:
    try:
        generic = type_.as_generic()
    except NotImplementedError:
        generic = type_
    module = type(generic).__module__
    if not module.startswith("sqlalchemy.sql"):
        imports.add(f"from {module} import {type(generic).__name__}")
    return repr(generic)


def _table_source(table: Table, imports: set[str]) -> str:
    lines = [f"{_identifier(table.name)} = Table(", f"    {table.name!r},", "    meta,"]
    for column in table.columns:
        args = [repr(column.name), _type_source(column.type, imports)]
        for fk in column.foreign_keys:
            if fk.constraint is None or len(fk.constraint.columns) == 1:
                args.append(_foreign_key_source(fk))
        if column.primary_key:
            args.append("primary_key=True")
        if not column.nullable and not column.primary_key:
            args.append("nullable=False")
        default = column.server_default
        if default is not None and hasattr(default, "arg"):
            text = str(getattr(default.arg, "text", default.arg))
            if not text.startswith("nextval("):  # PostgreSQL SERIAL: autoincrement makes it
                args.append(f"server_default=text({text!r})")
        lines.append(f"    Column({', '.join(args)}),")
    for constraint in sorted(table.constraints, key=lambda c: str(c.name or "")):
        if isinstance(constraint, PrimaryKeyConstraint):
            continue
        source = _constraint_source(constraint)
        if source:
            lines.append(f"    {source},")
    for index in sorted(table.indexes, key=lambda i: str(i.name or "")):
        cols = ", ".join(repr(c.name) for c in index.columns)
        unique = ", unique=True" if index.unique else ""
        lines.append(f"    Index({index.name!r}, {cols}{unique}),")
    lines.append(")")
    return "\n".join(lines)


def _foreign_key_source(fk: Any) -> str:
    args = [repr(fk.target_fullname)]
    if fk.constraint is not None and fk.constraint.name:
        args.append(f"name={fk.constraint.name!r}")
    if fk.ondelete:
        args.append(f"ondelete={fk.ondelete!r}")
    if fk.onupdate:
        args.append(f"onupdate={fk.onupdate!r}")
    return f"ForeignKey({', '.join(args)})"


def _constraint_source(constraint: Any) -> str | None:
    name = f", name={constraint.name!r}" if constraint.name else ""
    if isinstance(constraint, UniqueConstraint):
        cols = ", ".join(repr(c.name) for c in constraint.columns)
        return f"UniqueConstraint({cols}{name})"
    if isinstance(constraint, CheckConstraint):
        return f"CheckConstraint({str(constraint.sqltext)!r}{name})"
    if isinstance(constraint, ForeignKeyConstraint) and len(constraint.columns) > 1:
        local = ", ".join(repr(c.name) for c in constraint.columns)
        refs = ", ".join(repr(e.target_fullname) for e in constraint.elements)
        extra = name
        if constraint.ondelete:
            extra += f", ondelete={constraint.ondelete!r}"
        if constraint.onupdate:
            extra += f", onupdate={constraint.onupdate!r}"
        return f"ForeignKeyConstraint([{local}], [{refs}]{extra})"
    return None
