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
from typing import Any

import pytest
import sqlalchemy as sa

from tests.replay.chains import CHAINS, differences, load_golden, replay, snapshot


@dataclass(frozen=True)
class Known:
    why: str
    #: exact difference lines (``chains.differences``) this explains
    lines: tuple[str, ...] = ()
    #: text substitutions made in the golden before comparing (deliberate renames)
    golden_replace: tuple[tuple[str, str], ...] = ()
    #: the version where the replay stops today (defects only)
    stops_at: int | None = None


class KnownDefect(Exception):
    """The replay stopped or differed exactly as a listed defect says."""


_NO_ACTION_FK = "[None, ['namespace_id'], 'metadef_namespaces', ['id'], 'NO ACTION', 'NO ACTION']"


def _doubled_fk(table: str) -> str:
    return f"table {table} foreign_keys: golden [{_NO_ACTION_FK}], replay [{_NO_ACTION_FK}, {_NO_ACTION_FK}]"


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

_BEHAVIOUR_1 = (
    "issue #19 behaviour 1: glance 026 Column('meta_data', PickleType(), default={})"
    ".create(image_locations): CompileError, no literal renderer for {}"
)
_KEYSTONE_073 = (
    "keystone 073: PrimaryKeyConstraint(table=assignment).drop(); "
    "assignment.c.inherited.alter(primary_key=True); PrimaryKeyConstraint(table=assignment)"
    ".create() keys the table on (inherited) alone, 0.13 on the five columns "
    "(test_primary_key_recreated_from_the_columns_marked_primary_key)"
)

DEFECTS: dict[tuple[str, str], list[Known]] = {
    ("glance", "sqlite"): [
        Known(
            "issue #19 behaviour 3: glance 039 creates named FKs identical to the unnamed "
            "ones of 035; SQLite keeps both",
            lines=tuple(
                _doubled_fk(t) for t in ("metadef_objects", "metadef_properties", "metadef_tags")
            ),
        )
    ],
    ("glance", "postgresql"): [
        Known(_BEHAVIOUR_1, stops_at=26),
        Known(
            "issue #19 behaviour 2: glance 045 creates the image_visibility enum, then "
            "create_column sends CREATE TYPE again (replayed from 0.13's state at 26)",
            stops_at=45,
        ),
    ],
    ("glance", "mysql"): [Known(_BEHAVIOUR_1, stops_at=26)],
    ("keystone", "postgresql"): [
        Known(
            _KEYSTONE_073,
            lines=(
                "table assignment primary_key: golden [['assignment_pkey', 'PRIMARY KEY "
                "(type, actor_id, target_id, role_id, inherited)']], replay "
                "[['assignment_pkey', 'PRIMARY KEY (inherited)']]",
            ),
        )
    ],
    ("keystone", "mysql"): [
        Known(
            _KEYSTONE_073,
            lines=(
                "table assignment primary_key: golden [['PRIMARY', ['type', 'actor_id', "
                "'target_id', 'role_id', 'inherited']]], replay [['PRIMARY', ['inherited']]]",
            ),
        )
    ],
}


def _golden_snapshot(golden: dict[str, Any], deliberate: list[Known]) -> dict[str, Any]:
    text = json.dumps(golden["snapshot"])
    for known in deliberate:
        for old, new in known.golden_replace:
            text = text.replace(old, new)
    snap: dict[str, Any] = json.loads(text)
    return snap


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_chain_reaches_legacy_golden(
    chain: str,
    engine: sa.Engine,
    backend_name: str,
    request: pytest.FixtureRequest,
    replay_times: list[tuple[str, str, float, float]],
) -> None:
    defects = DEFECTS.get((chain, backend_name), [])
    deliberate = DELIBERATE.get((chain, backend_name), [])
    if defects:
        why = "; ".join(d.why for d in defects)
        request.applymarker(pytest.mark.xfail(raises=KnownDefect, reason=why, strict=True))
    golden = load_golden(chain, backend_name)
    result = replay(CHAINS[chain], engine, stop_on_error=False)
    if result.failed_at is not None:
        if result.failed_at in {d.stops_at for d in defects}:
            raise KnownDefect(f"stops at {result.failed_at}: {result.error}")
        pytest.fail(f"stops at version {result.failed_at}: {result.error}")
    replay_times.append((chain, backend_name, result.seconds, golden["legacy"]["seconds_median"]))
    assert result.reached == golden["versions"]
    explained = {line for known in deliberate for line in known.lines}
    unexplained = [
        line
        for line in differences(_golden_snapshot(golden, deliberate), snapshot(engine))
        if line not in explained
    ]
    known_lines = {line for known in defects for line in known.lines}
    if unexplained and set(unexplained) <= known_lines:
        raise KnownDefect("\n".join(unexplained))
    assert unexplained == []
