"""The QM model as data: metamodel, catalogs, network and institution profiles.

Pure Python (no Sphinx at import time except :mod:`.context` and :mod:`.model_docs`).
Entry points:

* :mod:`.metamodel` reads ``metamodel.toml`` (need types, fields, links, status
  vocabularies) and derives the sphinx-needs configuration (``needs_config``).
* :mod:`.catalog` and :mod:`.institutions` read the catalog and profile TOML files
  (through :mod:`.tomlfile`, which reports German problems with file and line).
* :mod:`.context` loads everything once per build into the build state
  (``handbook_context`` from ``app``, ``get_context`` from ``env``).
* :mod:`.needs` is the one adapter from sphinx-needs' resolved needs to read-only
  mappings (``resolved_needs``), read by the checks and the coverage computation.
* :mod:`.config` declares the ``handbook_*`` configuration values.
* :mod:`.labels` formats dates, percentages and CSS tokens the German way.
* :mod:`.generated` keeps generated pages away from user files (safe names, marked
  folders, clean-up only of the generator's own files).
* :mod:`.model_docs` renders the metamodel as documentation tables (directive).
"""
