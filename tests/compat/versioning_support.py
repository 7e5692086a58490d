"""Repositories written by the ``migrate.versioning`` tests (in sqlalchemy-migrate's layout)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

CONFIG = """[db_settings]
repository_id={name}
version_table=migrate_version
required_dbs=[]
use_timestamp_numbering=False
"""

ACCOUNTS = """
from sqlalchemy import *
from migrate import *


def upgrade(migrate_engine):
    meta = MetaData()
    accounts = Table("accounts", meta, Column("id", Integer, primary_key=True),
                     Column("name", String(40), nullable=False))
    accounts.create(migrate_engine)
    migrate_engine.execute("INSERT INTO accounts (id, name) VALUES (1, 'ann'), (2, 'bob')")


def downgrade(migrate_engine):
    Table("accounts", MetaData(), Column("id", Integer, primary_key=True)).drop(migrate_engine)
"""

EMAIL = """
from sqlalchemy import *
from migrate import *


def _accounts(meta, *extra):
    return Table("accounts", meta, Column("id", Integer, primary_key=True),
                 Column("name", String(40), nullable=False), *extra)


def upgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    Column("email", String(120), nullable=False, server_default="").create(_accounts(meta))
    migrate_engine.execute("UPDATE accounts SET email = name")


def downgrade(migrate_engine):
    meta = MetaData()
    meta.bind = migrate_engine
    _accounts(meta, Column("email", String(120))).c.email.drop()
"""

AUDIT = """
from sqlalchemy import *


def upgrade(migrate_engine):
    Table("audit", MetaData(), Column("id", Integer, primary_key=True),
          Column("what", String(60))).create(migrate_engine)


def downgrade(migrate_engine):
    raise NotImplementedError("audit records are never removed")
"""

FAILING = """
from sqlalchemy import *


def upgrade(migrate_engine):
    Table("half_done", MetaData(), Column("id", Integer, primary_key=True)).create(migrate_engine)
    raise RuntimeError("script 004 fails on purpose")


def downgrade(migrate_engine):
    pass
"""

#: Each version inserts one row per run into ``runs``: applied twice shows as two rows.
COUNTED = """
from sqlalchemy import *


def upgrade(migrate_engine):
    meta = MetaData()
    runs = Table("runs", meta, Column("version", Integer), Column("note", String(40)))
    if {number} == 1:
        runs.create(migrate_engine)
    Table("t{number}", meta, Column("id", Integer, primary_key=True)).create(migrate_engine)
    with migrate_engine.begin() as conn:
        conn.execute(runs.insert().values(version={number}, note="applied"))


def downgrade(migrate_engine):
    pass
"""


def write_repository(root: Path, name: str, scripts: dict[str, str]) -> Path:
    """A sqlalchemy-migrate repository (``migrate.cfg`` + ``versions/``) at ``root``."""
    (root / "versions").mkdir(parents=True)
    (root / "migrate.cfg").write_text(CONFIG.format(name=name))
    (root / "versions" / "__init__.py").write_text("")
    for file, text in scripts.items():
        (root / "versions" / file).write_text(textwrap.dedent(text).lstrip())
    return root


def app_repository(root: Path, *, failing: bool = False) -> Path:
    scripts = {"001_accounts.py": ACCOUNTS, "002_email.py": EMAIL, "003_audit.py": AUDIT}
    if failing:
        scripts["004_failing.py"] = FAILING
    return write_repository(root, "app", scripts)


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def tables(engine: Engine) -> list[str]:
    return sorted(sa.inspect(engine).get_table_names())


def columns(engine: Engine, table: str) -> list[str]:
    return [c["name"] for c in sa.inspect(engine).get_columns(table)]


def version_rows(engine: Engine) -> list[tuple[str, int]]:
    if "migrate_version" not in tables(engine):
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT repository_id, version FROM migrate_version ORDER BY repository_id")
        ).all()
    return [(str(r[0]), int(r[1])) for r in rows]


def accounts(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT * FROM accounts ORDER BY id"))]
