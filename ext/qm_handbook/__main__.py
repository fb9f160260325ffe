"""``python -m qm_handbook report …``: the terminal report (see :mod:`qm_handbook.commands.cli`)."""

from __future__ import annotations

import sys

from .commands.cli import main
from .commands.guard import run_guarded

if __name__ == "__main__":
    sys.exit(run_guarded(main))
