"""Certification PDFs: one per institution, one for the network.

``sphinx-build -b qmpdf`` (or ``python3 noxfile.py -s pdf -- <slug>``) writes
``<slug>.pdf`` for every institution and ``netzwerk.pdf`` into the output folder;
the main build writes them to ``pdf/`` in the website, and each institution's
profile box links to its PDF. An institution PDF is complete on its own for an
auditor: cover, document control, contents with page numbers, the handbook
chapters, the catalog the institution answers and an audit appendix. Typst sets
it (PDF/A-2a and PDF/UA-1 in one file, German hyphenation); its complaints become
German warnings that fail ``-W``.

Entry points: :mod:`.register` (``setup_pdf``, ``download_link``), :mod:`._builder` (the
builder), :mod:`._workers` (where Typst runs), :mod:`._early` (Typst started before
Sphinx for a single PDF). Importing this package loads nothing else (see
:mod:`qm_handbook`).
"""
