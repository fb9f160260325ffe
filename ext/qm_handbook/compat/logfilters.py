"""Filters in Sphinx's warning handler: German texts, duplicate-ID capture, counts.

Sphinx has no public hook to rewrite a warning; its log records pass the filters of
its ``WarningStreamHandler`` (``sphinx.util.logging``). :func:`install_filters` puts
:class:`GermanWarnings` in front of them (it applies
:data:`qm_handbook.checks.translate.TRANSLATIONS` and hands sphinx-needs' English
duplicate-ID message, matched by its text, to the handbook's own check) and a
:class:`WarningCounter` behind them (warnings actually shown, per code). If
sphinx-needs rewords the message, the duplicate falls through as a translated warning
(``needs.duplicate_id``), so nothing is lost.

:func:`registered_directives` reads docutils' directive tables (private names) for the
"did you mean" hints.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..checks.translate import TRANSLATIONS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_DUPLICATE = re.compile(r"A need with ID '(?P<id>[^']+)' already exists")


class GermanWarnings(logging.Filter):
    """Translate known warnings; hand duplicate IDs to the handbook's own check."""

    def __init__(self, on_duplicate: Callable[[str, str | None], None]) -> None:
        super().__init__()
        self.on_duplicate = on_duplicate

    def filter(self, record: logging.LogRecord) -> bool:
        kind, sub = getattr(record, "type", "") or "", getattr(record, "subtype", "") or ""
        code = f"{kind}.{sub}" if sub else kind
        if not code.startswith(("myst.", "needs.", "toc.", "image.", "docutils")):
            return True
        text = record.getMessage()
        if code == "needs.create_need" and (dup := _DUPLICATE.search(text)):
            self.on_duplicate(dup["id"], getattr(record, "location", None))
            return False
        for translation in TRANSLATIONS:
            if translation.code != code:
                continue
            match = translation.pattern.search(text)
            if match is None:
                continue
            german, hint = translation.explain(match)
            original = re.sub(r"\s*\[[a-z_]+(?:\.[a-z_]+)?\]$", "", text)
            # args are already merged into ``text``; without args logging does not format again
            record.msg = f"{german} {hint} (Original: {original})"
            record.args = ()
            break
        return True


class WarningCounter(logging.Filter):
    """Count the warnings that pass all other filters, per code."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        kind = getattr(record, "type", "") or ""
        sub = getattr(record, "subtype", "") or ""
        self.counts[f"{kind}.{sub}" if kind and sub else (kind or "sphinx")] += 1
        return True


def install_filters(app: Sphinx, on_duplicate: Callable[[str, str | None], None]) -> WarningCounter:
    """Put the translator in front of and the counter behind Sphinx's warning filters."""
    from sphinx.util.logging import NAMESPACE, WarningStreamHandler

    counter = WarningCounter()
    for handler in logging.getLogger(NAMESPACE).handlers:
        if isinstance(handler, WarningStreamHandler):
            handler.filters = [f for f in handler.filters if not isinstance(f, (GermanWarnings, WarningCounter))]
            handler.filters.insert(0, GermanWarnings(on_duplicate))
            handler.filters.append(counter)
    return counter


def registered_directives() -> set[str]:
    """Names of all directives docutils knows (built-in and registered by extensions)."""
    from docutils.parsers.rst import directives

    return {*directives._directive_registry, *directives._directives}
