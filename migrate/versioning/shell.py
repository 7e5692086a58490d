"""The ``migrate`` command: sqlalchemy-migrate 0.13's command line over the versioning API.

``migrate COMMAND [ARGS] [--option=value ...]``: the arguments of each
:mod:`migrate.versioning.api` function are given in order or as ``--name=value`` /
``--name value``; any other ``--key=value`` is passed on as a keyword option
(``--engine_arg_echo=true``). ``main(argv=None, **defaults)`` is what generated
``manage.py`` files call, with defaults such as ``repository=``, ``url=`` and ``debug=``.

Output as 0.13 printed it: a command's result alone on stdout (``db_version`` prints the
number), progress (``0 -> 1... done``) on stdout, warnings and errors on stderr.
Exit codes: 0 success, 1 the command failed (a script's error, the database not under
version control ...), 2 usage error (unknown command, missing arguments, 0.13's
``KnownError``/``UsageError``: wrong direction, a path that exists).
"""

from __future__ import annotations

import inspect
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from migrate import exceptions
from migrate.versioning import api
from migrate.versioning.util import asbool, quiet_broken_pipe

#: 0.13's short names.
alias = {"s": "script", "vc": "version_control", "dbv": "db_version", "v": "version"}

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class _Usage(Exception):
    """Bad command line: exit 2."""


def _usage_text(prog: str) -> str:
    lines = [f"Usage: {prog} COMMAND ...", "", "    Available commands:"]
    for command in sorted(api.command_desc):
        lines.append(f"        {command:<28} - {api.command_desc[command]}")
    lines += ["", f'    Enter "{prog} help COMMAND" for information on a particular command.', ""]
    lines += [
        "Options:",
        "  -h, --help            show this help message and exit",
        "  -d, --debug           Shortcut to turn on DEBUG mode for logging",
        "  -q, --disable_logging",
        "                        Use this option to disable logging configuration",
    ]
    return "\n".join(lines) + "\n"


class _SingleLevelFilter(logging.Filter):
    def __init__(self, low: int, high: int) -> None:
        super().__init__()
        self.low, self.high = low, high

    def filter(self, record: logging.LogRecord) -> bool:
        return self.low <= record.levelno <= self.high


def _parse(argv: list[str], params: list[str]) -> tuple[list[str], dict[str, Any]]:
    """Positional arguments and ``--name[=value]`` options (a known name may take the
    next word as its value; an unknown ``--flag`` alone means True)."""
    positional: list[str] = []
    options: dict[str, Any] = {}
    words = list(argv)
    while words:
        word = words.pop(0)
        if word == "--":
            positional.extend(words)
            break
        if word in ("-d", "--debug"):
            options["debug"] = True
        elif word in ("-q", "--disable_logging"):
            options["disable_logging"] = True
        elif word.startswith("--"):
            name, has_value, value = word[2:].partition("=")
            if has_value:
                options[name] = value
            elif name in params:
                if not words:
                    raise _Usage(f"--{name} option requires an argument")
                options[name] = words.pop(0)
            else:
                options[name] = True
        elif word.startswith("-") and len(word) > 1:
            raise _Usage(f"no such option: {word}")
        else:
            positional.append(word)
    return positional, options


def main(argv: Sequence[str] | None = None, **defaults: Any) -> int:
    """Run one ``migrate`` command; ``defaults`` are options the command line may override.

    Returns the exit code (0) or raises ``SystemExit`` (1 or 2), so that a ``manage.py``
    calling ``main(...)`` without ``sys.exit`` still ends with the right status.
    """
    try:
        code = run(sys.argv[1:] if argv is None else list(argv), defaults)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (``migrate ... | head``): end quietly
        quiet_broken_pipe()
        code = EXIT_OK
    if code != EXIT_OK:
        raise SystemExit(code)
    return code


def _error(prog: str, message: str, code: int) -> int:
    sys.stderr.write(f"{prog}: error: {message}\n")
    return code


def run(argv: list[str], defaults: dict[str, Any]) -> int:
    """:func:`main` without the ``SystemExit``: the exit code."""
    prog = "migrate"
    words = list(argv)
    show_help = False
    if words and words[0] in ("help", "-h", "--help"):
        show_help = True
        words.pop(0)
    if not words:
        sys.stdout.write(_usage_text(prog))
        return EXIT_OK if show_help or not argv else EXIT_USAGE
    command = alias.get(words[0], words[0])
    words.pop(0)
    function = getattr(api, command, None) if command in api.command_desc else None
    if function is None or command == "help":
        sys.stderr.write(_usage_text(prog))
        return _error(prog, f"Invalid command {command}", EXIT_USAGE)
    if show_help:
        sys.stdout.write(api.help(command).replace("%prog", prog) + "\n")
        return EXIT_OK
    signature = inspect.signature(function)
    params = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    try:
        positional, options = _parse(words, params)
    except _Usage as exc:
        return _error(prog, str(exc), EXIT_USAGE)
    kwargs: dict[str, Any] = dict(defaults)
    kwargs.update(options)
    missing = [name for name in params if name not in kwargs]
    for value in positional:
        if not missing:
            return _error(prog, f"Too many arguments for command {command}: {value}", EXIT_USAGE)
        kwargs[missing.pop(0)] = value
    required = [
        name for name in missing if signature.parameters[name].default is inspect.Parameter.empty
    ]
    if required:
        return _error(
            prog,
            f"Not enough arguments for command {command}: {', '.join(required)} not specified",
            EXIT_USAGE,
        )
    debug = _flag(kwargs.get("debug", False))
    handlers = [] if _flag(kwargs.pop("disable_logging", False)) else _setup_logging(debug)
    try:
        result = function(**kwargs)
        if result is not None:
            sys.stdout.write(f"{result}\n")
            sys.stdout.flush()
    except (exceptions.UsageError, exceptions.KnownError) as exc:
        return _error(prog, str(exc.args[0]) if exc.args else command, EXIT_USAGE)
    except (exceptions.Error, exceptions.VersionNotFoundError) as exc:
        if debug:
            traceback.print_exc()
        return _error(prog, f"{type(exc).__name__}: {exc}", EXIT_FAILED)
    except BrokenPipeError:
        quiet_broken_pipe()
        return EXIT_OK
    except Exception:  # a script's own error: its traceback tells where
        traceback.print_exc()
        return EXIT_FAILED
    finally:
        root = logging.getLogger()
        for handler in handlers:
            root.removeHandler(handler)
    return EXIT_OK


def _flag(value: Any) -> bool:
    try:
        return asbool(value)
    except ValueError:
        return bool(value)


def _setup_logging(debug: bool) -> list[logging.Handler]:
    """INFO and below on stdout, warnings and errors on stderr, messages alone (as 0.13)."""
    root = logging.getLogger()
    out = logging.StreamHandler(sys.stdout)
    out.addFilter(_SingleLevelFilter(0, logging.INFO))
    err = logging.StreamHandler(sys.stderr)
    err.addFilter(_SingleLevelFilter(logging.WARNING, 100))
    root.addHandler(out)
    root.addHandler(err)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    return [out, err]
