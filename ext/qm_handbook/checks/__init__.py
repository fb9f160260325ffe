"""Validation: pure checks, the warning registry and their Sphinx side.

Entry points:

* :mod:`.diagnostics` is the warning registry (``CODES``, stable ``qm.*`` codes) and
  the ``Problem`` record every check returns.
* :mod:`.rules` (``check_all``) and :mod:`.statements` are pure checks over the needs
  (through :mod:`.need_index`); :mod:`.pages` and :mod:`.page_scan` check page files.
* :mod:`.translate` holds the German texts for warnings of Sphinx, MyST and
  sphinx-needs.
* :mod:`.validate` is the Sphinx adapter that runs all checks in every build (over
  :func:`qm_handbook.model.needs.resolved_needs`) and computes the statements to
  re-check once per build (``suspects_of``); :mod:`.suspect` lists them;
  :mod:`.reporting` logs problems.
"""
