"""Corpus runner: replay every chain with this library, the legacy stack side by side.

    python tests/replay/run.py [--runs 3] [--chain glance] [--backend postgresql]
        [--legacy-python /path/to/legacy-venv/bin/python] [--diff] [--record]

SQLite always (a file in a temporary directory); PostgreSQL and MySQL/MariaDB when
``TEST_PG_URL`` / ``TEST_MYSQL_URL`` are set (their databases are emptied: use throwaway
servers). Every replay, of either stack, is a fresh ``python chains.py CHAIN URL --json``
process started from a temporary directory with a clean environment (``PATH``, ``HOME``,
``LANG`` only; ``PYTHONPATH`` names this project for ours, nothing for the legacy stack), so
both stacks run the same harness the same way; the time is the replay's own (versions and
version-table updates), not the interpreter's start-up.

With ``--legacy-python PYTHON`` (a virtualenv with SQLAlchemy 1.4.54, sqlalchemy-migrate
0.13.0, psycopg2 and PyMySQL) the runs alternate legacy, ours, legacy, ours, ... and the
table gives the median of ``--runs`` of each and their ratio. Both stacks use the same DBAPI
driver (the ``driver`` column): SQLAlchemy 1.4 has no psycopg 3 dialect, so a
``postgresql+psycopg://`` URL is run as ``postgresql+psycopg2://`` on both sides. Without it
only ours is timed (on the URL as given) and the ratio column is the one recorded side by
side in the golden (``--record`` writes it there), marked ``(rec)``.

``statements`` counts what each stack sent through the DBAPI during the replay.
``result`` says whether ours reached the golden (``differs: N`` counts raw differences, which
``test_replay.py`` sorts into deliberate ones and defects; ``--diff`` prints them) or where
it stops. The exit status is 1 when a replay of either stack stopped, else 0: times are
reported, never gated.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from chains import CHAINS, differences, golden_path, load_golden  # noqa: E402


def same_driver_url(url: str) -> str:
    """``url`` with the DBAPI driver both stacks can run (psycopg2 for PostgreSQL)."""
    scheme, rest = url.split(":", 1)
    if scheme in ("postgresql", "postgresql+psycopg"):
        return "postgresql+psycopg2:" + rest
    return url


def driver(url: str) -> str:
    scheme = url.split(":", 1)[0]
    return scheme.split("+", 1)[1] if "+" in scheme else {"sqlite": "pysqlite"}.get(scheme, "")


def clean_env(ours: bool) -> dict[str, str]:
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    if ours:
        env["PYTHONPATH"] = str(ROOT)
    return env


def fresh_json(
    python: str, argv: Callable[[str, Path], list[str]], *, ours: bool, what: str
) -> dict[str, Any]:
    """Run ``python`` on ``argv(tmp, out)`` in a fresh process started from a temporary
    directory ``tmp`` with :func:`clean_env`; the JSON the process writes to ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "record.json"
        proc = subprocess.run(
            [python, *argv(tmp, out)],
            cwd=tmp,
            env=clean_env(ours),
            capture_output=True,
            text=True,
        )
        if not out.exists():
            stack = "ours" if ours else "legacy"
            raise SystemExit(f"{what} ({stack}) failed:\n{proc.stdout}{proc.stderr}")
        record: dict[str, Any] = json.loads(out.read_text())
        return record


def chain_argv(script: Path, chain: str, url: str | None) -> Callable[[str, Path], list[str]]:
    """:func:`fresh_json`'s arguments for ``script CHAIN URL --json OUT`` (no ``url``: a
    SQLite file in the process's temporary directory)."""
    return lambda tmp, out: [
        str(script),
        chain,
        url or f"sqlite:///{tmp}/replay.db",
        "--json",
        str(out),
    ]


def replay_once(python: str, chain: str, url: str | None, *, ours: bool) -> dict[str, Any]:
    """One replay in a fresh process: the record ``chains.main`` writes."""
    what = f"{chain} on {url or 'sqlite'}"
    return fresh_json(python, chain_argv(HERE / "chains.py", chain, url), ours=ours, what=what)


def _outcome(record: dict[str, Any], golden: dict[str, Any], show: bool) -> str:
    if record["failed_at"] is not None:
        return f"stops at {record['failed_at']}: {record['error']}"
    diff = differences(golden["snapshot"], record["snapshot"])
    if not diff:
        return "schema = golden"
    return f"differs: {len(diff)}" + ("".join("\n    " + d for d in diff) if show else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="replays per stack (median)")
    parser.add_argument("--chain", action="append", help="only these chains")
    parser.add_argument("--backend", action="append", help="only these backends")
    parser.add_argument("--diff", action="store_true", help="print each difference")
    parser.add_argument("--legacy-python", help="time the legacy stack too, interleaved")
    parser.add_argument(
        "--record",
        action="store_true",
        help="write the side-by-side medians into the goldens (needs --legacy-python)",
    )
    args = parser.parse_args()
    if args.record and not args.legacy_python:
        parser.error("--record needs --legacy-python")
    urls: dict[str, str | None] = {"sqlite": None}
    for backend, env in (("postgresql", "TEST_PG_URL"), ("mysql", "TEST_MYSQL_URL")):
        if os.environ.get(env):
            urls[backend] = os.environ[env]
    header = (
        f"{'chain':<9} {'backend':<10} {'driver':<9} {'stmts ours/legacy':>17} "
        f"{'ours':>7} {'legacy':>7} {'ratio':>6}  result"
    )
    print(f"median of {args.runs} runs" + (", interleaved" if args.legacy_python else ""))
    print(header)
    print("-" * len(header))
    stopped = 0
    for name in args.chain or sorted(CHAINS):
        for backend, url in urls.items():
            if args.backend and backend not in args.backend:
                continue
            if args.legacy_python and url is not None:
                url = same_driver_url(url)
            golden = load_golden(name, backend)
            ours: list[dict[str, Any]] = []
            legacy: list[dict[str, Any]] = []
            for _ in range(args.runs):
                if args.legacy_python:
                    legacy.append(replay_once(args.legacy_python, name, url, ours=False))
                ours.append(replay_once(sys.executable, name, url, ours=True))
            ours_s = statistics.median(r["seconds"] for r in ours)
            stmts = f"{ours[-1]['statements']}/"
            if legacy:
                legacy_s = statistics.median(r["seconds"] for r in legacy)
                stmts += str(legacy[-1]["statements"])
                ratio = f"{ours_s / legacy_s:>5.2f}x"
                legacy_col = f"{legacy_s:>6.2f}s"
            else:
                recorded = golden["legacy"].get("side_by_side")
                stmts += str(recorded["legacy_statements"]) if recorded else "?"
                ratio = f"{recorded['ratio']:>5.2f}x(rec)" if recorded else "    ?"
                legacy_col = "      -"
            print(
                f"{name:<9} {backend:<10} {driver(url or 'sqlite'):<9} {stmts:>17} "
                f"{ours_s:>6.2f}s {legacy_col} {ratio}  {_outcome(ours[-1], golden, args.diff)}",
                flush=True,
            )
            stopped += any(r["failed_at"] is not None for r in ours + legacy)
            if args.record:
                _record(name, backend, url, golden, ours, legacy)
    return 1 if stopped else 0


def _record(
    chain: str,
    backend: str,
    url: str | None,
    golden: dict[str, Any],
    ours: list[dict[str, Any]],
    legacy: list[dict[str, Any]],
) -> None:
    ours_s = statistics.median(r["seconds"] for r in ours)
    legacy_s = statistics.median(r["seconds"] for r in legacy)
    golden["legacy"]["seconds_median"] = round(legacy_s, 3)
    golden["legacy"]["seconds_runs"] = [r["seconds"] for r in legacy]
    golden["legacy"]["side_by_side"] = {
        "date": datetime.date.today().isoformat(),
        "driver": driver(url or "sqlite"),
        "runs": len(ours),
        "ours_seconds": round(ours_s, 3),
        "legacy_seconds": round(legacy_s, 3),
        "ratio": round(ours_s / legacy_s, 3),
        "ours_statements": ours[-1]["statements"],
        "legacy_statements": legacy[-1]["statements"],
    }
    path = golden_path(chain, backend)
    path.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    sys.exit(main())
