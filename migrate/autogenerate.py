"""``changeset diff`` and ``changeset script --autogenerate``: models -> changeset scripts.

Kept apart from the CLI so the repository commands (``changeset script``) can call
:func:`autogenerate` and :func:`next_script_path` as they are.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from migrate import changeset as cs
from migrate.changeset.diff import SchemaDiff, compare
from migrate.exceptions import InvalidOperationError


def load_model(spec: str) -> sa.MetaData:
    """``module:attribute`` (dotted attributes allowed) -> its MetaData; the module is
    imported from the current directory first."""
    module_name, colon, attribute = spec.partition(":")
    if not colon or not module_name or not attribute:
        raise InvalidOperationError(f"model {spec!r}: expected module:attribute")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise InvalidOperationError(f"model {spec!r}: cannot import {module_name}: {exc}") from exc
    for part in attribute.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError as exc:
            raise InvalidOperationError(f"model {spec!r}: no attribute {part!r}") from exc
    if isinstance(obj, sa.MetaData):
        return obj
    meta = getattr(obj, "metadata", None)
    if isinstance(meta, sa.MetaData):
        return meta
    raise InvalidOperationError(
        f"model {spec!r} is a {type(obj).__name__}, not a MetaData or a declarative base"
    )


def parse_renames(values: Sequence[str]) -> dict[str, str]:
    """``--rename table.old=new`` / ``--rename old_table=new_table`` -> the mapping."""
    out: dict[str, str] = {}
    for value in values:
        old, eq, new = value.partition("=")
        if not eq or not old or not new:
            raise InvalidOperationError(f"--rename {value!r}: expected table.old=new or old=new")
        out[old.strip()] = new.strip()
    return out


def diff(model: sa.MetaData, engine: sa.Engine, renames: Mapping[str, str]) -> SchemaDiff:
    return compare(model, engine, renames=renames)


def upgrade_sql(found: SchemaDiff, engine: sa.Engine, dialect: str | None) -> list[str]:
    """The SQL statements of the upgrade, for the database ``found`` was compared with:
    the generated calls run in :func:`~migrate.changeset.to_sql` mode, each batch given
    the database's reflected Table (offline planning knows only what a Table says)."""
    meta = sa.MetaData(schema=found[0].schema if found else None)
    meta.reflect(engine)
    tables = {t.name: t for t in meta.tables.values()}
    lines, imports = found.upgrade_source()
    namespace: dict[str, Any] = {
        "sa": sa,
        "rename_table": cs.rename_table,
        "set_comment": cs.set_comment,
        "alter_enum": cs.alter_enum,
        "alter_table": lambda name, **kw: cs.alter_table(
            tables[name] if name in tables else name, **kw
        ),
    }
    for line in imports:
        if line.startswith("from sqlalchemy.dialects import "):
            module = line.rsplit(" ", 1)[1]
            namespace[module] = importlib.import_module(f"sqlalchemy.dialects.{module}")
    code = "def upgrade(migrate_engine):\n" + "\n".join(lines) + "\n"
    exec(compile(code, "<changeset diff --sql>", "exec"), namespace)  # noqa: S102
    target = dialect or engine.dialect
    with cs.to_sql(target) as statements:
        d = engine.dialect if dialect is None else dialect_for(dialect)

        def executor(element: Any, *a: Any, **kw: Any) -> None:
            statements.append(str(element.compile(dialect=d)).strip() + ";")

        mock = sa.create_mock_engine(sa.engine.make_url(f"{d.name}://"), executor)
        namespace["upgrade"](mock)
    return list(statements)


def dialect_for(name: str) -> sa.engine.Dialect:
    dialect_cls: Any = sa.engine.make_url(f"{name}://").get_dialect()
    return dialect_cls()  # type: ignore[no-any-return]


_SLUG = re.compile(r"[^0-9a-zA-Z]+")


def next_script_path(path: str | Path, description: str) -> Path:
    """The next numbered script of a repository (``versions/``) or a flat folder."""
    root = Path(path)
    folder = root / "versions" if (root / "migrate.cfg").is_file() else root
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [
        int(f.name.split("_", 1)[0])
        for f in folder.iterdir()
        if f.name[:3].isdigit() and f.name.split("_", 1)[0].isdigit()
    ]
    slug = _SLUG.sub("_", description.strip().lower()).strip("_") or "change"
    return folder / f"{max(numbers, default=0) + 1:03d}_{slug}.py"


def autogenerate(
    model: sa.MetaData, engine: sa.Engine, description: str, renames: Mapping[str, str]
) -> tuple[str, SchemaDiff]:
    """The source of a script with the upgrade to ``model`` and its downgrade."""
    found = diff(model, engine, renames)
    return found.script(description), found
