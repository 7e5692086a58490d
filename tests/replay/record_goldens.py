"""Record the golden snapshots and timings of the replayed chains with the LEGACY stack.

Not a CI step: run by hand when a chain is added or its port changes, and commit
``tests/replay/goldens/``. The legacy stack is a separate virtualenv, never this project's::

    python3 -m venv .venv-legacy
    .venv-legacy/bin/pip install 'setuptools<81' SQLAlchemy==1.4.54 \\
        sqlalchemy-migrate==0.13.0 psycopg2-binary PyMySQL
    .venv-legacy/bin/python tests/replay/record_goldens.py --legacy-python .venv-legacy/bin/python \\
        --pg postgresql+psycopg2://USER@HOST:PORT/DB --mysql mysql+pymysql://USER:PW@HOST:PORT/DB

Each chain replays ``--runs`` times on each database (the databases are emptied first:
use throwaway servers); the golden keeps the schema snapshot of the last run and the
median replay time. A run that does not reach the last version is an error: a golden is
only recorded from a complete legacy replay. The times it records are the legacy stack's
alone; ``run.py --legacy-python ... --record`` replaces them with medians measured side by
side with this library (``legacy.side_by_side``, which the pytest summary shows).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from chains import CHAINS, GOLDEN_DIR  # noqa: E402


def record(python: str, chain: str, backend: str, url: str, runs: int) -> dict[str, object]:
    times = []
    record: dict[str, object] = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "record.json"
            db_url = url if backend != "sqlite" else f"sqlite:///{tmp}/replay.db"
            # Run from the temporary directory, with the script's directory as sys.path[0]:
            # this project's own `migrate` package must not shadow sqlalchemy-migrate's.
            proc = subprocess.run(
                [python, str(HERE / "chains.py"), chain, db_url, "--json", str(out)],
                cwd=tmp,
                capture_output=True,
                text=True,
            )
            if proc.returncode != 0:
                raise SystemExit(
                    f"{chain} on {backend} failed with the legacy stack:\n{proc.stdout}{proc.stderr}"
                )
            record = json.loads(out.read_text())
            times.append(float(record["seconds"]))  # type: ignore[arg-type]
    return {
        "chain": chain,
        "backend": backend,
        "legacy": {
            "sqlalchemy": record["sqlalchemy"],
            "sqlalchemy_migrate": "0.13.0",
            "seconds_median": round(statistics.median(times), 3),
            "seconds_runs": times,
        },
        "versions": record["reached"],
        "snapshot": record["snapshot"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--legacy-python", required=True)
    parser.add_argument("--pg", help="PostgreSQL URL for the legacy stack (psycopg2)")
    parser.add_argument("--mysql", help="MySQL/MariaDB URL for the legacy stack (PyMySQL)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chain", action="append", help="only these chains")
    args = parser.parse_args()
    backends = {"sqlite": "sqlite://"}
    if args.pg:
        backends["postgresql"] = args.pg
    if args.mysql:
        backends["mysql"] = args.mysql
    GOLDEN_DIR.mkdir(exist_ok=True)
    for chain in args.chain or sorted(CHAINS):
        for backend, url in backends.items():
            golden = record(args.legacy_python, chain, backend, url, args.runs)
            path = GOLDEN_DIR / (f"{chain}.{backend}.json")
            path.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
            seconds = golden["legacy"]["seconds_median"]  # type: ignore[index]
            print(
                f"{chain:<10} {backend:<11} last version {golden['versions']:>3}  legacy {seconds:.2f}s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
