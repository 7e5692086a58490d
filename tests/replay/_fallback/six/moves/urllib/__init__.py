from six.moves.urllib import parse  # noqa: F401
