"""The console sessions shown in the docs (``docs/cli_output/*.txt``), produced for real.

``python -m tests.docs.cli_output`` rewrites the files; ``tests/docs/test_cli_output.py``
produces them again and fails when a file in ``docs/`` is stale. Each session runs the
``changeset`` command in a fresh folder holding ``docs/quickstart/``'s files, in order.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
OUTPUT = DOCS / "cli_output"
SHOWN_DIR = "/home/me/app"

#: (file written in docs/cli_output, commands run in order); state carries over.
SESSIONS: list[tuple[str | None, list[str]]] = [
    (None, ["python create_app_db.py"]),
    ("quickstart_run.txt", ["changeset run migrations"]),
    ("quickstart_again.txt", ["changeset run migrations"]),
    ("quickstart_sql.txt", ["changeset sql migrations --dialect postgresql"]),
    ("cli_version.txt", ["changeset version migrations"]),
    ("cli_downgrade.txt", ["changeset run migrations --downgrade"]),
    ("cli_dry_run.txt", ["changeset run migrations --dry-run"]),
    ("cli_verbose.txt", ["changeset run migrations --verbose"]),
    ("cli_sql_mysql.txt", ["changeset sql migrations --dialect mysql"]),
    (None, ["python create_app_db.py sqlite:///broken.db"]),
    (
        "cli_failed.txt",
        [
            "changeset run broken --url sqlite:///broken.db",
            "changeset version broken --url sqlite:///broken.db",
        ],
    ),
    ("cli_usage.txt", ["changeset", "changeset run no_such_folder"]),
]


def _normalise(text: str, workdir: str) -> str:
    text = text.replace(os.path.realpath(workdir), SHOWN_DIR).replace(workdir, SHOWN_DIR)
    return re.sub(r"\(\d+\.\d+s\)", "(0.01s)", text)


def produce() -> dict[str, str]:
    """Run every session; {file name: console text}."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="80")
    env.pop("CHANGESET_URL", None)
    bindir = os.path.dirname(sys.executable)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for item in ("create_app_db.py", "migrations", "broken"):
            source = DOCS / "quickstart" / item
            if source.is_dir():
                shutil.copytree(source, Path(workdir) / item)
            else:
                shutil.copy(source, workdir)
        for name, commands in SESSIONS:
            shown: list[str] = []
            for command in commands:
                proc = subprocess.run(
                    shlex.split(command),
                    cwd=workdir,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    check=False,
                )
                shown.append(f"$ {command}")
                if proc.stdout.strip():
                    shown.append(proc.stdout.rstrip("\n"))
                if proc.returncode:
                    shown.append(f"$ echo $?\n{proc.returncode}")
            if name is not None:
                out[name] = _normalise("\n".join(shown) + "\n", workdir)
    return out


def main() -> None:
    OUTPUT.mkdir(exist_ok=True)
    for name, text in produce().items():
        (OUTPUT / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/cli_output/{name}")


if __name__ == "__main__":
    main()
