"""Where a replayed chain's time goes, side by side: the scripts' own work against the
changeset calls, on this project's stack and on the legacy one.

    python bench/replay_split.py --legacy-python /path/to/legacy-venv/bin/python \\
        [--runs 5] [--chain heat] [--backend postgresql]

Each run is ``bench/replay_statements.py CHAIN URL --json OUT`` in a fresh process started
from a temporary directory with a clean environment, alternating legacy, ours, legacy, ours,
... on the same DBAPI driver (as ``tests/replay/run.py`` runs them); the table gives medians
of ``--runs``:

* ``script``: the replay's time outside any changeset call: the scripts' own SQLAlchemy
  work (``Table(..., autoload_with=...)`` reflection, queries, data migrations) and the
  version-table updates. The library does not run there.
* ``calls``: the time inside changeset calls (``Column.create``, ``Column.alter``,
  ``Constraint.create``, ...), and ``reads``, the catalog reads they sent.
* ``bound``: ours' ``script`` against legacy's total: the ratio ours would have if every
  changeset call cost nothing. Above 1.0, the scripts' own work alone (SQLAlchemy 2 against
  SQLAlchemy 1.4) is slower than the whole legacy replay.

SQLite always; PostgreSQL and MySQL/MariaDB when ``TEST_PG_URL`` / ``TEST_MYSQL_URL`` are
set (their databases are emptied: throwaway servers only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "replay"))

from chains import CHAINS  # noqa: E402
from run import chain_argv, driver, fresh_json, same_driver_url  # noqa: E402


def split_once(python: str, chain: str, url: str | None, *, ours: bool) -> dict[str, float]:
    """One replay in a fresh process: total, script and calls seconds, reads in calls."""
    script = HERE / "replay_statements.py"
    what = f"{chain} on {url or 'sqlite'}"
    record = fresh_json(python, chain_argv(script, chain, url), ours=ours, what=what)
    kinds = record["kind_seconds"]
    return {
        "total": record["seconds"],
        "script": kinds.get("script", 0.0),
        "calls": sum(v for k, v in kinds.items() if k != "script"),
        "reads": sum(
            v.get("reads", 0)
            for k, v in record.items()
            if isinstance(v, dict) and k not in ("script", "kind_seconds")
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--legacy-python", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chain", action="append")
    parser.add_argument("--backend", action="append")
    args = parser.parse_args()
    urls: dict[str, str | None] = {"sqlite": None}
    if os.environ.get("TEST_PG_URL"):
        urls["postgresql"] = same_driver_url(os.environ["TEST_PG_URL"])
    if os.environ.get("TEST_MYSQL_URL"):
        urls["mysql"] = os.environ["TEST_MYSQL_URL"]
    print(f"median of {args.runs} runs each, interleaved; seconds")
    head = (
        f"{'chain':<9} {'backend':<10} {'driver':<9} "
        f"{'script':>7} {'calls':>6} {'reads':>5} {'total':>6}   "
        f"{'script':>7} {'calls':>6} {'total':>6}   {'ratio':>6} {'bound':>6}"
    )
    print(f"{'':<30}{'ours':^28}   {'legacy':^21}")
    print(head)
    print("-" * len(head))
    for chain in args.chain or sorted(CHAINS):
        for backend, url in urls.items():
            if args.backend and backend not in args.backend:
                continue
            runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
            for _ in range(args.runs):
                runs[False].append(split_once(args.legacy_python, chain, url, ours=False))
                runs[True].append(split_once(sys.executable, chain, url, ours=True))
            med = {
                ours: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
                for ours, rs in runs.items()
            }
            o, leg = med[True], med[False]
            print(
                f"{chain:<9} {backend:<10} {driver(url or 'sqlite'):<9} "
                f"{o['script']:>7.3f} {o['calls']:>6.3f} {o['reads']:>5.0f} {o['total']:>6.3f}   "
                f"{leg['script']:>7.3f} {leg['calls']:>6.3f} {leg['total']:>6.3f}   "
                f"{o['total'] / leg['total']:>5.2f}x {o['script'] / leg['total']:>5.2f}x",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
