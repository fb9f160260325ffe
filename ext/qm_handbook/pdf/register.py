"""Registration of the PDF builder and the PDF download link on an institution's page."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

from ..model.config import get_config
from ._assemble import WEB_ONLY_CLASS
from ._builder import QmPdfBuilder, pdf_href

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..model.institutions import Institution

#: Files sphinx-needs writes into every HTML-like output; the PDF folder does not need them.
_SIDE_FILES = ("permalink.html", "schema_violations.json")
_SIDE_DIRS = ("_static",)


def download_link(env: BuildEnvironment, inst: Institution) -> nodes.paragraph | None:
    """The paragraph linking an institution's page to its PDF (None when PDFs are off)."""
    pdf_dir = get_config(env.config).pdf_dir
    if not pdf_dir:
        return None
    href = pdf_href(env.docname, pdf_dir, inst.slug)
    para = nodes.paragraph(classes=["qm-pdf-download", WEB_ONLY_CLASS])
    para += nodes.reference("", "Handbuch als PDF herunterladen", refuri=href, classes=["qm-download"])
    para += nodes.Text(" (für Audit und Archiv; Dokumentenlenkung, Katalog und Auditanhang)")
    return para


def _quiet_needs_outputs(app: Sphinx) -> None:
    if app.builder.name == QmPdfBuilder.name:
        app.config.needs_build_json = False


def _remove_side_files(app: Sphinx, exception: BaseException | None) -> None:
    if exception is None and app.builder.name == QmPdfBuilder.name:
        for name in _SIDE_FILES:
            (Path(app.outdir) / name).unlink(missing_ok=True)
        for name in _SIDE_DIRS:
            shutil.rmtree(Path(app.outdir) / name, ignore_errors=True)


def setup_pdf(app: Sphinx) -> None:
    """Register the PDF builder."""
    app.add_builder(QmPdfBuilder)
    app.connect("builder-inited", _quiet_needs_outputs)
    app.connect("build-finished", _remove_side_files, priority=900)
