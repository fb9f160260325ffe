"""Institution profile box and the network's institution cards.

``{qm-steckbrief}`` on an institution's index page shows its profile from
``einrichtung.toml`` (code, region, status, address, certification, handbook version,
a notice for fictional institutions). ``{qm-einrichtungen}`` shows one card per
institution, grouped by regional network (name, region, status, certificate
validity), each linking to the institution's handbook.

Both read only the registry loaded at build start and declare the data files as
dependencies, so editing ``einrichtung.toml`` re-renders them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..model.context import get_context
from ..model.labels import css_token, format_date
from ..pdf.register import download_link
from ..reports.placeholder import card_placeholder, qm_report
from .dependencies import note_needs_view

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

    from ..model.institutions import Institution

logger = logging.getLogger(__name__)


def _doc_link(docname: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget=f"/{docname}", refexplicit=True, refwarn=True
    )
    ref.append(nodes.inline(text, text))
    return ref


def _field_table(rows: list[tuple[str, str]], classes: list[str]) -> nodes.table:
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=2)
    table += group
    group += nodes.colspec(colwidth=30)
    group += nodes.colspec(colwidth=70)
    body = nodes.tbody()
    group += body
    for label, value in rows:
        row = nodes.row()
        row += nodes.entry("", nodes.paragraph(text=label), classes=["qm-label"])
        row += nodes.entry("", nodes.paragraph(text=value))
        body += row
    return table


def status_badge(inst: Institution) -> nodes.inline:
    """The institution's status as a labelled badge (text, not colour alone)."""
    return nodes.inline(inst.status, inst.status or "–", classes=["qm-badge", f"qm-status-{css_token(inst.status)}"])


class SteckbriefDirective(SphinxDirective):
    """Profile box of the institution whose folder holds the page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        ctx = get_context(self.env)
        inst = ctx.institution_of(self.env.docname)
        if inst is None:
            logger.warning(
                "„qm-steckbrief“ steht nicht im Ordner einer Einrichtung mit einrichtung.toml. "
                "Verwenden Sie die Direktive nur auf der Startseite einer Einrichtung.",
                type="qm",
                subtype="directive_context",
                location=self.get_location(),
            )
            return []
        self.env.note_dependency(str(inst.path))
        region = (
            next((r.name for r in ctx.network.regions if r.code == inst.region), inst.region)
            if ctx.network
            else inst.region
        )
        rows = [
            ("Kürzel", inst.code),
            ("Art der Einrichtung", inst.kind),
            ("Regionalnetzwerk", region),
            ("QM-Status", inst.status),
            ("Anforderungskatalog", ctx.catalogs[inst.catalog].label if inst.catalog in ctx.catalogs else inst.catalog),
        ]
        address = ", ".join(x for x in (inst.street, f"{inst.postcode} {inst.city}".strip()) if x)
        if address:
            rows.append(("Anschrift", address))
        contact = " · ".join(x for x in (inst.phone, inst.email, inst.web) if x)
        if contact:
            rows.append(("Kontakt", contact))
        if inst.target_groups:
            rows.append(("Zielgruppen", ", ".join(inst.target_groups)))
        if inst.certification_body:
            rows.append(("Zertifizierungsstelle", inst.certification_body))
        if inst.certificate_valid_until:
            rows.append(("Zertifikat gültig bis", format_date(inst.certificate_valid_until)))
        if inst.next_audit:
            rows.append(("Nächstes externes Audit", format_date(inst.next_audit)))
        if inst.certificate_extras:
            rows.append(("Weitere Zulassungen", ", ".join(inst.certificate_extras)))
        if inst.next_internal_audit:
            rows.append(("Nächstes internes Audit", format_date(inst.next_internal_audit)))
        if inst.cross_audit_partner:
            partner = ctx.by_code.get(inst.cross_audit_partner)
            rows.append(("Partner im Cross-Audit", partner.short_name if partner else inst.cross_audit_partner))
        if inst.handbook_version:
            approval = f"Version {inst.handbook_version}"
            if inst.approved_on:
                approval += f", freigegeben am {format_date(inst.approved_on)}"
            if inst.approved_by:
                approval += f" durch {inst.approved_by}"
            rows.append(("Qualitätshandbuch", approval))
        box = nodes.container(classes=["qm-steckbrief"])
        if inst.fictional:
            box += nodes.paragraph(
                text="Fiktive Einrichtung: Alle Angaben auf diesen Seiten sind für die Demo erfunden.",
                classes=["qm-fiktiv"],
            )
        box += _field_table(rows, ["qm-steckbrief-tabelle"])
        if (download := download_link(self.env, inst)) is not None:
            box += download
        return [box]


class EinrichtungenDirective(SphinxDirective):
    """One card per institution, grouped by regional network (``:region:`` limits to one)."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {"region": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        ctx = get_context(self.env)
        for path in ctx.data_files():
            self.env.note_dependency(str(path))
        result: list[nodes.Node] = []
        regions = list(ctx.network.regions) if ctx.network else []
        known = {r.code for r in regions}
        groups = [(r.name + (" (fiktiv)" if r.fictional else ""), r.code) for r in regions]
        if any(i.region not in known for i in ctx.institutions):
            groups.append(("Ohne Regionalnetzwerk", ""))
        only = self.options.get("region")
        if only is not None and only not in known and only != "weitere":
            logger.warning(
                f"„qm-einrichtungen“: Die Region „{only}“ gibt es im Netzwerk nicht; es wird keine Einrichtung "
                f"gezeigt. Vorhanden: {', '.join(sorted(known)) or 'keine'} (und „weitere“).",
                type="qm",
                subtype="unknown_reference",
                location=self.get_location(),
            )
        for title, code in groups:
            if only is not None and code != only and not (only == "weitere" and not code):
                continue
            members = [i for i in ctx.institutions if (i.region == code if code else i.region not in known)]
            if not members:
                continue
            if only is None:
                result.append(nodes.rubric(text=title, classes=["qm-region"]))
            cards = nodes.container(classes=["qm-cards"])
            for inst in members:
                cards += self._card(inst)
            result.append(cards)
        if not ctx.institutions:
            result.append(nodes.paragraph(text="Es sind noch keine Einrichtungen angelegt."))
        # The cards show readiness and gaps from all needs: one recorded view per card.
        for placeholder in (n for item in result for n in item.findall(qm_report)):
            note_needs_view(self.env, call=("report", placeholder["view"], placeholder["options"]))
        return result

    def _card(self, inst: Institution) -> nodes.container:
        ctx = get_context(self.env)
        card = nodes.container(classes=["qm-card"])
        title = nodes.paragraph(classes=["qm-card-title"])
        title += _doc_link(f"{ctx.docname_prefix(inst)}index", inst.name)
        card += title
        meta = nodes.paragraph(classes=["qm-card-meta"])
        meta += nodes.inline(text=f"{inst.code} · {inst.kind} · {inst.city} ")
        meta += status_badge(inst)
        card += meta
        if inst.certificate_valid_until:
            validity = f"Zertifikat gültig bis {format_date(inst.certificate_valid_until)}"
        else:
            validity = "Noch kein Zertifikat"
        card += nodes.paragraph(text=validity, classes=["qm-card-validity"])
        card += card_placeholder(inst.code)
        if inst.fictional:
            card += nodes.paragraph(text="fiktive Einrichtung", classes=["qm-card-fiktiv"])
        return card


def setup_overview(app: Sphinx) -> None:
    """Register the profile and card directives."""
    app.add_directive("qm-steckbrief", SteckbriefDirective)
    app.add_directive("qm-einrichtungen", EinrichtungenDirective)
