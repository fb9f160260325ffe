"""The placeholder node of a report view, filled late from the build's result.

Report directives (:mod:`.directives`) and the institution cards
(:mod:`qm_handbook.site.overview`) leave a :class:`qm_report` node; it is replaced at
``doctree-resolved`` (or by the PDF builder) once the result is known.
"""

from __future__ import annotations

from typing import TypedDict

from docutils import nodes


class ReportOptions(TypedDict, total=False):
    """The parsed options of a report view, as stored on the placeholder (``options``).

    The directives (:mod:`.directives`) write them after checking the user's input;
    the views read them. Lists are already split and checked against the model.
    """

    #: institution codes the view shows (empty: the whole network)
    einrichtung: list[str]
    #: ``qm-matrix``: the catalog's key (``<kürzel> <version>``)
    katalog: str
    #: ``qm-auditansicht``: area codes to show (empty: all)
    bereich: list[str]
    #: ``qm-luecken``: gap kinds to show (empty: all)
    art: list[str]
    #: ``qm-massnahmenplan``: statuses, responsible person, only open / only overdue
    status: list[str]
    verantwortlich: str
    offen: bool
    ueberfaellig: bool
    #: ``qm-dashboard``: the network's dashboard even on an institution's page
    netzwerk: bool
    #: ``qm-vergleich``: the requirement to compare
    anforderung: str


class qm_report(nodes.General, nodes.Element):  # type: ignore[misc]  # noqa: N801 (docutils naming)
    """Placeholder of a report view; ``view`` and ``options`` (:class:`ReportOptions`) are attributes."""


def card_placeholder(code: str) -> qm_report:
    """A placeholder for the readiness line of an institution card (see ``overview``)."""
    options: ReportOptions = {"einrichtung": [code]}
    return qm_report("", view="card", options=options)
