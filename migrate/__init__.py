"""sqlalchemy-changeset: the ``migrate.changeset`` API of sqlalchemy-migrate for SQLAlchemy 2.

Importing :mod:`migrate` activates the changeset methods on SQLAlchemy's classes.
"""

__version__ = "0.1.0"

from migrate.changeset import *  # noqa: E402,F403
from migrate.changeset import __all__ as _changeset_all  # noqa: E402

__all__ = list(_changeset_all)
