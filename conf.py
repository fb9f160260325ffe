"""Sphinx configuration of the demo network's quality handbook.

Kept thin on purpose: behaviour lives in the extension under ext/, content in
handbook/ (network and catalogs) and institutions/ (one folder per institution).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "ext"))

# Project name, site title, author and copyright come from handbook/netzwerk.toml.
version = release = "2026.1"
language = "de"

extensions = ["qm_handbook"]
root_doc = "handbook/index"
include_patterns = ["handbook/**", "institutions/**"]
exclude_patterns = ["**/README.md"]

html_theme = "furo"
html_last_updated_fmt = None
# The demo content is written as of this date; it makes every report reproducible.
handbook_as_of = "2026-11-27"
