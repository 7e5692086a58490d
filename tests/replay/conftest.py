"""The replay tests' timing table: each chain's replay time, and the ratio to the legacy
stack's that ``run.py --legacy-python ... --record`` measured side by side."""

from __future__ import annotations

from typing import Any

import pytest

_TIMES = pytest.StashKey[list[tuple[str, str, float, dict[str, Any] | None]]]()


@pytest.fixture
def replay_times(
    request: pytest.FixtureRequest,
) -> list[tuple[str, str, float, dict[str, Any] | None]]:
    """Append ``(chain, backend, seconds, the golden's side-by-side record)``; printed at
    the end of the run."""
    return request.config.stash.setdefault(_TIMES, [])


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rows = config.stash.get(_TIMES, [])
    if not rows:
        return
    terminalreporter.section("replayed chains: time, and ratio to sqlalchemy-migrate 0.13")
    terminalreporter.write_line(
        "this run: one replay inside pytest. recorded: ours/legacy, each the median of "
        "interleaved side-by-side runs (same driver) by `tests/replay/run.py "
        "--legacy-python ... --record`; the legacy stack is not timed here (CI's "
        "replay-timing step times both stacks side by side)"
    )
    terminalreporter.write_line(
        f"{'chain':<10} {'backend':<11} {'this run':>9} {'recorded':>9} {'driver':<9} {'on':<10}"
    )
    for chain, backend, ours, record in sorted(rows, key=lambda r: r[:3]):
        ratio, driver, date = "-", "", ""
        if record:
            ratio = f"{record['ratio']:.2f}x"
            driver, date = record["driver"], record["date"]
        terminalreporter.write_line(
            f"{chain:<10} {backend:<11} {ours:>8.2f}s {ratio:>9} {driver:<9} {date:<10}"
        )
