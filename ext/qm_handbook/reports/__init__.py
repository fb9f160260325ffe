"""The one computation (coverage, gaps, readiness) and all its views.

Entry points:

* :mod:`.result` gives the per-build cached ``CoverageResult`` (``get_result``); the
  PDF builder, the CLI and the overview cards import it, never the directives.
* :mod:`.coverage` (pure, with :mod:`.coverage_model` and :mod:`.coverage_gaps`)
  computes it from needs, catalogs and institutions.
* :mod:`.views_institution`, :mod:`.views_network`, :mod:`.views_common` and
  :mod:`.charts` render it as docutils nodes; :mod:`.exports` writes JSON/CSV.
* :mod:`.directives` holds the ``qm-*`` report directives and their placeholder node.
"""
