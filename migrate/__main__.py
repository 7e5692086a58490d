"""``python -m migrate``: the ``changeset`` command."""

import sys

from migrate.cli import main

sys.exit(main())
