"""Every touch of another package's internals, in one place.

If Sphinx, sphinx-needs or furo change, only this package needs to follow. Each
module guards the version or shape it relies on and fails with a German message (or
falls back to the unpatched behaviour) when it does not match.

* :mod:`.speedups` replaces slow sphinx-needs internals (off with
  ``handbook_speedups = False``).
* :mod:`.navigation` hooks furo's page-context handler (the sidebar).
* :mod:`.listeners` replaces a listener in Sphinx's listener table.
* :mod:`.logfilters` installs the warning translation in Sphinx's log handler,
  captures sphinx-needs' duplicate-ID message and reads docutils' directive tables.
* :mod:`.builder_output` leaves internal pages, their downloads and toctree entries
  out of the public profile's output.
* :mod:`.discovery` keeps Sphinx's page search out of build and tool folders.
* :mod:`.incremental` tells Sphinx which pages to write again when needs change (it
  reads sphinx-needs' data and matches its node classes by name).
"""
