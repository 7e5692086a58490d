"""``migrate.versioning`` as applications embedded it, on each configured database.

The call sequences follow what oslo.db's ``db_sync`` and its version-walking test mixin,
CKAN's model setup, Galaxy's ``ControlledSchema`` check and the Flask Mega-Tutorial's
``db_create.py``/``db_migrate.py`` did with sqlalchemy-migrate 0.13 (written here in our own
words). Each test checks the schema, the rows and the ``migrate_version`` rows.
"""

from __future__ import annotations

import importlib
import threading
import types
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from migrate import exceptions
from migrate.versioning import api
from migrate.versioning.repository import Repository
from migrate.versioning.schema import ControlledSchema
from migrate.versioning.version import Collection
from tests.compat.versioning_support import (
    COUNTED,
    accounts,
    app_repository,
    columns,
    tables,
    url_of,
    version_rows,
    write_repository,
)

# --------------------------------------------------------------------------- imports

SECTION_11 = {
    "migrate.versioning.api": [
        "create",
        "script",
        "script_sql",
        "version",
        "db_version",
        "version_control",
        "drop_version_control",
        "upgrade",
        "downgrade",
        "test",
        "compare_model_to_db",
        "update_db_from_model",
        "make_update_script_for_model",
        "create_model",
    ],
    "migrate.versioning.repository": ["Repository"],
    "migrate.versioning.schema": ["ControlledSchema"],
    "migrate.versioning.version": ["Collection", "Version", "VerNum"],
    "migrate.versioning.util": ["construct_engine", "load_model"],
    "migrate.versioning.shell": ["main"],
    "migrate.versioning.exceptions": ["ScriptError"],
    "migrate.exceptions": [
        "DatabaseNotControlledError",
        "DatabaseAlreadyControlledError",
        "InvalidRepositoryError",
        "InvalidVersionError",
        "VersionNotFoundError",
        "KnownError",
        "ScriptError",
        "NotSupportedError",
    ],
}


@pytest.mark.parametrize("module", sorted(SECTION_11))
def test_every_section_11_name_imports(module: str) -> None:
    loaded = importlib.import_module(module)
    missing = [name for name in SECTION_11[module] if not hasattr(loaded, name)]
    assert missing == []
    assert issubclass(exceptions.VersionNotFoundError, KeyError)
    assert loaded.__name__ == module


# --------------------------------------------------------------------------- oslo.db


class DBMigrationError(Exception):
    """What oslo.db raised for its callers."""


def oslo_db_version(engine: Engine, path: str, init_version: int) -> int:
    """oslo.db's db_version: an empty database is put under control at init_version."""
    repository = Repository(path)
    try:
        return int(api.db_version(engine, repository))
    except exceptions.DatabaseNotControlledError:
        meta = sa.MetaData()
        meta.reflect(bind=engine)
        if len(meta.tables) == 0 or "alembic_version" in meta.tables:
            try:
                api.version_control(engine, repository, init_version)
            except exceptions.InvalidVersionError as exc:
                raise DBMigrationError(f"Invalid version : {exc}") from exc
            except exceptions.DatabaseAlreadyControlledError as exc:
                raise DBMigrationError("Database is already controlled.") from exc
            return int(api.db_version(engine, repository))
        raise DBMigrationError("The database is not under version control") from None


def oslo_db_sync(engine: Engine, path: str, version: int | None = None) -> Any:
    """oslo.db's db_sync: upgrade to version (or latest), downgrade if it is lower."""
    current = oslo_db_version(engine, path, 0)
    repository = Repository(path)
    if version is None or version > current:
        return api.upgrade(engine, repository, version)
    return api.downgrade(engine, repository, version)


def test_oslo_db_sync(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    assert oslo_db_sync(engine, path, 2) is None
    assert version_rows(engine) == [("app", 2)]
    assert columns(engine, "accounts") == ["id", "name", "email"]
    assert accounts(engine) == [(1, "ann", "ann"), (2, "bob", "bob")]
    oslo_db_sync(engine, path)
    assert version_rows(engine) == [("app", 3)]
    assert tables(engine) == ["accounts", "audit", "migrate_version"]


def test_oslo_db_sync_downgrade_refused_by_script(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    oslo_db_sync(engine, path)
    with pytest.raises(NotImplementedError, match="audit records are never removed"):
        oslo_db_sync(engine, path, 1)
    assert version_rows(engine) == [("app", 3)]
    assert tables(engine) == ["accounts", "audit", "migrate_version"]
    assert accounts(engine) == [(1, "ann", "ann"), (2, "bob", "bob")]


def test_oslo_db_version_refuses_a_database_with_tables(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE legacy (id INTEGER PRIMARY KEY)"))
    with pytest.raises(DBMigrationError):
        oslo_db_version(engine, path, 0)
    assert tables(engine) == ["legacy"]


class WalkVersions:
    """oslo.db's WalkVersionsMixin, in our words: up each version with data checks, then
    down again; a downgrade raising NotImplementedError counts as "cannot downgrade"."""

    def __init__(self, engine: Engine, repository: Repository, init_version: int = 0) -> None:
        self.migrate_engine = engine
        self.REPOSITORY = repository
        self.INIT_VERSION = init_version
        self.migration_api = api
        self.seen: list[str] = []

    def walk_versions(self, snake_walk: bool = False, downgrade: bool = True) -> None:
        self.migration_api.version_control(self.migrate_engine, self.REPOSITORY, self.INIT_VERSION)
        assert self.INIT_VERSION == self.migration_api.db_version(
            self.migrate_engine, self.REPOSITORY
        )
        versions = range(int(self.INIT_VERSION) + 1, int(self.REPOSITORY.latest) + 1)
        for version in versions:
            self.migrate_up(version, with_data=True)
            if snake_walk and self.migrate_down(version - 1, with_data=True):
                self.migrate_up(version)
        if downgrade:
            for version in reversed(versions):
                if self.migrate_down(version - 1) and snake_walk:
                    self.migrate_up(version)
                    self.migrate_down(version - 1)

    def migrate_down(self, version: int, with_data: bool = False) -> bool:
        try:
            self.migration_api.downgrade(self.migrate_engine, self.REPOSITORY, version)
        except NotImplementedError:
            self.seen.append(f"cannot downgrade to {version}")
            return False
        assert version == self.migration_api.db_version(self.migrate_engine, self.REPOSITORY)
        self.seen.append(f"down {version}")
        return True

    def migrate_up(self, version: int, with_data: bool = False) -> None:
        data = None
        if with_data:
            pre = getattr(self, f"_pre_upgrade_{version:03d}", None)
            data = pre(self.migrate_engine) if pre else None
        self.migration_api.upgrade(self.migrate_engine, self.REPOSITORY, version)
        assert version == self.migration_api.db_version(self.migrate_engine, self.REPOSITORY)
        self.seen.append(f"up {version}")
        if with_data:
            check = getattr(self, f"_check_{version:03d}", None)
            if check:
                check(self.migrate_engine, data)

    def _pre_upgrade_002(self, engine: Engine) -> list[tuple[object, ...]]:
        return accounts(engine)

    def _check_002(self, engine: Engine, data: list[tuple[object, ...]]) -> None:
        assert [row[:2] for row in accounts(engine)] == data
        assert columns(engine, "accounts") == ["id", "name", "email"]


def test_oslo_db_walk_versions(engine: Engine, tmp_path: Path) -> None:
    repository = Repository(app_repository(tmp_path / "repo"))
    walker = WalkVersions(engine, repository)
    walker.walk_versions(snake_walk=True)
    assert walker.seen == [
        "up 1",
        "down 0",
        "up 1",
        "up 2",
        "down 1",
        "up 2",
        "up 3",
        "cannot downgrade to 2",
        "cannot downgrade to 2",
        "cannot downgrade to 1",
        "cannot downgrade to 0",
    ]
    assert version_rows(engine) == [("app", 3)]
    assert columns(engine, "accounts") == ["id", "name", "email"]
    assert accounts(engine) == [(1, "ann", "ann"), (2, "bob", "bob")]


# --------------------------------------------------------------------------- CKAN


def test_ckan_style_setup_and_upgrade(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    # CKAN: put under control (ignoring "already controlled"), upgrade, compare versions.
    for _ in range(2):
        try:
            api.version_control(engine, path)
        except exceptions.DatabaseAlreadyControlledError:
            pass
    before = api.db_version(engine, path)
    api.upgrade(engine, path, version=2)
    after = api.db_version(engine, path)
    assert (before, after) == (0, 2)
    assert api.version(path) == 3
    assert accounts(engine) == [(1, "ann", "ann"), (2, "bob", "bob")]
    # CKAN's "clean db": the version control goes, the tables stay until dropped.
    api.drop_version_control(engine, path)
    assert tables(engine) == ["accounts"]
    with pytest.raises(exceptions.DatabaseNotControlledError):
        api.db_version(engine, path)


# --------------------------------------------------------------------------- Galaxy


def test_galaxy_style_controlled_schema(engine: Engine, tmp_path: Path) -> None:
    repository = Repository(app_repository(tmp_path / "repo"))
    with pytest.raises(exceptions.DatabaseNotControlledError):
        ControlledSchema(engine, repository)
    schema = ControlledSchema.create(engine, repository, version=1)
    assert schema.version == 1 and version_rows(engine) == [("app", 1)]
    with engine.begin() as conn:  # version 1's schema, as if made by the application
        conn.execute(sa.text("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(40))"))
        conn.execute(sa.text("INSERT INTO accounts (id, name) VALUES (7, 'cy')"))
    assert repository.versions.latest == 3 and repository.version(2).version == 2
    schema = ControlledSchema(engine, repository)
    changeset = schema.changeset(None)
    assert changeset.step == 1
    steps = []
    for ver, change in changeset:
        nextver = ver + changeset.step
        steps.append((ver, nextver, change.name))
        schema.runchange(ver, change, changeset.step)
        assert schema.version == nextver
    assert steps == [(1, 2, "002_email.py"), (2, 3, "003_audit.py")]
    assert version_rows(engine) == [("app", 3)]
    assert accounts(engine) == [(7, "cy", "cy")]
    assert tables(engine) == ["accounts", "audit", "migrate_version"]
    with pytest.raises(exceptions.InvalidVersionError):
        schema.runchange(1, changeset[0][1], 1)  # the database is no longer at 1
    assert version_rows(engine) == [("app", 3)]


def test_collection_of_a_versions_folder(tmp_path: Path) -> None:
    root = app_repository(tmp_path / "repo")
    collection = Collection(root / "versions")
    assert collection.latest == 3
    assert collection.version(2).script().name == "002_email.py"
    with pytest.raises(KeyError):
        collection.version(9)
    with pytest.raises(ValueError):
        collection.version(-1)


# --------------------------------------------------------------------------- Flask tutorial


def test_flask_tutorial_scripts(engine: Engine, tmp_path: Path) -> None:
    uri = url_of(engine)
    repo = str(tmp_path / "db_repository")
    # db_create.py: create_all, then a new repository under version control.
    model = sa.MetaData()
    sa.Table(
        "user",
        model,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nickname", sa.String(64), index=True, unique=True),
    )
    model.create_all(engine)
    api.create(repo, "database repository")
    api.version_control(uri, repo, api.version(repo))
    assert api.db_version(uri, repo) == 0
    with engine.begin() as conn:
        conn.execute(model.tables["user"].insert().values(id=1, nickname="ann"))
    # The model grows a column, as the tutorial's models.py does.
    new_model = sa.MetaData()
    sa.Table(
        "user",
        new_model,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nickname", sa.String(64), index=True, unique=True),
        sa.Column("about_me", sa.String(140)),
    )
    # db_migrate.py: the old model from create_model, the update script from the two
    # models, written as the next version, then upgrade.
    v = api.db_version(uri, repo)
    migration = Path(repo) / "versions" / f"{v + 1:03d}_migration.py"
    source = api.create_model(uri, repo)
    old_model = types.ModuleType("old_model")
    exec(source, old_model.__dict__)
    assert sorted(old_model.meta.tables) == ["user"]
    assert [c.name for c in old_model.meta.tables["user"].columns] == ["id", "nickname"]
    script = api.make_update_script_for_model(uri, repo, old_model.meta, new_model)
    assert "def upgrade(migrate_engine):" in script and "def downgrade(migrate_engine):" in script
    assert "about_me" in script
    migration.write_text(script)
    assert tables(engine) == ["migrate_version", "user"]  # writing it changed nothing
    api.upgrade(uri, repo)
    assert api.db_version(uri, repo) == 1
    assert columns(engine, "user") == ["id", "nickname", "about_me"]
    assert not api.compare_model_to_db(uri, repo, new_model)
    with engine.connect() as conn:
        assert conn.execute(sa.select(new_model.tables["user"])).all() == [(1, "ann", None)]
    # db_downgrade.py
    api.downgrade(uri, repo, api.db_version(uri, repo) - 1)
    assert api.db_version(uri, repo) == 0
    assert columns(engine, "user") == ["id", "nickname"]
    assert not api.compare_model_to_db(uri, repo, old_model.meta)
    with engine.connect() as conn:
        assert conn.execute(sa.select(model.tables["user"])).all() == [(1, "ann")]


def test_create_model_round_trip(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    api.version_control(engine, path)
    api.upgrade(engine, path)
    source = api.create_model(engine, path)
    assert "migrate_version" not in source
    module = types.ModuleType("model")
    exec(source, module.__dict__)
    assert sorted(module.meta.tables) == ["accounts", "audit"]
    accounts_table = module.meta.tables["accounts"]
    assert [c.name for c in accounts_table.columns] == ["id", "name", "email"]
    assert accounts_table.c.name.nullable is False
    assert accounts_table.c.email.type.length == 120
    # The model recreates the schema on the same database, rows included.
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE audit"))
        conn.execute(sa.text("DROP TABLE accounts"))
    module.meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(module.meta.tables["accounts"].insert().values(name="cy"))
    assert columns(engine, "accounts") == ["id", "name", "email"]
    assert accounts(engine) == [(1, "cy", "")]


# --------------------------------------------------------------------------- 0.13's errors


def test_version_control_on_controlled_database(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    api.version_control(engine, path)
    api.upgrade(engine, path, 1)
    with pytest.raises(exceptions.DatabaseAlreadyControlledError):
        api.version_control(engine, path, 2)
    assert version_rows(engine) == [("app", 1)]
    assert tables(engine) == ["accounts", "migrate_version"]


def test_upgrade_on_uncontrolled_database(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    with pytest.raises(exceptions.DatabaseNotControlledError):
        api.upgrade(engine, path)
    with pytest.raises(exceptions.DatabaseNotControlledError):
        api.drop_version_control(engine, path)
    assert tables(engine) == []


def test_bad_versions_change_nothing(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    with pytest.raises(exceptions.InvalidVersionError):
        api.version_control(engine, path, 7)
    with pytest.raises(exceptions.InvalidVersionError):
        api.version_control(engine, path, -1)
    assert tables(engine) == []
    api.version_control(engine, path)
    api.upgrade(engine, path, 2)
    with pytest.raises(exceptions.VersionNotFoundError):
        api.upgrade(engine, path, 9)
    with pytest.raises(KeyError):  # VersionNotFoundError is a KeyError, as in 0.13
        api.upgrade(engine, path, 4)
    with pytest.raises(exceptions.KnownError, match="Try 'downgrade' instead"):
        api.upgrade(engine, path, 1)
    with pytest.raises(exceptions.KnownError, match="Try 'upgrade' instead"):
        api.downgrade(engine, path, 3)
    assert version_rows(engine) == [("app", 2)]
    assert columns(engine, "accounts") == ["id", "name", "email"]


def test_not_a_repository(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(exceptions.InvalidRepositoryError):
        api.db_version(engine, str(tmp_path / "nowhere"))
    with pytest.raises(exceptions.KnownError, match="already exists"):
        api.create(str(tmp_path), "x")
    assert tables(engine) == []


def test_failing_script_reaches_the_caller(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo", failing=True))
    api.version_control(engine, path)
    with pytest.raises(RuntimeError, match="fails on purpose") as info:
        api.upgrade(engine, path)
    assert "004_failing.py" in "".join(getattr(info.value, "__notes__", ["004_failing.py"]))
    assert version_rows(engine) == [("app", 3)]
    assert accounts(engine) == [(1, "ann", "ann"), (2, "bob", "bob")]
    if engine.dialect.name != "mysql":  # transactional DDL: the half-done table is gone
        assert "half_done" not in tables(engine)


def test_drop_version_control_keeps_other_repositories(engine: Engine, tmp_path: Path) -> None:
    first = str(app_repository(tmp_path / "first"))
    second = write_repository(tmp_path / "second", "other", {"001_c.py": COUNTED.format(number=1)})
    api.version_control(engine, first)
    api.version_control(engine, str(second))
    api.upgrade(engine, str(second))
    api.drop_version_control(engine, first)
    assert version_rows(engine) == [("other", 1)]
    api.drop_version_control(engine, str(second))
    assert "migrate_version" not in tables(engine)


def test_api_test_command_runs_latest_up_and_down(engine: Engine, tmp_path: Path) -> None:
    path = str(write_repository(tmp_path / "repo", "t", {"001_c.py": COUNTED.format(number=1)}))
    api.version_control(engine, path)
    api.test(engine, path)
    assert version_rows(engine) == [("t", 0)]
    assert "runs" in tables(engine)  # 001's downgrade keeps its table (as written)


def test_engine_options_and_url_strings(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    uri = url_of(engine)
    api.version_control(uri, path, engine_dict={"pool_pre_ping": True})
    api.upgrade(uri, path, 1, engine_arg_pool_pre_ping="true")
    assert api.db_version(uri, path) == 1
    assert accounts(engine) == [(1, "ann"), (2, "bob")]


# --------------------------------------------------------------------------- concurrency


def test_two_upgraders_apply_each_version_once(engine: Engine, tmp_path: Path) -> None:
    root = write_repository(
        tmp_path / "repo",
        "counted",
        {f"00{n}_v{n}.py": COUNTED.format(number=n) for n in range(1, 5)},
    )
    api.version_control(engine, str(root))
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def upgrader() -> None:
        own = sa.create_engine(url_of(engine), connect_args=_connect_args(engine))
        try:
            barrier.wait()
            api.upgrade(own, str(root))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=upgrader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert version_rows(engine) == [("counted", 4)]
    with engine.connect() as conn:
        runs = conn.execute(sa.text("SELECT version FROM runs ORDER BY version")).scalars().all()
    assert runs == [1, 2, 3, 4]


def _connect_args(engine: Engine) -> dict[str, Any]:
    return {"timeout": 30} if engine.dialect.name == "sqlite" else {}


# --------------------------------------------------------------------------- smaller API


def test_preview_sql_and_py_change_nothing(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = str(app_repository(tmp_path / "repo"))
    api.version_control(engine, path)
    with caplog.at_level("INFO", logger="migrate.versioning.api"):
        api.upgrade(engine, path, 1, preview_sql=True)
        api.upgrade(engine, path, 1, preview_py=True)
    text = caplog.text
    assert "CREATE TABLE accounts" in text
    assert "UPDATE migrate_version SET version=1" in text
    assert "def upgrade(migrate_engine):" in text
    assert tables(engine) == ["migrate_version"]
    assert version_rows(engine) == [("app", 0)]


def test_compare_model_to_db_and_update_db_from_model(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    api.version_control(engine, path)
    api.upgrade(engine, path, 1)
    model = sa.MetaData()
    sa.Table(
        "accounts",
        model,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("nickname", sa.String(30)),
    )
    found = api.compare_model_to_db(engine, path, model)
    assert found and [c.what for c in found] == ["add_column"]
    assert "nickname" in str(found) and "migrate_version" not in str(found)
    api.update_db_from_model(engine, path, model)
    # 0.13: the database then matches the model and is recorded at the latest version.
    assert version_rows(engine) == [("app", 3)]
    assert columns(engine, "accounts") == ["id", "name", "nickname"]
    assert accounts_rows(engine) == [(1, "ann", None), (2, "bob", None)]
    assert not api.compare_model_to_db(engine, path, model)


def accounts_rows(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT * FROM accounts ORDER BY id"))]


def test_source_help_and_script_names(tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    assert "def downgrade(migrate_engine):" in str(api.source(2, repository=path))
    api.source(2, str(tmp_path / "out.py"), repository=path)
    assert (tmp_path / "out.py").read_text() == (
        tmp_path / "repo/versions/002_email.py"
    ).read_text()
    assert (
        api.help("upgrade")
        .splitlines()[0]
        .endswith("upgrade URL REPOSITORY_PATH [VERSION] [--preview_py|--preview_sql]")
    )
    with pytest.raises(exceptions.UsageError):
        api.help("frobnicate")
    api.script("Add index: name & email", path)
    assert (tmp_path / "repo/versions/004_Add_index_name_email.py").is_file()
    assert api.version(path) == 4
    api.script_sql("default", "seed", path)
    assert Repository(path).version(5).script("sqlite", "upgrade").name == (
        "005_seed_default_upgrade.sql"
    )


def test_load_model_and_construct_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from migrate.versioning.util import construct_engine, load_model

    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "import sqlalchemy as sa\nclass Base:\n    metadata = sa.MetaData()\nmeta = Base.metadata\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    models = importlib.import_module("shop.models")
    assert load_model("shop.models:Base.metadata") is models.Base.metadata
    assert load_model("shop.models:meta") is models.meta
    with pytest.warns(exceptions.MigrateDeprecationWarning):
        assert load_model("shop.models.meta") is models.meta
    given = sa.MetaData()
    assert load_model(given) is given
    engine = construct_engine(f"sqlite:///{tmp_path}/e.db", engine_arg_echo="false")
    assert isinstance(engine, sa.Engine) and engine.echo is False
    assert construct_engine(engine) is engine
    engine.dispose()
    with pytest.raises(ValueError):
        construct_engine(42)  # type: ignore[arg-type]


def test_controlled_schema_upgrade_drop_and_table(engine: Engine, tmp_path: Path) -> None:
    path = str(app_repository(tmp_path / "repo"))
    schema = ControlledSchema.create(engine, path)
    assert schema.table.name == "migrate_version"
    schema.upgrade(2)
    assert schema.version == 2 and version_rows(engine) == [("app", 2)]
    assert schema == ControlledSchema(engine, schema.repository)
    schema.upgrade(1)  # 0.13's ControlledSchema.upgrade also went down
    assert schema.version == 1 and columns(engine, "accounts") == ["id", "name"]
    with pytest.raises(exceptions.InvalidVersionError):
        schema.update_repository_table(3, 2)  # the database is at 1, not 3
    schema.update_repository_table(1, 2)  # records only: 002's column is not added
    assert version_rows(engine) == [("app", 2)] and schema.version == 2
    assert columns(engine, "accounts") == ["id", "name"]
    schema.drop()
    assert "migrate_version" not in tables(engine)
    with pytest.raises(exceptions.DatabaseNotControlledError):
        schema.load()


ENGINE_IDIOMS = """
from sqlalchemy import text


def upgrade(migrate_engine):
    conn = migrate_engine.connect()  # no `with`: legacy scripts keep it in a variable
    conn.execute(text("CREATE TABLE idioms (id INTEGER PRIMARY KEY)"))
    trans = conn.begin()
    conn.execute(text("INSERT INTO idioms (id) VALUES (1)"))
    trans.commit()
    conn.close()
    with migrate_engine.begin() as c:  # Engine.begin(): the block gets a connection
        c.execute(text("INSERT INTO idioms (id) VALUES (2)"))
    with migrate_engine.connect() as c:
        c.execute(text("INSERT INTO idioms (id) VALUES (3)"))
    # what `changeset port` makes of 1.x's conn = engine.connect()
    auto = migrate_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    auto.execute(text("INSERT INTO idioms (id) VALUES (4)"))


def downgrade(migrate_engine):
    migrate_engine.execute("DROP TABLE idioms")
"""


def test_scripts_use_migrate_engine_as_an_engine(engine: Engine, tmp_path: Path) -> None:
    """``connect()`` kept in a variable and closed, ``begin()`` with ``commit()``, and
    ``with migrate_engine.begin() as conn`` (real chains: glance 010, heat 056)."""
    path = str(write_repository(tmp_path / "repo", "idioms", {"001_idioms.py": ENGINE_IDIOMS}))
    api.version_control(engine, path)
    api.upgrade(engine, path)
    assert version_rows(engine) == [("idioms", 1)]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT id FROM idioms ORDER BY id")).all() == [
            (1,),
            (2,),
            (3,),
            (4,),
        ]
    api.downgrade(engine, path, 0)
    assert tables(engine) == ["migrate_version"]
