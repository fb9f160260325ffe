"""The placeholder node of a report view, filled late from the build's result.

Report directives (:mod:`.directives`) and the institution cards
(:mod:`qm_handbook.site.overview`) leave a :class:`qm_report` node; it is replaced at
``doctree-resolved`` (or by the PDF builder) once the result is known.
"""

from __future__ import annotations

from docutils import nodes


class qm_report(nodes.General, nodes.Element):  # type: ignore[misc]  # noqa: N801 (docutils naming)
    """Placeholder of a report view; ``view`` and ``options`` are attributes."""


def card_placeholder(code: str) -> qm_report:
    """A placeholder for the readiness line of an institution card (see ``overview``)."""
    return qm_report("", view="card", options={"einrichtung": [code]})
