"""Which docutils classes get which look of ``template.typ`` (names of its functions).

Only looks are chosen here; the words of admonition titles are German defaults for
admonitions written without a title.
"""

from __future__ import annotations

#: Inline classes with their own look in the template.
INLINE_STYLES = {
    "qm-pdf-id": "qm-id-tag",
    "needs-id": "qm-id",
    "qm-ueberfaellig": "qm-alert",
    "qm-gueltigkeit-abgelaufen": "qm-alert",
    "qm-gueltigkeit-laeuft_ab": "qm-caution",
    "qm-gueltigkeit-nicht_freigegeben": "qm-caution",
    "qm-leer": "qm-muted",
}

#: Paragraph and container classes with their own look in the template.
BLOCK_STYLES = {
    "qm-pdf-small": "qm-small",
    "qm-stand": "qm-small",
    "qm-legende": "qm-small",
    "qm-formel": "qm-small",
    "qm-summe": "qm-small",
    "qm-pdf-label": "qm-label",
    "qm-pdf-pointer": "qm-pointer",
    "qm-lenkung": "qm-control-line",
    "qm-pdf-notice": "qm-notice",
}

#: German titles of admonitions without an own title.
ADMONITION_TITLES = {
    "note": "Hinweis",
    "warning": "Warnung",
    "tip": "Tipp",
    "hint": "Hinweis",
    "important": "Wichtig",
    "caution": "Vorsicht",
    "danger": "Gefahr",
    "attention": "Achtung",
    "error": "Fehler",
    "seealso": "Siehe auch",
}
