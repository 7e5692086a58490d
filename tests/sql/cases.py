"""One operation, every dialect's SQL side by side (no database needed).

    assert_sql(lambda: col.create(users),
         sqlite=[...], postgresql=[...], mysql=[...])

renders the operation inside ``migrate.changeset.to_sql(dialect)`` for each dialect
given and compares the statements. The callable is called once per dialect, so it
must build fresh Table objects each time (use a factory).
"""

from __future__ import annotations

from collections.abc import Callable

from migrate.changeset import to_sql


def render(dialect: str, operation: Callable[[], object]) -> list[str]:
    with to_sql(dialect) as statements:
        operation()
    return statements


def assert_sql(operation: Callable[[], object], **expected: list[str]) -> None:
    """Assert the statements each named dialect renders for ``operation``."""
    got = {dialect: render(dialect, operation) for dialect in expected}
    wrong = {d: got[d] for d in expected if got[d] != expected[d]}
    assert not wrong, "rendered differently:\n" + "\n".join(
        f"  {d}: {stmts!r}\n  expected: {expected[d]!r}" for d, stmts in wrong.items()
    )
