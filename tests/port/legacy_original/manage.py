#!/usr/bin/env python
# sqlalchemy-migrate's generated manage.py; `changeset run` does not need it.
from migrate.versioning.shell import main

if __name__ == "__main__":
    main(debug="False", repository=".")
