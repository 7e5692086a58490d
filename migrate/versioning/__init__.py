"""Repositories of numbered migration scripts and the ``migrate_version`` table.

The modules of sqlalchemy-migrate 0.13's ``migrate.versioning`` that applications import
(``api``, ``repository``, ``schema``, ``version``, ``util``, ``shell``, ``exceptions``) are
thin: they translate arguments and call :mod:`migrate.versioning.runner`, the runner under
``changeset run``.
"""
