"""``python -m qm_handbook report …``: the terminal report (see :mod:`qm_handbook.cli`)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
