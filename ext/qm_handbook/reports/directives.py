"""Report directives: matrix, audit view, gap list, measures plan, readiness, dashboards.

Usable on any page (options in ``handbook/mitarbeit/auswertungen.md``)::

    ```{qm-matrix}                      requirements × institutions
    ```{qm-auditansicht}                audit view of one institution (:einrichtung:, :bereich:)
    ```{qm-luecken}                     gap list (:einrichtung:, :art:)
    ```{qm-massnahmenplan}              measures (:einrichtung:, :status:, :verantwortlich:, :offen:, :ueberfaellig:)
    ```{qm-reifegrad}                   readiness per institution or per quality area
    ```{qm-dashboard}                   network dashboard (:netzwerk:) or one institution's
    ```{qm-vergleich} DQE_E1_1          side by side: how every institution implements a requirement
    ```{qm-exporte}                     links to metrics.json and the CSV/XLSX downloads

Each directive leaves a placeholder node; the data is computed ONCE per build when
sphinx-needs has resolved all needs (``write-started``) and every placeholder is
filled at ``doctree-resolved`` from that cached result. Pages with such views are
recorded with :func:`~qm_handbook.site.dependencies.note_needs_view`. After an HTML build
the exports are written next to the site.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..checks.diagnostics import suggest
from ..model.context import get_context
from ..site.dependencies import note_needs_view
from .coverage_model import GAP_KINDS, CoverageResult
from .exports import DOWNLOADS
from .placeholder import ReportOptions, qm_report
from .result import get_result, setup_result
from .views_common import Linker, para, stand
from .views_institution import audit_view, card_line, gap_list, institution_dashboard, measures_plan
from .views_network import comparison_data, matrix_view, network_dashboard, readiness_view, render_comparison

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


def _codes(value: str) -> list[str]:
    return [v for v in re.split(r"[,\s]+", value or "") if v]


class ReportDirective(SphinxDirective):
    """Base: validate options, record the page, return a placeholder."""

    view: ClassVar[str] = ""
    #: the view shows one institution (default: the page's institution)
    single: ClassVar[bool] = False
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        options = self.parse_options()
        if options is None:
            note_needs_view(self.env)
            return []
        note_needs_view(self.env, institutions=options.get("einrichtung"), call=("report", self.view, options))
        node = qm_report("", view=self.view, options=options)
        self.set_source_info(node)
        return [node]

    def warn(self, message: str, code: str = "report_option") -> None:
        logger.warning(message, type="qm", subtype=code, location=self.get_location())

    def parse_options(self) -> ReportOptions | None:
        ctx = get_context(self.env)
        options: ReportOptions = {}
        # Texts are taken as written; every other option is parsed below or by the subclass.
        if "katalog" in self.options:
            options["katalog"] = str(self.options["katalog"])
        if "verantwortlich" in self.options:
            options["verantwortlich"] = str(self.options["verantwortlich"])
        codes = _codes(self.options.get("einrichtung", ""))
        if codes == ["alle"]:
            codes = []
        unknown = [c for c in codes if c not in ctx.by_code]
        for code in unknown:
            hint = suggest(code, sorted(ctx.by_code))
            self.warn(f"„{self.name}“: Die Einrichtung „{code}“ gibt es nicht. {hint}".strip())
        codes = [c for c in codes if c in ctx.by_code]
        own = ctx.institution_of(self.env.docname)
        if self.single:
            if not codes and own is not None and "netzwerk" not in self.options:
                codes = [own.code]
            if len(codes) > 1:
                self.warn(f"„{self.name}“ zeigt genau eine Einrichtung; angegeben sind {', '.join(codes)}.")
                return None
            if not codes and "netzwerk" not in self.options:
                self.warn(
                    f"„{self.name}“ steht nicht auf einer Seite einer Einrichtung. "
                    "Geben Sie die Einrichtung mit :einrichtung: an (z. B. :einrichtung: W1).",
                    code="directive_context",
                )
                return None
        elif not codes and own is not None and "einrichtung" not in self.options:
            codes = [own.code]
        options["einrichtung"] = codes
        return options


class MatrixDirective(ReportDirective):
    view = "matrix"
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged, "katalog": directives.unchanged}

    def parse_options(self) -> ReportOptions | None:
        options = super().parse_options()
        if options is not None and "einrichtung" not in self.options:
            options["einrichtung"] = []  # the matrix shows the whole network unless restricted
        return options


class AuditDirective(ReportDirective):
    view = "audit"
    single = True
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged, "bereich": directives.unchanged}

    def parse_options(self) -> ReportOptions | None:
        options = super().parse_options()
        if options is not None:
            options["bereich"] = _codes(self.options.get("bereich", ""))
        return options


class GapsDirective(ReportDirective):
    view = "gaps"
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged, "art": directives.unchanged}

    def parse_options(self) -> ReportOptions | None:
        options = super().parse_options()
        if options is None:
            return None
        kinds = _codes(self.options.get("art", ""))
        for kind in kinds:
            if kind not in GAP_KINDS:
                hint = suggest(kind, list(GAP_KINDS))
                self.warn(f"„{self.name}“: Die Art „{kind}“ gibt es nicht; erlaubt: {', '.join(GAP_KINDS)}. {hint}")
        options["art"] = [k for k in kinds if k in GAP_KINDS]
        return options


class MeasuresDirective(ReportDirective):
    view = "measures"
    option_spec: ClassVar[dict[str, Any]] = {
        "einrichtung": directives.unchanged,
        "status": directives.unchanged,
        "verantwortlich": directives.unchanged,
        "offen": directives.flag,
        "ueberfaellig": directives.flag,
    }

    def parse_options(self) -> ReportOptions | None:
        options = super().parse_options()
        if options is None:
            return None
        allowed = get_context(self.env).model.types["massnahme"].status
        statuses = [s.strip() for s in self.options.get("status", "").split(",") if s.strip()]
        for status in statuses:
            if status not in allowed:
                self.warn(f"„{self.name}“: Der Status „{status}“ ist unbekannt; erlaubt: {', '.join(allowed)}.")
        options["status"] = [s for s in statuses if s in allowed]
        options["offen"] = "offen" in self.options
        options["ueberfaellig"] = "ueberfaellig" in self.options
        return options


class ReadinessDirective(ReportDirective):
    view = "readiness"


class DashboardDirective(ReportDirective):
    view = "dashboard"
    single = True
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged, "netzwerk": directives.flag}

    def parse_options(self) -> ReportOptions | None:
        options = super().parse_options()
        if options is not None:
            options["netzwerk"] = "netzwerk" in self.options
        return options


class ComparisonDirective(ReportDirective):
    view = "comparison"
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {}

    def parse_options(self) -> ReportOptions | None:
        ctx = get_context(self.env)
        requirement = self.arguments[0].strip()
        if requirement not in ctx.requirements:
            hint = suggest(requirement, sorted(ctx.requirements))
            self.warn(f"„{self.name}“: Die Anforderung „{requirement}“ gibt es in keinem Katalog. {hint}".strip())
            return None
        return {"anforderung": requirement}


class ExportsDirective(ReportDirective):
    view = "exports"
    option_spec: ClassVar[dict[str, Any]] = {}

    def parse_options(self) -> ReportOptions | None:
        return {}


def page_linker(app: Sphinx, fromdocname: str) -> Linker:
    """Links from ``fromdocname`` to a page and anchor; ``None`` for a page that is not in the build."""
    known = app.env.all_docs

    def link(docname: str, anchor: str) -> str | None:
        if docname not in known:
            return None
        uri = app.builder.get_relative_uri(fromdocname, docname)
        return f"{uri}#{anchor}" if anchor else uri

    return link


def _downloads(app: Sphinx, result: CoverageResult, fromdocname: str) -> list[nodes.Node]:
    base = posixpath.dirname(app.builder.get_target_uri(fromdocname))
    items = nodes.bullet_list(classes=["qm-downloads"])
    for path, label in DOWNLOADS.items():
        uri = posixpath.relpath(path, base or ".")
        items += nodes.list_item("", para(nodes.reference(label, label, refuri=uri), f" ({path})"))
    return [stand(result), items]


def _index_docs(app: Sphinx) -> dict[str, str]:
    """Institution code -> the docname of its start page."""
    ctx = get_context(app.env)
    return {code: f"{ctx.docname_prefix(inst)}index" for code, inst in ctx.by_code.items()}


@dataclass(frozen=True, slots=True)
class ViewCall:
    """What a view needs to render one placeholder."""

    app: Sphinx
    fromdocname: str
    result: CoverageResult
    options: ReportOptions
    chart_id: str

    @property
    def codes(self) -> list[str]:
        return self.options.get("einrichtung", [])

    @property
    def link(self) -> Linker:
        return page_linker(self.app, self.fromdocname)

    def known(self, code: str) -> bool:
        return code in self.result.institutions


def _dashboard(call: ViewCall) -> list[nodes.Node]:
    codes = call.codes
    if call.options.get("netzwerk") or not codes:
        return network_dashboard(call.result, call.link, _index_docs(call.app), call.chart_id)
    return institution_dashboard(call.result, codes[0], call.chart_id) if call.known(codes[0]) else []


#: view name (``qm_report["view"]``) → how it is rendered
VIEWS: dict[str, Callable[[ViewCall], list[nodes.Node]]] = {
    "matrix": lambda c: matrix_view(c.result, c.options, c.link, _index_docs(c.app)),
    "audit": lambda c: audit_view(c.result, c.codes[0], c.options, c.link) if c.known(c.codes[0]) else [],
    "gaps": lambda c: gap_list(c.result, c.codes, c.options.get("art"), c.link),
    "measures": lambda c: measures_plan(c.result, c.options, c.link),
    "readiness": lambda c: readiness_view(c.result, c.options),
    "dashboard": _dashboard,
    "comparison": lambda c: render_comparison(comparison_data(c.result, c.options["anforderung"], c.link)),
    "exports": lambda c: _downloads(c.app, c.result, c.fromdocname),
    "card": lambda c: card_line(c.result, c.codes[0]) if c.codes else [],
}


#: view name → the data its whole output is rendered from (links resolved): equal data
#: means equal output, so the view digests (:mod:`..compat.view_digests`) need not render it
VIEW_DATA: dict[str, Callable[[ViewCall], object]] = {
    "comparison": lambda c: comparison_data(c.result, c.options["anforderung"], c.link),
}


def view_data(app: Sphinx, node: qm_report, fromdocname: str, result: CoverageResult) -> object | None:
    """The data of a view listed in :data:`VIEW_DATA` (``None`` for the others)."""
    data = VIEW_DATA.get(node["view"])
    return None if data is None else data(ViewCall(app, fromdocname, result, node["options"], ""))


def render(app: Sphinx, node: qm_report, fromdocname: str, result: CoverageResult, chart_id: str) -> list[nodes.Node]:
    """The nodes of one placeholder."""
    view = VIEWS.get(node["view"])
    if view is None:
        raise ValueError(f"unknown report view {node['view']!r}")
    return view(ViewCall(app, fromdocname, result, node["options"], chart_id))


def process_reports(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace every report placeholder of the page by its view."""
    placeholders = list(doctree.findall(qm_report))
    if not placeholders:
        return
    from ..compat.view_digests import data_text, record_view, recording, take_rendered

    result = get_result(app)
    noting = recording(app)
    for index, node in enumerate(placeholders):
        made = take_rendered(app, fromdocname, "report", index, node["view"], node["options"])
        if made is None:
            made = render(app, node, fromdocname, result, f"qm-diagramm-{index}")
        if noting:
            data = view_data(app, node, fromdocname, result)
            record_view(app, fromdocname, "report", index, made if data is None else [data_text(node["view"], data)])
        node.replace_self(made)


def setup_reports(app: Sphinx) -> None:
    """Register the report directives, the result computation, the views and the exports."""
    app.add_node(qm_report)
    for name, directive in (
        ("qm-matrix", MatrixDirective),
        ("qm-auditansicht", AuditDirective),
        ("qm-luecken", GapsDirective),
        ("qm-massnahmenplan", MeasuresDirective),
        ("qm-reifegrad", ReadinessDirective),
        ("qm-dashboard", DashboardDirective),
        ("qm-vergleich", ComparisonDirective),
        ("qm-exporte", ExportsDirective),
    ):
        app.add_directive(name, directive)
    setup_result(app)
    app.connect("doctree-resolved", process_reports)
