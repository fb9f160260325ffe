"""Directives of the learning network and their late rendering.

========================  ===========================================================
directive                 shows
========================  ===========================================================
``qm-treffen-aufgaben``   the action items of the meeting on the page (or ``:treffen:``)
``qm-treffenliste``       all meetings with host, status and open/overdue items
``qm-rotation``           the next hosts of every rotation group
``qm-vereinbarung``       the agreement version in force and the history
``qm-rueckmeldungen``     peer reviews given and received (``:einrichtung:``)
``qm-gute-praxis``        good-practice examples of one area (``:bereich:``)
``qm-kalender``           links to the calendar files (``:einrichtung:`` or the network)
``qm-lernzyklus``         measures by phase of the development cycle over time
========================  ===========================================================

Each directive leaves a :class:`qm_learning` placeholder; at ``doctree-resolved`` it
is replaced from the :class:`.LearningResult` computed once per build
(:func:`get_learning`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..checks.diagnostics import suggest
from ..compat.builder_output import SITE_BUILDERS
from ..model.context import get_context, handbook_context
from ..model.needs import resolved_needs
from ..publish.profile import need_shown
from ..reports.directives import page_linker
from ..reports.views_common import bullets, para
from ..site.dependencies import note_needs_view
from ..state import get_state
from . import views
from .calendar import CALENDAR_DIR, calendar_name, setup_calendar
from .cycle import cycle_view
from .network_result import LearningResult, compute_learning

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


class qm_learning(nodes.General, nodes.Element):  # type: ignore[misc]  # noqa: N801 (docutils naming)
    """Placeholder of a learning-network view; ``view`` and ``options`` are attributes."""


def get_learning(app: Sphinx) -> LearningResult:
    """The learning-network data of the running build (computed once, write phase only)."""
    write = get_state(app).write
    if write.learning is None:
        ctx = handbook_context(app)
        # The public profile leaves internal items (e.g. peer-review findings) out.
        needs = resolved_needs(app)
        shown = {nid: need for nid, need in needs.items() if need_shown(app, nid)}
        write.learning = compute_learning(
            shown,
            model=ctx.model,
            rotation=ctx.rotation,
            institutions=ctx.institutions,
            institution_of=ctx.institution_of,
            requirements=ctx.requirements,
            as_of=ctx.as_of,
        )
    return write.learning


class LearningDirective(SphinxDirective):
    """Base: check options, record the page as showing network data, leave a placeholder."""

    view: ClassVar[str] = ""
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        options = self.parse_options()
        if options is None:
            note_needs_view(self.env)
            return []
        note_needs_view(self.env, call=("learning", self.view, options))
        node = qm_learning("", view=self.view, options=options)
        self.set_source_info(node)
        return [node]

    def parse_options(self) -> dict[str, str] | None:
        return {}

    def institution(self) -> str | None:
        """The ``:einrichtung:`` option or the page's institution ("" for the network)."""
        ctx = get_context(self.env)
        code = str(self.options.get("einrichtung", "")).strip()
        if code and code not in ctx.by_code:
            hint = suggest(code, sorted(ctx.by_code))
            logger.warning(
                f"„{self.name}“: Die Einrichtung „{code}“ gibt es nicht. {hint}".strip(),
                type="qm",
                subtype="report_option",
                location=self.get_location(),
            )
            return None
        own = ctx.institution_of(self.env.docname)
        return code or (own.code if own else "")


class MeetingItemsDirective(LearningDirective):
    view = "items"
    option_spec: ClassVar[dict[str, Any]] = {"treffen": directives.unchanged}

    def parse_options(self) -> dict[str, str] | None:
        return {"treffen": str(self.options.get("treffen", "")).strip()}


class MeetingListDirective(LearningDirective):
    view = "meetings"


class RotationDirective(LearningDirective):
    view = "rotation"


class AgreementDirective(LearningDirective):
    view = "agreement"


class ReviewsDirective(LearningDirective):
    view = "reviews"
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged}

    def parse_options(self) -> dict[str, str] | None:
        code = self.institution()
        if not code:
            if code == "":
                logger.warning(
                    f"„{self.name}“ braucht eine Einrichtung: Geben Sie :einrichtung: an (z. B. :einrichtung: W1).",
                    type="qm",
                    subtype="directive_context",
                    location=self.get_location(),
                )
            return None
        return {"einrichtung": code}


class GoodPracticeDirective(LearningDirective):
    view = "examples"
    option_spec: ClassVar[dict[str, Any]] = {"bereich": directives.unchanged, "katalog": directives.unchanged}

    def parse_options(self) -> dict[str, str] | None:
        ctx = get_context(self.env)
        key = str(self.options.get("katalog", "")).strip() or (next(iter(ctx.catalogs)) if ctx.catalogs else "")
        area = str(self.options.get("bereich", "")).strip()
        catalog = ctx.catalogs.get(key)
        areas = [a.code for a in catalog.areas] if catalog else []
        if area not in areas:
            logger.warning(
                f"„{self.name}“: Den Qualitätsbereich „{area}“ gibt es im Katalog „{key}“ nicht. "
                f"{suggest(area, areas) or 'Vorhanden: ' + ', '.join(areas)}",
                type="qm",
                subtype="report_option",
                location=self.get_location(),
            )
            return None
        return {"katalog": key, "bereich": area}


class CycleDirective(LearningDirective):
    view = "cycle"
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged}

    def parse_options(self) -> dict[str, str] | None:
        code = self.institution()
        return None if code is None else {"einrichtung": code}


class CalendarDirective(LearningDirective):
    view = "calendar"
    option_spec: ClassVar[dict[str, Any]] = {"einrichtung": directives.unchanged}

    def parse_options(self) -> dict[str, str] | None:
        code = self.institution()
        return None if code is None else {"einrichtung": code}


def _calendar_links(app: Sphinx, fromdocname: str, code: str) -> list[nodes.Node]:
    if app.builder.name not in SITE_BUILDERS:
        # Calendar files exist only next to the website, not in a PDF.
        where = f"kalender/{calendar_name(code)}"
        return [
            para(f"Die Termine gibt es als Kalenderdatei auf der Website ({where}).", classes=["qm-lernnetz-hinweis"])
        ]
    base = posixpath.dirname(app.builder.get_target_uri(fromdocname)) or "."
    files = [(calendar_name(code), f"Kalender der Einrichtung {code}")] if code else []
    files.append((calendar_name(""), "Kalender des Netzwerks"))
    items = []
    for name, label in files:
        uri = posixpath.relpath(f"{CALENDAR_DIR}/{name}", base)
        items.append([nodes.reference(label, label, refuri=uri), nodes.Text(f" ({name}, iCalendar)")])
    return [
        para(
            "Zum Abonnieren in Outlook, Thunderbird oder einer Kalender-App: Treffen, Audits, Ablauf des Zertifikats, "
            "Fälligkeiten von Maßnahmen und Aufgaben.",
            classes=["qm-lernnetz-hinweis"],
        ),
        bullets(items),
    ]


Render = Callable[[Any, str, LearningResult, dict[str, str]], list[nodes.Node]]


def _items(app: Sphinx, page: str, result: LearningResult, opts: dict[str, str]) -> list[nodes.Node]:
    meeting = opts.get("treffen") or next((m.id for m in result.meetings if m.docname == page), "")
    return views.meeting_items(result, meeting, page_linker(app, page))


def _cycle(app: Sphinx, page: str, result: LearningResult, opts: dict[str, str]) -> list[nodes.Node]:
    from ..reports.result import get_result

    coverage = get_result(app)
    code = opts["einrichtung"]
    if code:
        member = coverage.institutions.get(code)
        measures = list(member.measures) if member else []
        who = code
    else:
        # A shared action item counts once for the network, not once per assignee.
        unique = {m.id: m for inst in coverage.institutions.values() for m in inst.measures}
        measures, who = list(unique.values()), "Netzwerk"
    phases = handbook_context(app).model.reports.cycle_phases
    return cycle_view(measures, phases, result.as_of, opts.get("chart_id", "qm-lernzyklus"), who)


VIEWS: dict[str, Render] = {
    "cycle": _cycle,
    "items": _items,
    "meetings": lambda app, page, r, o: views.meeting_list(r, page_linker(app, page)),
    "rotation": lambda app, page, r, o: views.rotation_view(r, page_linker(app, page)),
    "agreement": lambda app, page, r, o: views.agreement_view(r, page_linker(app, page)),
    "reviews": lambda app, page, r, o: views.reviews_view(r, o["einrichtung"], page_linker(app, page)),
    "examples": lambda app, page, r, o: views.examples_view(r, (o["katalog"], o["bereich"]), page_linker(app, page)),
    "calendar": lambda app, page, r, o: _calendar_links(app, page, o["einrichtung"]),
}


def process_learning(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Replace every learning-network placeholder of the page by its view."""
    placeholders = list(doctree.findall(qm_learning))
    if not placeholders:
        return
    from ..compat.view_digests import record_view, take_rendered

    result = get_learning(app)
    for index, node in enumerate(placeholders):
        made = take_rendered(app, fromdocname, "learning", index, node["view"], node["options"])
        if made is None:
            options = {**node["options"], "chart_id": f"qm-lernzyklus-{index}"}
            made = VIEWS[node["view"]](app, fromdocname, result, options)
        record_view(app, fromdocname, "learning", index, made)
        node.replace_self(made)


def setup_learning(app: Sphinx) -> None:
    """Register the learning-network directives, their rendering and the calendar files."""
    app.add_node(qm_learning)
    for name, directive in (
        ("qm-treffen-aufgaben", MeetingItemsDirective),
        ("qm-treffenliste", MeetingListDirective),
        ("qm-rotation", RotationDirective),
        ("qm-vereinbarung", AgreementDirective),
        ("qm-rueckmeldungen", ReviewsDirective),
        ("qm-gute-praxis", GoodPracticeDirective),
        ("qm-kalender", CalendarDirective),
        ("qm-lernzyklus", CycleDirective),
    ):
        app.add_directive(name, directive)
    app.connect("doctree-resolved", process_learning)
    setup_calendar(app)
