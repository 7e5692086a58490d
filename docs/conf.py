"""Sphinx configuration for sqlalchemy-changeset."""

from __future__ import annotations

import os
import sys
from importlib import metadata

# autodoc imports the package from this checkout, installed or not.
sys.path.insert(0, os.path.abspath(".."))

project = "sqlalchemy-changeset"
author = "sqlalchemy-changeset developers"
copyright = "sqlalchemy-changeset developers"

try:
    release = metadata.version("sqlalchemy-changeset")
except metadata.PackageNotFoundError:
    release = "unknown"
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"

exclude_patterns = ["_build"]
nitpicky = False

html_theme = "alabaster"
html_title = f"sqlalchemy-changeset {release}"
