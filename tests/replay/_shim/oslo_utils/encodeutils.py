"""Stand-in for oslo_utils.encodeutils."""


def exception_to_unicode(exc):
    return str(exc)


def safe_decode(text, incoming=None, errors="strict"):
    return text.decode(incoming or "utf-8", errors) if isinstance(text, bytes) else text


def safe_encode(text, incoming=None, encoding="utf-8", errors="strict"):
    return text.encode(encoding, errors) if isinstance(text, str) else text
