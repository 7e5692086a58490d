"""Corpus runner: replay every chain with this library and print its time beside the legacy's.

    python tests/replay/run.py [--runs 3] [--chain glance]

SQLite always (a file in a temporary directory); PostgreSQL and MySQL/MariaDB when
``TEST_PG_URL`` / ``TEST_MYSQL_URL`` are set (their databases are emptied: use throwaway
servers). The legacy column is the median recorded by ``record_goldens.py`` with SQLAlchemy
1.4.54 + sqlalchemy-migrate 0.13.0 on the machine that recorded it; ``ours`` is the median of
``--runs`` replays here; with ``--legacy-python PYTHON`` (a virtualenv with SQLAlchemy 1.4.54,
sqlalchemy-migrate 0.13.0, psycopg2 and PyMySQL) the legacy stack is timed here too, each
legacy run interleaved with ours, which is the fair comparison on a loaded machine.
``stops`` names the version and error where a chain stops today, and
``schema`` says whether the end state equals the golden (``differs: N`` lines otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chains import CHAINS, differences, load_golden, replay, reset_database, snapshot  # noqa: E402


def _legacy_seconds(python: str, chain: str, url: str | None) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "legacy.json"
        if url is None:
            url = f"sqlite:///{tmp}/replay.db"
        elif url.startswith("postgresql+psycopg:"):
            url = "postgresql+psycopg2:" + url.split(":", 1)[1]
        subprocess.run(
            [
                python,
                str(Path(__file__).resolve().parent / "chains.py"),
                chain,
                url,
                "--json",
                str(out),
            ],
            cwd=tmp,
            check=True,
            capture_output=True,
        )
        return float(json.loads(out.read_text())["seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chain", action="append")
    parser.add_argument("--backend", action="append", help="only these backends")
    parser.add_argument("--diff", action="store_true", help="print each difference")
    parser.add_argument("--legacy-python", help="time the legacy stack here, side by side")
    args = parser.parse_args()
    urls = {"sqlite": None}
    for backend, env in (("postgresql", "TEST_PG_URL"), ("mysql", "TEST_MYSQL_URL")):
        if os.environ.get(env):
            urls[backend] = os.environ[env]
    header = f"{'chain':<10} {'backend':<11} {'ours':>8} {'legacy':>8} {'ratio':>6}  result"
    print(header)
    print("-" * len(header))
    for name in args.chain or sorted(CHAINS):
        for backend, url in urls.items():
            if args.backend and backend not in args.backend:
                continue
            golden = load_golden(name, backend)
            times = []
            outcome = ""
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory() as tmp:
                    engine = sa.create_engine(url or f"sqlite:///{tmp}/replay.db")
                    reset_database(engine)
                    result = replay(CHAINS[name], engine, stop_on_error=False)
                    if result.failed_at is not None:
                        outcome = f"stops at {result.failed_at}: {result.error}"
                    else:
                        diff = differences(golden["snapshot"], snapshot(engine))
                        outcome = "schema = golden" if not diff else f"differs: {len(diff)}"
                        if args.diff:
                            outcome += "".join("\n    " + line for line in diff)
                    engine.dispose()
                times.append(result.seconds)
                if result.failed_at is not None:
                    break
            legacy = golden["legacy"]["seconds_median"]
            if args.legacy_python:
                legacy = statistics.median(
                    _legacy_seconds(args.legacy_python, name, url) for _ in times
                )
            ours = statistics.median(times)
            print(
                f"{name:<10} {backend:<11} {ours:>7.2f}s {legacy:>7.2f}s {ours / legacy:>5.2f}x  "
                + outcome,
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
