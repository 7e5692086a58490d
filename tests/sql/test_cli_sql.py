"""``changeset sql``: a repository rendered as a SQL script, per dialect, without a database.

One repository, every dialect's expected script side by side. Runs ``migrate.cli.main``
in-process (the subprocess form is covered in tests/compat/test_cli.py).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from migrate import cli

PRODUCTS = """
from sqlalchemy import *
from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    products = Table("products", meta, Column("id", Integer, primary_key=True),
                     Column("name", String(80), nullable=False))
    products.create(migrate_engine)
    migrate_engine.execute(products.insert(), [{"name": "tea"}, {"name": "o'clock"}])


def downgrade(migrate_engine):
    Table("products", MetaData(), Column("id", Integer, primary_key=True)).drop(migrate_engine)
"""

ADD_PRICE = """
from sqlalchemy import *
from migrate import *


def _products(meta, *extra):
    return Table("products", meta, Column("id", Integer, primary_key=True),
                 Column("name", String(80), nullable=False), *extra)


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    Column("price", Numeric(10, 2), nullable=False, server_default="0").create(_products(meta))


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    _products(meta, Column("price", Numeric(10, 2))).c.price.drop()
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    root.mkdir()
    (root / "001_products.py").write_text(textwrap.dedent(PRODUCTS))
    (root / "002_add_price.py").write_text(textwrap.dedent(ADD_PRICE))
    (root / "003_index.sql").write_text(
        "-- a plain SQL version\nCREATE INDEX ix_products_name ON products (name);\n"
    )
    (root / "003_index_default_downgrade.sql").write_text("DROP INDEX ix_products_name;\n")
    (root / "003_index_mysql_downgrade.sql").write_text(
        "DROP INDEX ix_products_name ON products;\n"
    )
    return root


def render(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = cli.main(["sql", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return captured.out


def bump(before: int, after: int) -> str:
    return (
        f"UPDATE migrate_version SET version={after} WHERE migrate_version.version = {before} "
        "AND migrate_version.repository_id = 'shop';"
    )


UPGRADE = {
    "sqlite": f"""\
-- 001_products.py (upgrade, version 0 -> 1)
BEGIN;
CREATE TABLE products (
    id INTEGER NOT NULL,
    name VARCHAR(80) NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO products (name) VALUES ('tea');
INSERT INTO products (name) VALUES ('o''clock');
{bump(0, 1)}
COMMIT;

-- 002_add_price.py (upgrade, version 1 -> 2)
BEGIN;
ALTER TABLE products ADD COLUMN price NUMERIC(10, 2) DEFAULT '0' NOT NULL;
{bump(1, 2)}
COMMIT;

-- 003_index.sql (upgrade, version 2 -> 3)
BEGIN;
CREATE INDEX ix_products_name ON products (name);
{bump(2, 3)}
COMMIT;
""",
    "postgresql": f"""\
-- 001_products.py (upgrade, version 0 -> 1)
BEGIN;
CREATE TABLE products (
    id SERIAL NOT NULL,
    name VARCHAR(80) NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO products (name) VALUES ('tea');
INSERT INTO products (name) VALUES ('o''clock');
{bump(0, 1)}
COMMIT;

-- 002_add_price.py (upgrade, version 1 -> 2)
BEGIN;
ALTER TABLE products ADD COLUMN price NUMERIC(10, 2) DEFAULT '0' NOT NULL;
{bump(1, 2)}
COMMIT;

-- 003_index.sql (upgrade, version 2 -> 3)
BEGIN;
CREATE INDEX ix_products_name ON products (name);
{bump(2, 3)}
COMMIT;
""",
    # MySQL commits DDL implicitly: no BEGIN/COMMIT around a version.
    "mysql": f"""\
-- 001_products.py (upgrade, version 0 -> 1)
CREATE TABLE products (
    id INTEGER NOT NULL AUTO_INCREMENT,
    name VARCHAR(80) NOT NULL,
    PRIMARY KEY (id)
);
INSERT INTO products (name) VALUES ('tea');
INSERT INTO products (name) VALUES ('o''clock');
{bump(0, 1)}

-- 002_add_price.py (upgrade, version 1 -> 2)
ALTER TABLE products ADD COLUMN price NUMERIC(10, 2) NOT NULL DEFAULT '0';
{bump(1, 2)}

-- 003_index.sql (upgrade, version 2 -> 3)
CREATE INDEX ix_products_name ON products (name);
{bump(2, 3)}
""",
}

DOWNGRADE = {
    "sqlite": f"""\
-- 003_index_default_downgrade.sql (downgrade, version 3 -> 2)
BEGIN;
DROP INDEX ix_products_name;
{bump(3, 2)}
COMMIT;

-- 002_add_price.py (downgrade, version 2 -> 1)
BEGIN;
ALTER TABLE products DROP COLUMN price;
{bump(2, 1)}
COMMIT;
""",
    "postgresql": f"""\
-- 003_index_default_downgrade.sql (downgrade, version 3 -> 2)
BEGIN;
DROP INDEX ix_products_name;
{bump(3, 2)}
COMMIT;

-- 002_add_price.py (downgrade, version 2 -> 1)
BEGIN;
ALTER TABLE products DROP COLUMN price;
{bump(2, 1)}
COMMIT;
""",
    "mysql": f"""\
-- 003_index_mysql_downgrade.sql (downgrade, version 3 -> 2)
DROP INDEX ix_products_name ON products;
{bump(3, 2)}

-- 002_add_price.py (downgrade, version 2 -> 1)
ALTER TABLE products DROP COLUMN price;
{bump(2, 1)}
""",
}


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_upgrade_script(shop: Path, capsys: pytest.CaptureFixture[str], dialect: str) -> None:
    assert render(capsys, str(shop), "--dialect", dialect, "--from", "0") == UPGRADE[dialect]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_downgrade_script(shop: Path, capsys: pytest.CaptureFixture[str], dialect: str) -> None:
    out = render(capsys, str(shop), "--dialect", dialect, "--from", "3", "--to", "1")
    assert out == DOWNGRADE[dialect]


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "mysql"])
def test_from_scratch_creates_the_version_table(
    shop: Path, capsys: pytest.CaptureFixture[str], dialect: str
) -> None:
    out = render(capsys, str(shop), "--dialect", dialect, "--to", "1")
    header = f"""\
-- version table migrate_version, repository 'shop'
CREATE TABLE IF NOT EXISTS migrate_version (
    repository_id VARCHAR(250) NOT NULL,
    repository_path TEXT,
    version INTEGER,
    PRIMARY KEY (repository_id)
);
INSERT INTO migrate_version (repository_id, repository_path, version) VALUES ('shop', '{shop}', 0);

"""
    assert out.startswith(header)
    assert out[len(header) :] == UPGRADE[dialect].split("\n\n")[0] + "\n"


def test_mariadb_dialect_uses_mysql_sql_files(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = render(capsys, str(shop), "--dialect", "mariadb", "--from", "3", "--to", "2")
    assert "DROP INDEX ix_products_name ON products;" in out


def test_range_beyond_latest_is_a_usage_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["sql", str(shop), "--dialect", "sqlite", "--to", "7"]) == 2
    assert "latest version 3" in capsys.readouterr().err


def test_script_that_reads_the_database_fails_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "reads"
    root.mkdir()
    (root / "001_reflect.py").write_text(
        "from sqlalchemy import *\n\n\n"
        "def upgrade(migrate_engine):\n"
        "    Table('users', MetaData(), autoload_with=migrate_engine)\n"
    )
    assert cli.main(["sql", str(root), "--dialect", "postgresql"]) == 1
    assert "001_reflect.py" in capsys.readouterr().err


def test_single_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "one.py"
    script.write_text(textwrap.dedent(PRODUCTS))
    out = render(capsys, str(script), "--dialect", "sqlite")
    assert out.startswith("-- one.py (upgrade)\nCREATE TABLE products (")
    assert "migrate_version" not in out
