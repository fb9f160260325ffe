"""Render one assembled HTML document to PDF with WeasyPrint.

WeasyPrint reports problems (a missing anchor, an unloadable image, invalid CSS)
through its own logger, which Sphinx never sees, so ``-W`` would let a broken PDF
pass. :func:`render_pdf` collects those records while it renders and returns them;
the builder logs each one as a ``qm.pdf_render`` warning.

The output is PDF/A-3b with a tagged structure (headings, lists, tables), the
document title and language taken from ``<title>`` and ``<html lang>``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

#: PDF/A part 3, conformance B: archivable, fonts embedded, sRGB output intent.
PDF_VARIANT = "pdf/a-3b"
STYLESHEET = Path(__file__).with_name("print.css")


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderResult:
    """What rendering produced: the page count and WeasyPrint's complaints."""

    pages: int
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderTask:
    """One document to render (picklable: may be sent to a worker process)."""

    html: str
    target: Path
    base_url: Path
    extra_css: str = ""


def render_task(task: RenderTask) -> RenderResult:
    """Render one task (see :func:`render_pdf`)."""
    return render_pdf(task.html, task.target, base_url=task.base_url, extra_css=task.extra_css)


class _Collector(logging.Handler):
    """Keeps WeasyPrint's warnings and errors while one document renders."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, target: Path, *, base_url: Path, extra_css: str = "") -> RenderResult:
    """Write ``html`` as a PDF to ``target``.

    :param html: the complete HTML document (with ``lang`` and ``<title>``)
    :param target: the PDF file to write (its folder is created)
    :param base_url: folder that relative URLs (images, logo) are resolved against
    :param extra_css: document-specific rules (running headers) added after the print style
    """
    # Progress messages ("Step 2 - Fetching and parsing CSS") are noise in a build log; a
    # theme dependency installs a root handler that would print them, already on import.
    logging.getLogger("weasyprint.progress").propagate = False
    from weasyprint import CSS, HTML

    collector = _Collector()
    loggers = [logging.getLogger("weasyprint")]
    previous = [(lg, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(collector)
        # WeasyPrint's records must not also reach the root logger (and the console) unfiltered.
        lg.propagate = False
    try:
        stylesheets = [CSS(filename=str(STYLESHEET))]
        if extra_css:
            stylesheets.append(CSS(string=extra_css))
        document = HTML(string=html, base_url=str(base_url) + "/").render(stylesheets=stylesheets)
        target.parent.mkdir(parents=True, exist_ok=True)
        document.write_pdf(target, pdf_variant=PDF_VARIANT, pdf_tags=True)
        pages = len(document.pages)
    finally:
        for lg, propagate in previous:
            lg.removeHandler(collector)
            lg.propagate = propagate
    return RenderResult(pages=pages, messages=tuple(collector.messages))
