"""Warning codes for broken input of the second robustness round (plain data).

Kept apart from :mod:`qm_handbook.checks.diagnostics` so that module stays short; it
registers these entries in :data:`~qm_handbook.checks.diagnostics.CODES` like its own.
Each entry: code, severity, German description, German example.
"""

from __future__ import annotations

INPUT_CODES: tuple[tuple[str, str, str, str], ...] = (
    (
        "wrong_type",
        "error",
        "Ein Wert in einer Daten-Datei hat die falsche Art (Text, Liste, Ja/Nein, Datum, Tabelle).",
        "einrichtung.toml:9: „zielgruppen“ muss eine Liste sein, ist aber ein Text. "
        'Schreiben Sie zielgruppen = ["…", "…"].',
    ),
    (
        "unknown_reference",
        "error",
        "Ein Verweis zwischen Daten-Dateien zeigt ins Leere (z. B. ein Partner-Kürzel, das keine Einrichtung hat).",
        "einrichtung.toml:21: Das Kürzel „W9“ bei „partner_cross_audit“ gehört zu keiner Einrichtung. "
        "Meinten Sie „W2“?",
    ),
    (
        "page_link",
        "error",
        "Eine Seite kann nicht gelesen werden: ein symbolischer Link ins Leere, keine gewöhnliche Datei oder "
        "keine Leserechte; sie wird ausgelassen (Links aus dem Projekt hinaus: qm.symlink_outside).",
        "institutions/w1/alt.md:1: Die Seite ist ein symbolischer Link auf eine Datei, die es nicht gibt; sie "
        "wird ausgelassen.",
    ),
    (
        "frontmatter_duplicate",
        "error",
        "Ein Schlüssel steht zweimal im Seitenkopf (sonst gälte stillschweigend der letzte Wert).",
        "institutions/w1/index.md:5: „status“ steht zweimal im Seitenkopf (zuerst in Zeile 3).",
    ),
    (
        "frontmatter_unclosed",
        "error",
        "Der Seitenkopf einer Seite wird nicht mit einer Zeile „---“ geschlossen.",
        "institutions/w1/index.md:1: Der Seitenkopf, der hier beginnt, wird nicht mit „---“ geschlossen.",
    ),
    (
        "fence_unclosed",
        "error",
        "Ein Block (```{…} oder :::{…}) wird nicht geschlossen; der folgende Block würde sonst still zu seinem Inhalt.",
        "institutions/w1/leitbild.md:12: Der Block „umsetzung“, der hier beginnt, ist nicht geschlossen, bevor "
        "in Zeile 20 der Block „nachweis“ beginnt.",
    ),
    (
        "id_too_long",
        "error",
        "Eine Kennung ist länger als erlaubt (höchstens 64 Zeichen).",
        "institutions/w1/leitbild.md:14: Die Kennung „W1_…“ hat 80 Zeichen; erlaubt sind höchstens 64.",
    ),
)
