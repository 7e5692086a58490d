"""sqlalchemy-migrate's exception classes, also importable from here (:mod:`migrate.exceptions`)."""

from migrate.exceptions import *  # noqa: F403
from migrate.exceptions import __all__  # noqa: F401
