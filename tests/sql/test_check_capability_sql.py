"""CHECK constraints on MySQL/MariaDB depend on the server version (capabilities)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from migrate.changeset import to_sql
from migrate.changeset.constraint import CheckConstraint
from migrate.exceptions import NotSupportedError


def _dialect(version: tuple[int, ...], mariadb: bool = False) -> mysql.dialect:
    d = mysql.dialect()
    d.server_version_info = version
    d.is_mariadb = mariadb
    return d


def _table() -> sa.Table:
    t = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer), sa.Column("n", sa.Integer))
    return t


@pytest.mark.parametrize(
    ("version", "mariadb", "expected"),
    [
        ((8, 0, 16), False, ["ALTER TABLE t DROP CHECK ck_n;"]),
        ((10, 2, 1), True, ["ALTER TABLE t DROP CONSTRAINT ck_n;"]),
    ],
)
def test_drop_check_on_servers_that_have_it(
    version: tuple[int, ...], mariadb: bool, expected: list[str]
) -> None:
    t = _table()
    ck = CheckConstraint("n > 0", name="ck_n", table=t)
    with to_sql(_dialect(version, mariadb)) as out:
        ck.drop()
    assert out == expected


@pytest.mark.parametrize(("version", "mariadb"), [((8, 0, 10), False), ((10, 1, 40), True)])
def test_check_refused_on_servers_that_ignore_it(version: tuple[int, ...], mariadb: bool) -> None:
    t = _table()
    ck = CheckConstraint("n > 0", name="ck_n", table=t)
    with to_sql(_dialect(version, mariadb)) as out, pytest.raises(NotSupportedError, match="CHECK"):
        ck.drop()
    with to_sql(_dialect(version, mariadb)) as out, pytest.raises(NotSupportedError, match="CHECK"):
        CheckConstraint("n < 9", name="ck_n2", table=_table()).create()
    assert out == []
