"""The replay tests' timing table: each chain's replay time beside the legacy stack's."""

from __future__ import annotations

from typing import Any

import pytest

_TIMES = pytest.StashKey[list[tuple[str, str, float, float]]]()


@pytest.fixture
def replay_times(request: pytest.FixtureRequest) -> list[tuple[str, str, float, float]]:
    """Append ``(chain, backend, seconds, legacy seconds)``; printed at the end of the run."""
    return request.config.stash.setdefault(_TIMES, [])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rows = config.stash.get(_TIMES, [])
    if not rows:
        return
    terminalreporter.section("replayed chains: time against sqlalchemy-migrate 0.13")
    terminalreporter.write_line(
        f"{'chain':<10} {'backend':<11} {'ours':>8} {'legacy':>8} {'ratio':>6}"
    )
    for chain, backend, ours, legacy in sorted(rows):
        terminalreporter.write_line(
            f"{chain:<10} {backend:<11} {ours:>7.2f}s {legacy:>7.2f}s {ours / legacy:>5.2f}x"
        )
