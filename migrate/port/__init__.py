"""``changeset port``: rewrite a legacy sqlalchemy-migrate repository for SQLAlchemy 2.

A concrete-syntax-tree codemod (libcst, the ``[port]`` extra) that keeps formatting and
comments. It rewrites the SQLAlchemy 1.x idioms around changeset calls (bound MetaData,
``autoload=True``, implicit execution, ``select([...])``, SQLAlchemy's own ``create()`` /
``drop()`` without a bind, arguments SQLAlchemy 2 removed...) and never touches changeset
calls. What it cannot port safely is listed with ``file:line`` and why.

This package sits beside the CLI, at the top of the layers: no library module imports it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from migrate.exceptions import Error

if TYPE_CHECKING:
    from migrate.port._codemod import NotPorted, Rewrite

__all__ = ["FilePort", "PortError", "port_path", "port_source", "require_libcst"]

INSTALL_HINT = "pip install 'sqlalchemy-changeset[port]'"


class PortError(Error):
    """``changeset port`` cannot run: libcst missing, no such path."""


def require_libcst() -> None:
    """Raise :class:`PortError` naming the extra to install when libcst is missing."""
    try:
        import libcst  # noqa: F401
    except ImportError as exc:
        raise PortError(f"changeset port needs libcst: {INSTALL_HINT}") from exc


@dataclass
class FilePort:
    """The port of one script: its new source, what changed and what was left."""

    path: str
    before: str
    after: str
    rewrites: list[Rewrite] = field(default_factory=list)
    not_ported: list[NotPorted] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.after != self.before

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def port_source(source: str, path: str = "<string>") -> FilePort:
    """Port one script's source text (nothing is written)."""
    require_libcst()
    import libcst

    from migrate.port._codemod import port_module

    try:
        ported = port_module(source)
    except libcst.ParserSyntaxError as exc:
        return FilePort(
            path, source, source, error=f"{path}:{exc.raw_line}: cannot parse: {exc.message}"
        )
    return FilePort(path, source, ported.source, ported.rewrites, ported.not_ported)


def scripts(path: str | Path) -> Iterator[Path]:
    """The ``.py`` files under ``path`` (one file, a folder or a repository), sorted."""
    root = Path(path)
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise PortError(f"no such file or folder: {path}")
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py") and name != "__init__.py":
                yield Path(folder) / name


def port_path(path: str | Path, write: bool = False) -> list[FilePort]:
    """Port every script under ``path``; with ``write``, save the changed ones."""
    require_libcst()
    results = []
    for script in scripts(path):
        source = script.read_text(encoding="utf-8")
        result = port_source(source, str(script))
        if write and result.changed and result.error is None:
            script.write_text(result.after, encoding="utf-8")
        results.append(result)
    return results


def summary(results: list[FilePort]) -> str:
    """Per file: rewrites by kind and the lines not ported, with ``file:line`` and why."""
    lines: list[str] = []
    total_rewrites = total_left = 0
    for result in results:
        if result.error is not None:
            lines.append(result.error)
            continue
        if not result.rewrites and not result.not_ported:
            continue
        left = {n.line for n in result.not_ported}
        total_rewrites += len(result.rewrites)
        total_left += len(left)
        lines.append(
            f"{result.path}: {len(result.rewrites)} rewrites, {len(left)} lines not ported"
        )
        for note in result.not_ported:
            lines.append(f"  {result.path}:{note.line}: not ported: {note.why}")
    files = sum(1 for r in results if r.changed)
    lines.append(
        f"{len(results)} scripts, {files} changed, {total_rewrites} rewrites, "
        f"{total_left} lines not ported"
    )
    return "\n".join(lines) + "\n"
