"""Sphinx configuration for sqlalchemy-changeset."""

from __future__ import annotations

import os
import sys
from importlib import metadata

# autodoc imports the package from this checkout, installed or not.
sys.path.insert(0, os.path.abspath(".."))
# the changeset-sql directive (renders each dialect's SQL at build time)
sys.path.insert(0, os.path.abspath("_ext"))

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
    "changeset_sql",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"

exclude_patterns = ["_build", "_ext"]
nitpicky = False

html_theme = "alabaster"
html_title = f"sqlalchemy-changeset {release}"
