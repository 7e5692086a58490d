from oslo_utils.timeutils import utcnow  # noqa: F401
