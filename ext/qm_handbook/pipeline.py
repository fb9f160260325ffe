"""The order of the handbook's build steps: every event priority, named once.

Sphinx calls the handlers of one event in ascending priority (default 500, the
priority of Sphinx's own and of sphinx-needs' handlers). Handlers connected without a
priority run at 500 and need no particular order; every handler that does depend on
an order uses one of the constants below, and the reason is written here, once.

Data never flows through the order: a handler gets the context, the needs, the
result and everything else through the build state's accessors (:mod:`.state`,
:func:`.model.context.handbook_context`, :func:`.model.needs.resolved_needs`,
:func:`.reports.result.get_result`), which load or compute on first use. What the
priorities below guarantee is only what the accessors cannot: that files are on disk,
that another extension has registered or resolved something, that a filter is
installed before the first warning.

``config-inited`` (in this order):

============================  =====  ==================================================
constant                      value  why
============================  =====  ==================================================
``PAUSE_GC``                      0  first: the garbage collector pauses before the
                                     environment is loaded (:mod:`.compat.pickling`)
``INSTALL_WARNING_FILTERS``       1  before anything can warn: German texts and the
                                     duplicate-ID capture must see every warning
``SWITCH_SPEEDUPS``               1  before anything runs sphinx-needs code: turns the
                                     speed-ups on or off (``handbook_speedups``)
``CHECK_CONFIG``                  2  after the warning filters, before anything reads
                                     a ``handbook_*`` value: wrong values are reported
                                     and replaced by their defaults
``APPLY_NEEDS_CONFIG``            5  sphinx-needs reads its configuration from
                                     priority 10 on; the metamodel-derived values
                                     must be in place before that
``LOAD_DATA``                   900  after sphinx-needs and all other extensions are
                                     configured: generates the catalog pages (and
                                     loads the context, on first use)
``GENERATE_REGION_PAGES``       901  gets the context itself (no need to follow
                                     ``LOAD_DATA``); must run before ``SCAN_PAGES``,
                                     which checks the region pages it writes
``APPLY_IDENTITY``              905  needs the context (the network file): sets the
                                     project name and site title before the builder
                                     is created
``KNOWN_NAMES``                 910  after sphinx-needs registered one directive per
                                     need type (the "did you mean" hints list them)
``SCAN_PAGES``                  950  checks every page file, so the generated
                                     catalog and region pages must be on disk; may
                                     exclude undecodable ones
``REUSE_CONFIG``                990  last: the configuration part of the reuse key
                                     (:mod:`.compat.reuse`), after every handler that
                                     sets a value, before builders and themes adjust
                                     values for their output
============================  =====  ==================================================

Other events:

============================  =====  ==================================================
``LINK_STATE``                    1  ``builder-inited``: first; links the build state
                                     (:mod:`.state`) to the environment just loaded, so
                                     the per-page records of the last build come back
``RECHECK_FRESH_ENV``           100  ``builder-inited``: early, before reading; only
                                     then is it known whether ``-E`` was used
``NEW_WRITE_PHASE``               1  ``env-updated``: first; reading is over, the
                                     write-phase data of an earlier ``app.build()`` is
                                     dropped before anything can compute it anew
``RESUME_GC``                   999  ``builder-inited``: last; the environment is loaded,
                                     the garbage collector runs again
``REUSE_KEY``                   600  ``env-updated``: after sphinx-needs (500) has merged
                                     the needs read in parallel; digests the pages read
                                     for :mod:`.compat.reuse` before the environment is saved
``AFTER_READ_PAGES_KNOWN``      600  ``env-get-updated``: after the collectors (500) have
                                     recorded which pages were read in this build
``AFTER_SPHINX_COLLECTORS``     600  ``doctree-read``: after Sphinx's collectors (500)
                                     have stored the page metadata
``AFTER_NEEDS_RESOLVED``        600  ``write-started``: after sphinx-needs (500) has
                                     resolved and sealed all needs; checks and the
                                     coverage result read the final needs; so does the
                                     need cards' link index (also the search objects)
``REUSE_TAKE``                  400  ``write-started``: before sphinx-needs (500) resolves
                                     the needs: takes the stored resolved needs and
                                     result when the key matches (:mod:`.compat.reuse`)
``REUSE_KEEP``                  640  ``write-started``: after the result (600), before the
                                     public profile (650) redacts it: keeps it for storing
``PUBLIC_PROFILE``              650  ``write-started``: after the coverage result
                                     (600): the public profile redacts it and hides
                                     internal pages before anything is written
``FREEZE_FOR_WRITING``          690  ``write-started``: after the needs, the result and
                                     the public profile (650), before the copies fork
                                     (700): what is alive then is frozen for the
                                     writing of the pages (:mod:`.compat.collector`)
``SIDE_OUTPUTS_START``          700  ``write-started``: after the public profile (650):
                                     the copy that runs the need checks and writes
                                     needs.json, the exports, the calendars,
                                     objects.inv and the stored build starts with
                                     the final (redacted) data (:mod:`.background`)
``BEFORE_NEED_CARDS``           400  ``doctree-resolved``: before sphinx-needs (500)
                                     renders need cards: internal items are removed
``AFTER_NEED_CARDS``            800  ``doctree-resolved``: after sphinx-needs (500)
                                     has built the need cards whose dates we format
``SIDE_OUTPUTS_JOIN``             1  ``build-finished``: first; waits for that copy and
                                     passes on its messages before anything reads
                                     its outputs or counts warnings
``CHECKS_IN_COPY``              100  ``build-finished`` (or first in the copy of
                                     :mod:`.background`): the need checks, when that
                                     copy runs them; before the stored build's part
                                     file, which a warning prevents
``REDACT_OUTPUTS``              700  ``build-finished``: after needs.json and objects.inv
                                     are written (by the copy, joined at 1, or by
                                     their writers at 500); filters them (removes
                                     them after a failed build)
``WRITE_CHECK_REPORT``          900  ``build-finished``: after the other handlers, so
                                     the warning counts are complete
``LEAK_CHECK``                  950  ``build-finished``: last writer done: scans
                                     every public output file for internal items
``STORE_PART``                  989  ``build-finished``: writes the stored build of
                                     :mod:`.compat.reuse` to a part file (in the copy,
                                     if there is one), unless there was a warning
``REUSE_STORE``                 990  ``build-finished``: after every handler that may
                                     warn; stores the resolved needs only after a build
                                     without warnings
``RESTORE_GC``                  999  ``build-finished``: last; the garbage collector as
                                     before the build
============================  =====  ==================================================
"""

from __future__ import annotations

#: Sphinx's default priority (its own handlers and sphinx-needs' use it).
SPHINX_DEFAULT = 500

# config-inited
PAUSE_GC = 0
INSTALL_WARNING_FILTERS = 1
SWITCH_SPEEDUPS = 1
CHECK_CONFIG = 2
APPLY_NEEDS_CONFIG = 5
LOAD_DATA = 900
GENERATE_REGION_PAGES = 901
APPLY_IDENTITY = 905
KNOWN_NAMES = 910
SCAN_PAGES = 950
REUSE_CONFIG = 990

# builder-inited
LINK_STATE = 1
RECHECK_FRESH_ENV = 100
RESUME_GC = 999

# env-updated
NEW_WRITE_PHASE = 1
REUSE_KEY = 600

# env-get-updated
AFTER_READ_PAGES_KNOWN = 600

# doctree-read
AFTER_SPHINX_COLLECTORS = 600

# write-started
REUSE_TAKE = 400
AFTER_NEEDS_RESOLVED = 600
REUSE_KEEP = 640

# write-started (public profile)
PUBLIC_PROFILE = 650
FREEZE_FOR_WRITING = 690
SIDE_OUTPUTS_START = 700

# doctree-resolved
BEFORE_NEED_CARDS = 400
AFTER_NEED_CARDS = 800

# build-finished
SIDE_OUTPUTS_JOIN = 1
CHECKS_IN_COPY = 100
REDACT_OUTPUTS = 700
WRITE_CHECK_REPORT = 900
LEAK_CHECK = 950
STORE_PART = 989
REUSE_STORE = 990
RESTORE_GC = 999
