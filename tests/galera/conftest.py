"""A 3-node MariaDB Galera cluster for the tests in this folder.

* ``TEST_GALERA_URLS`` (three URLs, comma separated; ``galera_start`` of ``.ci/galera.sh``
  exports it): use that running cluster.
* else ``TEST_GALERA=1``: start one cluster for the session with ``.ci/galera.sh`` (and stop
  it at the end); a cluster that cannot start is an error, not a skip.
* else every test here is skipped, with that reason.

Each test gets a fresh, empty database on the cluster and starts only when every node is
``Synced``. Connections used to *check* another node set ``wsrep_sync_wait=15`` (reads
wait until the node has applied everything committed before them).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from galera_support import Cluster

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "galera.sh"


def _bash(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"source {SCRIPT} && {command}"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def galera_cluster() -> Iterator[Cluster]:
    urls = [u.strip() for u in os.environ.get("TEST_GALERA_URLS", "").split(",") if u.strip()]
    if urls:
        if len(urls) != 3:
            pytest.fail(f"TEST_GALERA_URLS must list 3 node URLs, got {len(urls)}", pytrace=False)
        cluster = Cluster(urls)
        yield cluster
        cluster.close()
        return
    if os.environ.get("TEST_GALERA", "") != "1":
        pytest.skip("Galera tests need TEST_GALERA=1 (starts a cluster) or TEST_GALERA_URLS")
    started = time.monotonic()
    result = _bash(
        'galera_start >&2 && echo "$CHANGESET_GALERA_DIR" && echo "$TEST_GALERA_URLS"', {}
    )
    lines = result.stdout.split()
    if result.returncode != 0 or len(lines) != 2:
        pytest.fail(
            f"TEST_GALERA=1 but the Galera cluster did not start (exit {result.returncode}):\n"
            + result.stderr[-4000:],
            pytrace=False,
        )
    directory, joined = lines
    cluster = Cluster(joined.split(","), started_in=time.monotonic() - started)
    print(f"\nGalera cluster started in {cluster.started_in:.1f}s ({directory})")
    try:
        yield cluster
    finally:
        cluster.close()
        stopped = _bash("galera_stop", {"CHANGESET_GALERA_DIR": directory})
        if stopped.returncode != 0:
            print(stopped.stderr)


@pytest.fixture
def galera(galera_cluster: Cluster) -> Iterator[Cluster]:
    """The cluster, all nodes Synced, with a fresh empty test database."""
    galera_cluster.wait_synced()
    galera_cluster.reset()
    galera_cluster.wait_synced()
    yield galera_cluster
    for engine in galera_cluster.engines:
        engine.dispose()
