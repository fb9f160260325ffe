"""The HTML site: navigation, regions, overview cards, page furniture.

Entry points (each module has a ``setup_*`` called from :func:`qm_handbook.setup`):

* :mod:`.navigation` computes furo's sidebar once per build (the furo hook itself
  is in :mod:`qm_handbook.compat.navigation`).
* :mod:`.regions` writes the regional network pages; :mod:`.catalog_pages` generates
  the catalog pages; :mod:`.overview` renders the institution cards.
* :mod:`.doccontrol` shows the page's control data (``page_controls``: the data of
  all pages, assembled once per build for the reports and the PDF);
  :mod:`.need_display` tunes how needs look; :mod:`.theme_i18n` translates theme
  texts; :mod:`.entry` writes the root ``index.html``.
* :mod:`.dependencies` records which pages show needs of other pages (an
  ``EnvironmentCollector`` keeps the record per page).
"""
