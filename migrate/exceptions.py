"""Exception and warning classes of :mod:`migrate`.

The legacy names of sqlalchemy-migrate 0.13 are kept (scripts catch them);
the changeset layer adds :class:`NoBindError` and :class:`IgnoredArgumentWarning`.
"""


class Error(Exception):
    """Error base class."""


class ApiError(Error):
    """Base class for API errors."""


class KnownError(ApiError):
    """A known error condition."""


class UsageError(ApiError):
    """A known error condition where help should be displayed."""


class ControlledSchemaError(Error):
    """Base class for controlled schema errors."""


class InvalidVersionError(ControlledSchemaError):
    """Invalid version number."""


class VersionNotFoundError(KeyError):
    """Specified version is not present."""


class DatabaseNotControlledError(ControlledSchemaError):
    """Database should be under version control, but it's not."""


class DatabaseAlreadyControlledError(ControlledSchemaError):
    """Database shouldn't be under version control, but it is"""


class WrongRepositoryError(ControlledSchemaError):
    """This database is under version control by another repository."""


class NoSuchTableError(ControlledSchemaError):
    """The table does not exist."""


class PathError(Error):
    """Base class for path errors."""


class PathNotFoundError(PathError):
    """A path with no file was required; found a file."""


class PathFoundError(PathError):
    """A path with a file was required; found no file."""


class RepositoryError(Error):
    """Base class for repository errors."""


class InvalidRepositoryError(RepositoryError):
    """Invalid repository error."""


class ScriptError(Error):
    """Base class for script errors."""


class InvalidScriptError(ScriptError):
    """Invalid script error."""


# migrate.changeset


class NotSupportedError(Error):
    """The dialect, its version or the object cannot do what was asked."""


class InvalidConstraintError(Error):
    """A constraint was described wrongly (missing name, columns or table)."""


class NoBindError(Error):
    """No database to run an operation on could be found."""


class NoSuchColumnError(Error, KeyError):
    """A column named by the caller does not exist in the table."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class NoSuchObjectError(Error, KeyError):
    """An index or constraint named by the caller does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class DuplicateObjectError(Error):
    """A column, index or constraint of that name already exists."""


class InvalidOperationError(Error):
    """The change cannot be made as asked (e.g. NOT NULL without default on a non-empty table)."""


class ForeignKeyViolationError(InvalidOperationError):
    """The change would leave rows that break a foreign key; nothing was changed."""


class OfflineError(Error):
    """Offline SQL mode needs information the Table object does not describe."""


class MigrateDeprecationWarning(DeprecationWarning):
    """Warning for deprecated features in Migrate"""


class IgnoredArgumentWarning(UserWarning):
    """A keyword argument was accepted but has no effect (e.g. a misspelt name)."""


__all__ = [name for name, obj in list(globals().items()) if isinstance(obj, type)]
