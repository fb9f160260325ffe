"""The one computation (coverage, gaps, readiness) and all its views.

Entry points:

* :mod:`.result` gives the build's one ``CoverageResult`` (``get_result``, kept in the
  build state, :mod:`qm_handbook.state`); the PDF builder, the CLI and the overview
  cards import it, never the directives.
* :mod:`.coverage` (pure, with :mod:`.coverage_model` and :mod:`.coverage_gaps`)
  computes it from needs, catalogs and institutions.
* :mod:`.views_institution`, :mod:`.views_network`, :mod:`.views_common` and
  :mod:`.charts` render it as docutils nodes; :mod:`.exports` writes JSON/CSV.
* :mod:`.directives` holds the ``qm-*`` report directives and the table of views
  (``VIEWS``); :mod:`.placeholder` the placeholder node and its options
  (``ReportOptions``).
"""
