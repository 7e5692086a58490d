"""``changeset run`` on a cluster: two runners at once, a writer meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from galera_support import Cluster

from migrate.changeset.galera import is_retryable, retry
from migrate.versioning import api
from migrate.versioning import runner as versioning_runner
from migrate.versioning.repository import load_repository

ROUNDS = int(os.environ.get("GALERA_RUNNER_ROUNDS", "20"))

SCRIPTS = {
    "001_items.py": """
import sqlalchemy as sa

def upgrade(migrate_engine):
    meta = sa.MetaData()
    sa.Table("items", meta, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(40)))
    meta.create_all(migrate_engine)
    migrate_engine.execute("INSERT INTO applied (script) VALUES ('001')")
""",
    "002_columns.py": """
import sqlalchemy as sa
import migrate.changeset  # noqa: F401

def upgrade(migrate_engine):
    meta = sa.MetaData()
    items = sa.Table("items", meta, autoload_with=migrate_engine)
    sa.Column("price", sa.Integer, nullable=False, default=0).create(items)
    events = sa.Table("events", meta, autoload_with=migrate_engine)
    sa.Column("note", sa.String(20)).create(events)  # the writer on node 3 uses events
    migrate_engine.execute("INSERT INTO applied (script) VALUES ('002')")
""",
    "003_index.sql": """
CREATE INDEX ix_items_name ON items (name);
INSERT INTO applied (script) VALUES ('003');
""",
}


def make_repository(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    for name, text in SCRIPTS.items():
        (folder / name).write_text(text.lstrip())
    return folder


def prepare(galera: Cluster) -> None:
    with galera.engines[0].begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE applied (id INT AUTO_INCREMENT PRIMARY KEY, script VARCHAR(10))"
        )
        conn.exec_driver_sql("CREATE TABLE events (id INT PRIMARY KEY, n INT)")


class Writer(threading.Thread):
    """Inserts rows on node 3, one transaction each, retrying lost conflicts (1213)."""

    def __init__(self, engine: sa.Engine, start_id: int) -> None:
        super().__init__(daemon=True)
        self.engine = engine
        self.next_id = start_id
        self.committed: list[int] = []
        self.retries = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                row_id = self.next_id
                try:
                    with self.engine.begin() as conn:
                        conn.exec_driver_sql(f"INSERT INTO events (id, n) VALUES ({row_id}, 1)")
                except sa.exc.DBAPIError as error:
                    if not is_retryable(error):
                        raise
                    self.retries += 1
                    continue
                self.committed.append(row_id)
                self.next_id += 1
        except BaseException as error:  # reported by the test
            self.error = error


#: The facade as oslo.db called it: ``api.upgrade(url, repository)``.
FACADE = "import sys; from migrate.versioning import api; api.upgrade(sys.argv[1], sys.argv[2])"


def start_runner(folder: Path, url: str, how: str = "changeset") -> subprocess.Popen[str]:
    if how == "facade":
        command = [sys.executable, "-c", FACADE, url, str(folder)]
    else:
        command = [sys.executable, "-m", "migrate", "run", str(folder), "--url", url]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )


@pytest.mark.parametrize("how", ["changeset", "facade"])
def test_two_runners_on_two_nodes_apply_each_script_once(
    galera: Cluster, tmp_path: Path, how: str
) -> None:
    folder = make_repository(tmp_path)
    summary = []
    for round_ in range(ROUNDS):
        if round_:
            galera.wait_synced()
            galera.reset()
        prepare(galera)
        if how == "facade":  # the facade upgrades only a database under version control
            api.version_control(galera.engines[0], str(folder))
        writer = Writer(galera.engines[2], 1)
        writer.start()
        time.sleep(0.05)
        first = start_runner(folder, galera.urls[0], how)
        second = start_runner(folder, galera.urls[1], how)
        out1, err1 = first.communicate(timeout=120)
        out2, err2 = second.communicate(timeout=120)
        time.sleep(0.1)
        writer.stop.set()
        writer.join(30)
        assert writer.error is None, f"round {round_}: writer failed: {writer.error!r}"
        codes = (first.returncode, second.returncode)
        assert codes == (0, 0), f"round {round_}: exit codes {codes}\n{err1}\n{err2}"
        for node in (1, 2, 3):
            with galera.reader(node) as conn:
                applied = conn.exec_driver_sql(
                    "SELECT script, COUNT(*) FROM applied GROUP BY script ORDER BY script"
                ).all()
                assert [tuple(r) for r in applied] == [("001", 1), ("002", 1), ("003", 1)], (
                    f"round {round_} node {node}: {applied}\n{err1}\n{err2}"
                )
                version = conn.exec_driver_sql(
                    "SELECT version, repository_path FROM migrate_version"
                ).one()
                assert version[0] == 3
                assert versioning_runner.LOCK_MARK not in version[1], "the lock was not released"
                ids = set(conn.exec_driver_sql("SELECT id FROM events").scalars())
                lost = set(writer.committed) - ids
                assert not lost, f"round {round_} node {node}: committed rows lost: {lost}"
                columns = [c["name"] for c in sa.inspect(conn).get_columns("items")]
                assert columns == ["id", "name", "price"]
                assert "note" in [c["name"] for c in sa.inspect(conn).get_columns("events")]
        waited = sum("already at version" in e for e in (err1, err2))
        summary.append((len(writer.committed), writer.retries, waited))
    print(
        f"\n{ROUNDS} rounds (committed rows, writer retries, runners with nothing left): {summary}"
    )


def test_lock_held_by_a_dead_runner_is_reported(galera: Cluster, tmp_path: Path) -> None:
    folder = make_repository(tmp_path)
    prepare(galera)
    repository = load_repository(folder)
    engine = galera.engines[1]
    versioning_runner.migrate(engine, repository, 1)

    def die_holding_the_lock() -> None:  # what a runner killed mid-migration leaves behind
        with galera.engines[0].begin() as conn:
            conn.exec_driver_sql(
                "UPDATE migrate_version SET repository_path = "
                f"CONCAT(repository_path, '{versioning_runner.LOCK_MARK}host pid 1 since then]')"
            )

    # node 1 may not have applied node 2's last commit yet: 1213, retried (as apps must)
    retry(die_holding_the_lock)
    runner = subprocess.run(
        [sys.executable, "-m", "migrate", "run", str(folder), "--url", galera.urls[2]],
        capture_output=True,
        text=True,
        env={**os.environ, versioning_runner.LOCK_TIMEOUT_ENV: "1"},
        timeout=60,
    )
    assert runner.returncode == 1
    assert "another migration is running" in runner.stderr
    assert "UPDATE migrate_version SET repository_path = " in runner.stderr
    with galera.reader(3) as conn:
        assert conn.exec_driver_sql("SELECT version FROM migrate_version").scalar() == 1
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM applied").scalar() == 1
    # The printed statement releases the lock; then the runner continues.
    statement = runner.stderr.split("release the lock with:")[1].strip().splitlines()[0]
    with galera.engines[2].begin() as conn:
        conn.exec_driver_sql(statement)
    again = subprocess.run(
        [sys.executable, "-m", "migrate", "run", str(folder), "--url", galera.urls[2]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    with galera.reader(1) as conn:
        assert conn.exec_driver_sql("SELECT version FROM migrate_version").scalar() == 3
