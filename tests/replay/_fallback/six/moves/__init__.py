from six.moves import urllib  # noqa: F401
