"""The ``qmpdf`` builder: one PDF per institution and one for the network, in one run.

``sphinx-build -b qmpdf`` reuses the environment of the HTML build (same doctree
folder), so pages are not read again. For each institution it assembles one
document (cover, document control, contents, the institution's handbook pages in
toctree order, the catalog it answers, the audit appendix), translates it to Typst
markup (``_translate``) and typesets it with Typst (``_render``) in a compile folder
below the doctree folder (``<doctrees>/qmpdf/<slug>/``). ``handbook_pdf_select``
limits the run to some institutions (slugs, comma-separated; ``netzwerk`` for the
network PDF), ``handbook_pdf_teil`` to one of n parts (``_plan``).
"""

from __future__ import annotations

import gc
import posixpath
import shutil
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.builders import Builder
from sphinx.util import logging
from sphinx.util.display import status_iterator

from ..checks.diagnostics import Problem
from ..checks.reporting import log_problems
from ..compat.pickling import paused
from ..model.config import get_config
from ..model.context import HandbookContext, get_context
from ..model.labels import format_date
from ..reports.result import get_result
from ..reports.views_common import Linker
from ..site.doccontrol import last_changed, page_control
from . import _front
from . import _syntax as ty
from ._appendix import audit_appendix, replace_report_views, statements_by_requirement
from ._assemble import doc_anchor, fix_references, inline_pages
from ._catalog import catalog_chapter
from ._early import BUILDER, WORK_DIR
from ._media import Assets
from ._plan import PdfJob, in_order, pdf_workers, plan_jobs
from ._render import RenderResult, RenderTask
from ._syntax import PAGE_MARK
from ._translate import TypstTranslator
from ._workers import TypstPool

if TYPE_CHECKING:
    from collections.abc import Callable, Set


logger = logging.getLogger(__name__)


class QmPdfBuilder(Builder):
    """Writes the certification PDFs (see module docstring)."""

    name = BUILDER
    format = "typst"
    epilog = "Die PDF-Dateien liegen in %(outdir)s."
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]  # noqa: RUF012

    def init(self) -> None:
        """Nothing to prepare: each PDF is assembled in :meth:`write_documents`."""

    def get_outdated_docs(self) -> str:
        return "alle PDF-Dokumente"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        # Every page lives in the one document; ``_assemble`` turns these into anchors.
        return f"#document-{docname}"

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def prepare_writing(self, docnames: Set[str]) -> None:
        """Nothing to prepare."""

    def write_doc(self, docname: str, doctree: nodes.document) -> None:  # pragma: no cover - not called
        """Pages are not written one by one (see :meth:`write_documents`)."""

    def write_documents(self, _docnames: Set[str]) -> None:
        # The environment and everything loaded so far stay alive while the PDFs are written:
        # kept out of the garbage collector's full passes, which would walk them again and again
        # (about 0.5 s CPU of a single PDF's run of the demo).
        gc.freeze()
        try:
            self._write_pdfs()
        finally:
            gc.unfreeze()

    def _write_pdfs(self) -> None:
        ctx = get_context(self.env)
        settings = get_config(self.config)
        jobs, problems = plan_jobs(ctx, self.config.root_doc, settings.pdf_select, settings.pdf_teil)
        log_problems(problems, ctx.srcdir)
        if not jobs:
            if settings.pdf_teil.strip() and not problems:
                logger.info("Teil %s enthält keine PDFs (mehr Teile als PDFs).", settings.pdf_teil.strip())
            return
        try:
            import typst  # noqa: F401
        except ImportError:
            log_problems([_setup_problem()], ctx.srcdir)
            return
        from sphinx_needs.data import SphinxNeedsData

        keep = frozenset(SphinxNeedsData(self.env).get_needs_view())
        workers = pdf_workers(settings.pdf_jobs, len(jobs))
        jobs = in_order(jobs, workers)
        progress = status_iterator(
            jobs, "PDF setzen … ", "darkgreen", len(jobs), self.config.verbosity, lambda j: j.slug
        )
        pending: list[tuple[PdfJob, Future[RenderResult]]] = []
        # Sphinx assembles the documents one after another; Typst runs in worker processes meanwhile.
        with TypstPool(workers, inline=len(jobs) == 1) as typesetter:
            for number, job in enumerate(progress, start=1):
                # A document's page trees are garbage once its Typst source is made: one
                # collection after it frees them in one pass. Left to itself, the collector
                # made 92 full passes at 130 institutions, about half of this process's
                # time (measured with gc.callbacks). Not after the last: nothing follows it.
                with paused():
                    task = self._document(ctx, job, keep)
                    if number < len(jobs):
                        gc.collect()
                pending.append((job, typesetter.submit(task)))
            for job, outcome in pending:
                self._report(ctx, job, outcome.result())

    def _report(self, ctx: HandbookContext, job: PdfJob, result: RenderResult) -> None:
        """Log Typst's messages about one PDF."""
        log_problems(
            [Problem(code="pdf_render" if m.error else "pdf_content", message=f"{job.slug}.pdf: {m.text}",
                     docname=m.docname or job.start)
             for m in result.messages],
            ctx.srcdir,
        )  # fmt: skip
        if result.pages:
            kept = " (unverändert, nicht neu gesetzt)" if result.reused else ""
            logger.info("PDF %s.pdf: %d Seiten%s", job.slug, result.pages, kept)

    def _document(self, ctx: HandbookContext, job: PdfJob, keep: frozenset[str]) -> RenderTask:
        """Assemble and translate one PDF's document."""
        inst = job.institution
        include: Callable[[str], bool]
        prepare: Callable[[nodes.document], None] | None = None
        if inst is not None:
            prefix = ctx.docname_prefix(inst)
            include = lambda d: d.startswith(prefix)  # noqa: E731
            prepare = lambda tree: replace_report_views(tree, inst)  # noqa: E731
        else:
            top = ctx.institutions_dir + "/"
            include = lambda d: not d.startswith(top)  # noqa: E731
        doctree, pages = inline_pages(self, job.start, include, keep, prepare)
        if inst is not None and inst.catalog in ctx.catalogs:
            coverage = get_result(self._app)
            member = coverage.institutions[inst.code]
            doctree += catalog_chapter(ctx.catalogs[inst.catalog], statements_by_requirement(member))
            doctree += audit_appendix(coverage, inst, self._linker())
        linked = fix_references(doctree, pages, keep)
        self.post_process_images(doctree)
        folder = Path(self.doctreedir) / WORK_DIR / job.slug
        shutil.rmtree(folder, ignore_errors=True)
        assets = Assets(folder)
        rows = self._control_rows(pages)
        targets = linked | {row.anchor for row in rows}
        translator = TypstTranslator(srcdir=Path(self.srcdir), assets=assets, targets=targets, docname=job.start)
        body = translator.translate(doctree.children)
        log_problems(
            [Problem(code="pdf_content", message=f"{job.slug}.pdf: {i.message}", docname=i.docname)
             for i in translator.issues],
            ctx.srcdir,
        )  # fmt: skip
        cover = self._cover(ctx, job)
        logo = assets.add(cover.logo) if cover.logo is not None else None
        source = (
            f'#import "template.typ": *\n#show: qm-document.with({self._meta(ctx, job)})\n'
            f"{PAGE_MARK}{job.start}\n"
            + _front.cover_typst(cover, logo)
            + _front.control_typst(rows, ctx.as_of)
            + _front.contents_typst()
            + body
        )
        return RenderTask(source=source, folder=folder, target=Path(self.outdir) / f"{job.slug}.pdf", as_of=ctx.as_of)

    def _linker(self) -> Linker:
        """Links of the report views: resolved to anchors in the PDF by ``fix_references``."""

        def link(docname: str, anchor: str) -> str | None:
            if docname not in self.env.all_docs:
                return None
            uri = self.get_target_uri(docname)
            return f"{uri}#{anchor}" if anchor else uri

        return link

    # -- document parts ------------------------------------------------------------------

    def _title(self, ctx: HandbookContext, job: PdfJob) -> str:
        if job.institution is not None:
            return f"Qualitätshandbuch {job.institution.name}"
        return f"Netzwerkhandbuch {ctx.network.name}" if ctx.network else str(self.config.project)

    def _version(self, job: PdfJob) -> str:
        if job.institution is not None:
            return job.institution.handbook_version
        return str(self.config.version or "")

    def _meta(self, ctx: HandbookContext, job: PdfJob) -> str:
        """The document data for the template (title, author, date, running header and footer)."""
        who = job.institution.name if job.institution else (ctx.network.name if ctx.network else "")
        what = "Qualitätshandbuch" if job.institution else "Netzwerkhandbuch"
        version = self._version(job)
        subject = (
            f"Qualitätshandbuch der Einrichtung {who} für die Zertifizierung"
            if job.institution
            else f"Netzwerkteil und Anforderungskataloge des Netzwerks {who}".strip()
        )
        fields = {
            "title": ty.string(self._title(ctx, job)),
            "author": ty.string(who or str(self.config.project)),
            "subject": ty.string(subject),
            "date": ty.date(ctx.as_of),
            "who": ty.string(who),
            "what": ty.string(f"{what} · Version {version}" if version else what),
            "stand": ty.string("Stand: " + format_date(ctx.as_of)),
        }
        return "(" + ", ".join(f"{k}: {v}" for k, v in fields.items()) + ")"

    def _control_rows(self, pages: list[str]) -> list[_front.ControlRow]:
        return [
            _front.ControlRow(
                anchor=doc_anchor(d),
                title=self.env.titles[d].astext() if d in self.env.titles else d,
                control=page_control(self.env.metadata.get(d, {})),
                changed=last_changed(self._app, d),
            )
            for d in pages
        ]

    def _cover(self, ctx: HandbookContext, job: PdfJob) -> _front.Cover:
        inst = job.institution
        network = ctx.network.name if ctx.network else ""
        if inst is None:
            catalogs = ", ".join(f"{c.label} ({c.title})" if c.title else c.label for c in ctx.catalogs.values())
            return _front.Cover(
                kicker="Netzwerkhandbuch",
                title=network or str(self.config.project),
                subtitle="Netzwerkteil und Anforderungskataloge",
                rows=(
                    ("Anforderungskataloge", catalogs),
                    ("Mitglieder", str(len(ctx.institutions))),
                    ("Version", self._version(job)),
                    ("Stand", format_date(ctx.as_of)),
                ),
            )
        catalog = ctx.catalogs.get(inst.catalog)
        standard = f"{catalog.label} – {catalog.title}" if catalog and catalog.title else inst.catalog
        approval = format_date(inst.approved_on, "") if inst.approved_on else ""
        if inst.approved_by:
            approval = f"{approval} durch {inst.approved_by}".strip()
        return _front.Cover(
            kicker="Qualitätshandbuch",
            title=inst.name,
            subtitle=f"Dokumentation für die Zertifizierung nach {catalog.label if catalog else inst.catalog}",
            rows=(
                ("Standard und Katalog", standard),
                ("Handbuchversion", inst.handbook_version),
                ("Freigabe", approval or "noch nicht freigegeben"),
                ("Stand", format_date(ctx.as_of)),
                ("QM-Status", inst.status),
                ("Zertifizierungsstelle", inst.certification_body),
                ("Netzwerk", network),
            ),
            notice="Fiktive Einrichtung: Alle Angaben sind für die Demo erfunden." if inst.fictional else "",
            logo=_front.find_logo(inst.path.parent),
        )

    def finish(self) -> None:
        """Nothing else to write: no search index, no build info."""


def _setup_problem() -> Problem:
    return Problem(
        code="pdf_setup",
        message="Das Python-Paket „typst“ fehlt, ohne es entsteht kein PDF.",
        hint="`python3 noxfile.py -s pdf` installiert es in die eigene Umgebung (Abhängigkeitsgruppe „pdf“).",
    )


def pdf_href(docname: str, pdf_dir: str, slug: str) -> str:
    """Relative link from the HTML page of ``docname`` to a PDF in the output's ``pdf_dir``."""
    return posixpath.relpath(f"{pdf_dir.strip('/')}/{slug}.pdf", posixpath.dirname(docname) or ".")
