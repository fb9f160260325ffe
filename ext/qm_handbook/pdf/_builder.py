"""The ``qmpdf`` builder: one PDF per institution and one for the network, in one run.

``sphinx-build -b qmpdf`` reuses the environment of the HTML build (same doctree
folder), so pages are not read again. For each institution it assembles one
document (cover, document control, contents, the institution's handbook pages in
toctree order, the catalog it answers, the audit appendix), renders it to HTML with
Sphinx's HTML writer and then to PDF with WeasyPrint. ``handbook_pdf_select``
limits the run to some institutions (slugs, comma-separated; ``netzwerk`` for the
network PDF).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import posixpath
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util import logging
from sphinx.util.display import status_iterator

from ..checks.diagnostics import Problem, suggest
from ..checks.reporting import log_problems
from ..model.config import get_config
from ..model.context import HandbookContext, get_context
from ..model.labels import format_date
from ..reports.result import get_result
from ..reports.views_common import Linker
from ..site.doccontrol import page_control
from . import _front
from ._appendix import audit_appendix, replace_report_views, statements_by_requirement
from ._assemble import all_ids, doc_anchor, fix_references, inline_pages
from ._catalog import catalog_chapter
from ._render import RenderResult, RenderTask, render_task

if TYPE_CHECKING:
    from collections.abc import Callable, Set

    from ..model.institutions import Institution

logger = logging.getLogger(__name__)

NETWORK_SLUG = "netzwerk"
#: Body font of the PDFs (print.css); DejaVu is embedded, with full German coverage.
#: Class of nodes that only make sense on the website (e.g. the PDF download link).
WEB_ONLY_CLASS = "qm-nur-web"


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfJob:
    """One PDF to write."""

    slug: str
    start: str
    institution: Institution | None


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def plan_jobs(ctx: HandbookContext, root_doc: str, select: str) -> tuple[list[PdfJob], list[Problem]]:
    """The PDFs to write: the selected institutions (default: all) and the network."""
    wanted = [s.strip() for s in select.split(",") if s.strip()]
    jobs = [
        PdfJob(slug=i.slug, start=f"{ctx.docname_prefix(i)}index", institution=i)
        for i in ctx.institutions
        if not wanted or i.slug in wanted
    ]
    if not wanted or NETWORK_SLUG in wanted:
        jobs.append(PdfJob(slug=NETWORK_SLUG, start=root_doc, institution=None))
    problems = []
    known = [*ctx.by_slug, NETWORK_SLUG]
    for slug in wanted:
        if slug not in known:
            problems.append(
                Problem(
                    code="pdf_unknown_institution",
                    message=f"Für „{slug}“ gibt es kein PDF: Es ist kein Ordner einer Einrichtung.",
                    hint=suggest(slug, known) or f"Vorhanden: {', '.join(known)}.",
                )
            )
    return jobs, problems


def pdf_workers(setting: str, jobs: int) -> int:
    """How many processes render PDFs: ``handbook_pdf_jobs`` (a number or ``auto``), at most one per PDF."""
    value = setting.strip().lower()
    wanted = (os.cpu_count() or 1) if value == "auto" else int(value) if value.isdigit() else 1
    return max(1, min(wanted, jobs))


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for rendering (None: render in this process)."""
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


class QmPdfBuilder(SingleFileHTMLBuilder):
    """Writes the certification PDFs (see module docstring)."""

    name = "qmpdf"
    format = "html"
    epilog = "Die PDF-Dateien liegen in %(outdir)s."
    copysource = False
    search = False

    def get_outdated_docs(self) -> str:  # type: ignore[override]
        return "alle PDF-Dokumente"

    def write_documents(self, _docnames: Set[str]) -> None:
        self.prepare_writing(set(self.env.all_docs))
        ctx = get_context(self.env)
        settings = get_config(self.config)
        jobs, problems = plan_jobs(ctx, self.config.root_doc, settings.pdf_select)
        log_problems(problems, ctx.srcdir)
        from sphinx_needs.data import SphinxNeedsData

        keep = frozenset(SphinxNeedsData(self.env).get_needs_view())
        workers = pdf_workers(settings.pdf_jobs, len(jobs))
        with _pool(workers) as pool:
            pending: list[tuple[PdfJob, Future[RenderResult] | RenderResult]] = []
            for job in status_iterator(
                jobs, "PDF vorbereiten … ", "darkgreen", len(jobs), self.config.verbosity, lambda j: j.slug
            ):
                task = self._document(ctx, job, keep)
                # Sphinx assembles the documents one after another; WeasyPrint, the slow part,
                # may run in worker processes meanwhile.
                pending.append((job, pool.submit(render_task, task) if pool else render_task(task)))
            for job, outcome in pending:
                result = outcome.result() if isinstance(outcome, Future) else outcome
                # Reported at the PDF's first page (a file path without line would be taken as a page name).
                log_problems(
                    [Problem(code="pdf_render", message=f"{job.slug}.pdf: WeasyPrint: {m}", docname=job.start)
                     for m in result.messages],
                    ctx.srcdir,
                )  # fmt: skip
                logger.info("PDF %s.pdf: %d Seiten", job.slug, result.pages)

    def _linker(self, start: str) -> Linker:
        """Links of the report views: resolved to anchors in the PDF by ``fix_references``."""

        def link(docname: str, anchor: str) -> str | None:
            if docname not in self.env.all_docs:
                return None
            uri = self.get_relative_uri(start, docname)
            return f"{uri}#{anchor}" if anchor else uri

        return link

    def _document(self, ctx: HandbookContext, job: PdfJob, keep: frozenset[str]) -> RenderTask:
        """Assemble one PDF's HTML document."""
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
        for node in list(doctree.findall(nodes.Element)):
            if WEB_ONLY_CLASS in node["classes"]:
                node.parent.remove(node)
        if inst is not None and inst.catalog in ctx.catalogs:
            coverage = get_result(self._app)
            member = coverage.institutions[inst.code]
            doctree += catalog_chapter(ctx.catalogs[inst.catalog], statements_by_requirement(member))
            doctree += audit_appendix(coverage, inst, self._linker(job.start))
        doctree["docname"] = job.start
        for table in doctree.findall(nodes.table):
            # Tables built by code carry their column widths; let the HTML writer emit them.
            if any(c.startswith("qm-") for c in table["classes"]) and "colwidths-auto" not in table["classes"]:
                table["classes"].append("colwidths-given")
        fix_references(doctree, pages, keep)
        self.imgpath = Path(self.srcdir).as_uri()
        self.post_process_images(doctree)
        self.images = {uri: uri for uri in self.images}
        body = self._body(doctree, job.start)
        toc = _front.toc_entries(doctree.children, max_level=3)
        front = self._front_matter(ctx, job, pages) + _front.toc_html(toc)
        unresolved = {e.anchor for e in toc} - all_ids(doctree)
        if unresolved:  # pragma: no cover - guards the assembly logic
            raise RuntimeError(f"table of contents points to missing anchors: {sorted(unresolved)}")
        return RenderTask(
            html=self._page(ctx, job, front + body),
            target=Path(self.outdir) / f"{job.slug}.pdf",
            base_url=Path(self.srcdir),
            extra_css=self._running_css(ctx, job),
        )

    def _body(self, doctree: nodes.document, docname: str) -> str:
        doctree.settings = self.docsettings
        self.secnumbers = {}
        self.fignumbers = {}
        self.dlpath = "_downloads"
        self.current_docname = docname
        visitor: Any = self.create_translator(doctree, self)
        doctree.walkabout(visitor)
        return "".join(visitor.fragment)

    # -- document parts ------------------------------------------------------------------

    def _title(self, ctx: HandbookContext, job: PdfJob) -> str:
        if job.institution is not None:
            return f"Qualitätshandbuch {job.institution.name}"
        return f"Netzwerkhandbuch {ctx.network.name}" if ctx.network else str(self.config.project)

    def _version(self, job: PdfJob) -> str:
        if job.institution is not None:
            return job.institution.handbook_version
        return str(self.config.version or "")

    def _front_matter(self, ctx: HandbookContext, job: PdfJob, pages: list[str]) -> str:
        rows = [
            _front.ControlRow(
                anchor=doc_anchor(d),
                title=self.env.titles[d].astext() if d in self.env.titles else d,
                control=page_control(self.env.metadata.get(d, {})),
            )
            for d in pages
        ]
        return _front.cover_html(self._cover(ctx, job)) + _front.control_html(rows, ctx.as_of)

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

    def _running_css(self, ctx: HandbookContext, job: PdfJob) -> str:
        who = job.institution.name if job.institution else (ctx.network.name if ctx.network else "")
        what = "Qualitätshandbuch" if job.institution else "Netzwerkhandbuch"
        version = self._version(job)
        right = f"{what} · Version {version}" if version else what
        return (
            f"@page {{ @top-left {{ content: {css_string(who)}; }} "
            f"@top-right {{ content: {css_string(right)}; }} "
            f"@bottom-left {{ content: {css_string('Stand: ' + format_date(ctx.as_of))}; }} }}"
        )

    def _page(self, ctx: HandbookContext, job: PdfJob, body: str) -> str:
        title = self._title(ctx, job)
        author = job.institution.name if job.institution else (ctx.network.name if ctx.network else "")
        date = ctx.as_of.isoformat()
        return (
            '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title>"
            f'<meta name="author" content="{escape(author)}">'
            f'<meta name="generator" content="qm_handbook">'
            f'<meta name="dcterms.created" content="{date}">'
            f'<meta name="dcterms.modified" content="{date}">'
            f"</head><body>{body}</body></html>"
        )

    def copy_assets(self) -> None:
        """No static files: the PDF carries its own style."""

    def finish(self) -> None:
        """Nothing else to write: no search index, no build info."""


def pdf_href(docname: str, pdf_dir: str, slug: str) -> str:
    """Relative link from the HTML page of ``docname`` to a PDF in the output's ``pdf_dir``."""
    return posixpath.relpath(f"{pdf_dir.strip('/')}/{slug}.pdf", posixpath.dirname(docname) or ".")
