"""Replacing another extension's event handler in place.

Two features wrap a handler registered by a third-party extension (furo's page-context
handler, sphinx-needs' purge handler). Sphinx has no public API for that, so the one
place that reads its listener list is here: if Sphinx changes it, only this module
needs to follow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def replace_listener(
    app: Sphinx, event: str, handler: Callable[..., Any], wrap: Callable[[Callable[..., Any]], Callable[..., Any]]
) -> bool:
    """Replace the listener of ``event`` whose handler is ``handler`` by ``wrap(handler)``.

    The replacement keeps the original priority. Returns False (and changes nothing)
    when no such listener is connected.
    """
    priority = take_listener(app, event, handler)
    if priority is None:
        return False
    app.connect(event, wrap(handler), priority=priority)
    return True


def take_listener(app: Sphinx, event: str, handler: Callable[..., Any]) -> int | None:
    """Disconnect the listener of ``event`` whose handler is ``handler``; return its priority.

    ``None`` (and nothing changed) when no such listener is connected.
    """
    for listener in app.events.listeners.get(event, []):
        if listener.handler is handler:
            app.disconnect(listener.id)
            return int(listener.priority)
    return None
