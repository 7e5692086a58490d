"""Helpers of sqlalchemy-migrate 0.13's ``migrate.versioning.util``: engines and models."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine

from migrate.exceptions import InvalidRepositoryError, MigrateDeprecationWarning
from migrate.versioning.repository import Repository

log = logging.getLogger("migrate.versioning")

__all__ = ["asbool", "construct_engine", "guess_obj_type", "load_model", "with_engine"]


def asbool(value: Any) -> bool:
    """``"true"``/``"yes"``/``"on"``/``"1"`` (and False's words) as a bool; ``ValueError``."""
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("true", "yes", "on", "y", "t", "1"):
            return True
        if word in ("false", "no", "off", "n", "f", "0"):
            return False
    elif value in (True, False):
        return bool(value)
    raise ValueError(f"not a true/false value: {value!r}")


def guess_obj_type(value: Any) -> Any:
    """An int if ``value`` reads as one, else a bool if it reads as one, else ``value``."""
    try:
        return int(value)
    except (TypeError, ValueError):
        pass
    try:
        return asbool(value)
    except ValueError:
        return value


def construct_engine(engine: Engine | str, **opts: Any) -> Engine:
    """An Engine from a URL string, or ``engine`` itself if it is one.

    ``engine_dict={...}`` and ``engine_arg_NAME=value`` options go to ``create_engine``
    (the latter read with :func:`guess_obj_type`), as in sqlalchemy-migrate 0.13.
    """
    if isinstance(engine, Engine):
        return engine
    if not isinstance(engine, str):
        raise ValueError("you need to pass either an existing engine or a database URL")
    kwargs: dict[str, Any] = dict(opts.get("engine_dict") or {})
    if asbool(opts.get("echo", False)):
        warnings.warn(
            "echo=True is deprecated: pass engine_arg_echo=True or engine_dict={'echo': True}",
            MigrateDeprecationWarning,
            stacklevel=2,
        )
        kwargs["echo"] = True
    for key, value in opts.items():
        if key.startswith("engine_arg_"):
            kwargs[key[len("engine_arg_") :]] = guess_obj_type(value)
    return create_engine(engine, **kwargs)


@contextmanager
def with_engine(url: Engine | str, **opts: Any) -> Iterator[Engine]:
    """:func:`construct_engine`; an engine made here is disposed of afterwards."""
    engine = construct_engine(url, **opts)
    try:
        yield engine
    finally:
        if engine is not url:
            engine.dispose()


def load_model(dotted_name: Any) -> Any:
    """The object a ``module:attribute`` string names (``pkg.models:Base.metadata`` too).

    Anything but a string is returned as it is (a MetaData passed directly). The old form
    ``module.attribute`` still works, with a :class:`MigrateDeprecationWarning`.
    """
    if not isinstance(dotted_name, str):
        return dotted_name
    if ":" not in dotted_name:
        warnings.warn(
            "a model is named module:attribute, not module.attribute",
            MigrateDeprecationWarning,
            stacklevel=2,
        )
        dotted_name = ":".join(dotted_name.rsplit(".", 1))
    module_name, _, attributes = dotted_name.partition(":")
    found: Any = importlib.import_module(module_name)
    for attribute in attributes.split("."):
        found = getattr(found, attribute)
    return found


def load_metadata(model: Any) -> MetaData:
    """:func:`load_model`, then the MetaData of what it names (a declarative base's too)."""
    found = load_model(model)
    if isinstance(found, MetaData):
        return found
    metadata = getattr(found, "metadata", None)
    if isinstance(metadata, MetaData):
        return metadata
    raise ValueError(f"{model!r} is neither a MetaData nor has one (.metadata)")


def as_repository(repository: Repository | str | Path) -> Repository:
    """A :class:`Repository` from a path, or ``repository`` itself; versions required."""
    if not isinstance(repository, Repository):
        repository = Repository(repository)
    if repository.single is not None:
        raise InvalidRepositoryError(
            f"{repository.path}: a single script has no versions; give a repository folder"
        )
    return repository


def quiet_broken_pipe() -> None:
    """The reader of our output went away (``changeset sql ... | head``): end quietly.

    stdout is pointed at the null device so that flushing it at exit raises nothing
    (Python's own advice for SIGPIPE, see the signal module's documentation).
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
