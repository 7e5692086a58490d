"""``changeset port`` on the real chains of ``tests/replay/`` (their unported originals).

Every script is ported without an error, the result is valid Python, a second run changes
nothing, and no changeset call is touched: the ported chains keep every ``.alter(``,
``.rename(`` and constraint ``create()``/``drop()`` of the originals.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

pytest.importorskip("libcst", reason="the [port] extra (libcst) is not installed")

from migrate.port import port_path  # noqa: E402

REPLAY = Path(__file__).resolve().parents[1] / "replay"
CHAINS = ["glance", "heat", "keystone"]
_CHANGESET_CALLS = re.compile(r"\.(alter|rename|create_column|drop_column)\(")


@pytest.mark.parametrize("chain", CHAINS)
def test_real_chain_ports_idempotently(chain: str, tmp_path: Path) -> None:
    original = REPLAY / chain / "original"
    if not original.is_dir():
        pytest.skip(f"tests/replay/{chain}/original is not in this checkout")
    copy = tmp_path / chain
    shutil.copytree(original, copy)
    first = port_path(copy, write=True)
    assert [r.error for r in first if r.error] == []
    for result in first:
        ast.parse(result.after)
        assert len(_CHANGESET_CALLS.findall(result.after)) == len(
            _CHANGESET_CALLS.findall(result.before)
        ), result.path
        for note in result.not_ported:
            assert note.line > 0 and note.why
    second = port_path(copy)
    assert [r.path for r in second if r.changed] == []
    assert sum(len(r.rewrites) for r in second) == 0


@pytest.mark.parametrize("chain", CHAINS)
def test_ported_chain_replays_like_the_hand_port(
    chain: str, engine: Engine, tmp_path: Path
) -> None:
    """A chain's originals, ported with ``--write`` and no hand edit (the project's own
    imports resolve to the chain's stand-ins, as for the hand port), replay on this database
    to the same version and the same schema and rows as the corpus's hand port, which
    ``tests/replay`` compares with the legacy golden."""
    from tests.replay.chains import CHAINS as REPLAY_CHAINS
    from tests.replay.chains import Chain, differences, replay, reset_database, snapshot

    base = REPLAY_CHAINS[chain]
    ported_dir = tmp_path / chain
    shutil.copytree(base.root / "original", ported_dir)
    port_path(ported_dir, write=True)

    class Ported(Chain):
        @property
        def versions_dir(self) -> Path:
            return ported_dir

    ported = replay(Ported(base.name, base.versions_package), engine, stop_on_error=False)
    ported_state = snapshot(engine)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        Path(str(engine.url.database)).unlink()
    else:
        reset_database(engine)
    hand = replay(base, engine, stop_on_error=False)
    assert (ported.reached, ported.failed_at) == (hand.reached, hand.failed_at)
    assert ported.error == hand.error
    assert differences(snapshot(engine), ported_state) == []
