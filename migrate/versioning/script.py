"""Migration scripts: a ``.py`` file with ``upgrade``/``downgrade(migrate_engine)``, or SQL."""

from __future__ import annotations

import importlib.util
import inspect
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import sqlparse

from migrate.exceptions import InvalidScriptError, ScriptError

log = logging.getLogger("migrate.versioning")

Direction = Literal["upgrade", "downgrade"]

# sqlalchemy-migrate ignored these in SQL scripts: the runner owns the transaction.
_IGNORED_SQL = re.compile(r"^\s*(BEGIN|END|COMMIT)\b", re.IGNORECASE)


@dataclass(frozen=True)
class _ScriptFile:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def source(self) -> str:
        """The file's text."""
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class SqlScript(_ScriptFile):
    """A plain SQL file; its statements are split with sqlparse."""

    def statements(self) -> list[str]:
        """The file's statements, comments stripped, without the terminating ``;``.

        ``BEGIN``, ``END`` and ``COMMIT`` are skipped (logged at WARNING), as
        sqlalchemy-migrate did: the runner owns the transaction.
        """
        text = sqlparse.format(self.source(), strip_comments=True, strip_whitespace=True)
        result = []
        for statement in sqlparse.split(text):
            statement = statement.strip().rstrip(";").strip()
            if not statement:
                continue
            if _IGNORED_SQL.match(statement):
                log.warning(
                    "%s: ignoring %r, the runner owns the transaction", self.name, statement
                )
                continue
            result.append(statement)
        return result


@dataclass(frozen=True)
class PythonScript(_ScriptFile):
    """A ``.py`` file defining ``upgrade(migrate_engine)`` and usually ``downgrade``."""

    def load(self) -> ModuleType:
        """Import the file (each call imports it afresh, like sqlalchemy-migrate did)."""
        module_name = "migrate_script_" + re.sub(r"\W", "_", str(self.path.resolve()))
        spec = importlib.util.spec_from_file_location(module_name, self.path)
        if spec is None or spec.loader is None:
            raise InvalidScriptError(f"{self.path}: cannot be imported as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        if not callable(getattr(module, "upgrade", None)):
            raise InvalidScriptError(f"{self.path}: defines no upgrade(migrate_engine) function")
        return module

    def function(self, direction: Direction) -> Callable[[Any], Any]:
        """The script's ``upgrade`` or ``downgrade`` function, checked to take the engine."""
        func = getattr(self.load(), direction, None)
        if not callable(func):
            raise ScriptError(f"{self.name}: defines no {direction}(migrate_engine) function")
        if not inspect.signature(func).parameters:
            raise ScriptError(f"{self.name}: {direction}() must accept the migrate_engine argument")
        return func  # type: ignore[no-any-return]


Script = PythonScript | SqlScript
