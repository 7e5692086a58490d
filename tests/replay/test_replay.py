"""Real sqlalchemy-migrate repositories replayed end to end, compared with the legacy golden.

Each chain of ``tests/replay/`` (see ``chains.py`` and each chain's ``SOURCE``) runs version
by version with this library on the test's database; the schema and rows read back from the
catalogs must equal the golden that sqlalchemy-migrate 0.13 on SQLAlchemy 1.4 left
(``record_goldens.py``), except for:

* ``DELIBERATE``: differences the SPEC makes on purpose, each with its section;
* ``DEFECTS``: what stops a chain or changes its end state today, each a behaviour with its
  minimal test in ``tests/backend/test_real_chain_idioms.py``. A pair with a defect is a
  strict xfail that fails for any OTHER stop or difference, and fails (XPASS) once the
  defect is gone, so that the entry is removed and the pair gated in full.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.replay.chains import (
    CHAINS,
    differences,
    load_golden,
    replay,
    snapshot,
    write_repository,
)


@dataclass(frozen=True)
class Known:
    why: str
    #: exact difference lines (``chains.differences``) this explains
    lines: tuple[str, ...] = ()
    #: text substitutions made in the golden before comparing (deliberate renames)
    golden_replace: tuple[tuple[str, str], ...] = ()
    #: starts of difference lines left out of the comparison (what varies from run to run)
    prefixes: tuple[str, ...] = ()
    #: the version where the replay stops today (defects only)
    stops_at: int | None = None


class KnownDefect(Exception):
    """The replay stopped or differed exactly as a listed defect says."""


DELIBERATE: dict[tuple[str, str], list[Known]] = {
    ("glance", "sqlite"): [
        Known(
            "SPEC §5 and §8: the SQLite rebuild keeps unnamed CHECK constraints (0.13's "
            "rebuild of 039/042 lost the Boolean CHECK of `protected`)",
            lines=(
                "table metadef_namespaces checks: golden [], replay [[None, 'protected IN (0, 1)']]",
                "table metadef_resource_types checks: golden [], replay "
                "[[None, 'protected IN (0, 1)']]",
            ),
        )
    ],
    ("keystone", "postgresql"): [
        Known(
            "SPEC §4: Table.rename renames the sequences owned by the table's serial columns "
            "(095 renames revocation_event_new to revocation_event)",
            golden_replace=(("revocation_event_new_id_seq", "revocation_event_id_seq"),),
        )
    ],
}

DEFECTS: dict[tuple[str, str], list[Known]] = {}


def _golden_snapshot(golden: dict[str, Any], deliberate: list[Known]) -> dict[str, Any]:
    text = json.dumps(golden["snapshot"])
    for known in deliberate:
        for old, new in known.golden_replace:
            text = text.replace(old, new)
    snap: dict[str, Any] = json.loads(text)
    return snap


@pytest.mark.parametrize("via", ["harness", "versioning-api"])
@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_chain_reaches_legacy_golden(
    chain: str,
    via: str,
    engine: sa.Engine,
    backend_name: str,
    request: pytest.FixtureRequest,
    replay_times: list[tuple[str, str, float, dict[str, Any] | None]],
    tmp_path: Path,
) -> None:
    """``harness``: 0.13's order of scripts and version bumps, by ``chains.replay``;
    ``versioning-api``: each version by ``migrate.versioning.api.upgrade`` on a repository
    of the chain, as an application embedding ``migrate.versioning`` runs it."""
    defects = DEFECTS.get((chain, backend_name), [])
    deliberate = DELIBERATE.get((chain, backend_name), [])
    if defects:
        why = "; ".join(d.why for d in defects)
        request.applymarker(pytest.mark.xfail(raises=KnownDefect, reason=why, strict=True))
    golden = load_golden(chain, backend_name)
    # A pool of its own: MySQL keeps a session's character_set_database from before the
    # harness re-created the database, and keystone 067 changes the database's charset.
    own = sa.create_engine(engine.url)
    repository = None
    if via == "versioning-api":
        repository = write_repository(CHAINS[chain], tmp_path / chain)
        replay_times = []  # the timing table compares the harness's replays
    try:
        _replay_and_compare(
            chain, backend_name, own, golden, defects, deliberate, replay_times, repository
        )
    finally:
        own.dispose()


def _replay_and_compare(
    chain: str,
    backend_name: str,
    engine: sa.Engine,
    golden: dict[str, Any],
    defects: list[Known],
    deliberate: list[Known],
    replay_times: list[tuple[str, str, float, dict[str, Any] | None]],
    repository: Path | None,
) -> None:
    result = replay(CHAINS[chain], engine, stop_on_error=False, repository=repository)
    if result.failed_at is not None:
        if result.failed_at in {d.stops_at for d in defects}:
            raise KnownDefect(f"stops at {result.failed_at}: {result.error}")
        pytest.fail(f"stops at version {result.failed_at}: {result.error}")
    replay_times.append((chain, backend_name, result.seconds, golden["legacy"].get("side_by_side")))
    assert result.reached == golden["versions"]
    explained = {line for known in deliberate for line in known.lines}
    left_out = tuple(prefix for known in deliberate for prefix in known.prefixes)
    unexplained = [
        line
        for line in differences(_golden_snapshot(golden, deliberate), snapshot(engine))
        if line not in explained and not line.startswith(left_out)
    ]
    known_lines = {line for known in defects for line in known.lines}
    if unexplained and set(unexplained) <= known_lines:
        raise KnownDefect("\n".join(unexplained))
    assert unexplained == []
