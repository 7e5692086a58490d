"""docs/architecture.rst lists the layers of the .importlinter contracts, in their order."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def contract_layers(name: str) -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return config[f"importlinter:contract:{name}"]["layers"].split("\n")[1:]


def documented_layers(title: str) -> list[str]:
    page = (ROOT / "docs" / "architecture.rst").read_text()
    section = page.split(f"``{title}``, top to bottom\n")[1].split("\n\n\n")[0]
    return re.findall(r"^\* ``(.+?)``:", section, flags=re.MULTILINE)


def test_top_level_layers_match_the_contract() -> None:
    assert documented_layers("migrate") == contract_layers("top")


def test_changeset_layers_match_the_contract() -> None:
    layers = contract_layers("changeset")
    assert "planner | introspect" in layers
    assert documented_layers("migrate.changeset") == layers
