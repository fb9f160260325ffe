"""The one needs adapter: sphinx-needs' resolved needs as read-only mappings.

The checks (:mod:`qm_handbook.checks`) and the coverage computation
(:mod:`qm_handbook.reports.coverage`) read needs through :func:`resolved_needs` only:
a mapping of need ID to a read-only mapping of field name to value (the keys of
``needs.json``). It is taken once per build, in the write phase, after sphinx-needs
has resolved and sealed all needs (``write-started``), and kept in the build state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from ..state import get_state

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: One need: field name → value (read-only).
NeedData = Mapping[str, Any]


def resolved_needs(app: Sphinx) -> Mapping[str, NeedData]:
    """All needs of the running build, by ID (write phase only; computed once)."""
    write = get_state(app).write
    if write.needs is None:
        from sphinx_needs.api import get_needs_view

        # NeedItem behaves like a read-only mapping, which is all the readers need.
        write.needs = cast("Mapping[str, NeedData]", get_needs_view(app))
    return write.needs
