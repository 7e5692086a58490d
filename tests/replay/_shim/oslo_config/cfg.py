"""Stand-in for oslo_config.cfg: every option is unset (None)."""


class _Conf:
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Group()

    def import_opt(self, *args, **kwargs):
        pass

    def register_opts(self, *args, **kwargs):
        pass


class _Group:
    def __getattr__(self, name):
        return None

    def __bool__(self):
        return False


CONF = _Conf()
