"""``python -m reader``: the same as the ``archive-reader`` command."""

import sys

from reader.cli import main

sys.exit(main())
