"""Warning registry: every problem the handbook reports has a stable code.

Codes are listed once, in :data:`CODES`, with a German description and an example.
A message always names the file and line, says what is wrong and how to fix it.
Users can silence a code with ``suppress_warnings = ["qm.<code>"]`` in ``conf.py``.

Loaders and checks never log directly: they return :class:`Problem` objects, so the
same problems can be shown by Sphinx, by the command line check and in tests.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .input_codes import INPUT_CODES
from .network_codes import NETWORK_CODES

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    """One registered warning code."""

    name: str
    severity: Severity
    description: str
    example: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One problem found in the sources."""

    code: str
    message: str
    hint: str = ""
    file: Path | None = None
    docname: str | None = None
    line: int | None = None

    def text(self) -> str:
        """The German message with the fix hint."""
        return f"{self.message} {self.hint}".strip()

    def location(self, root: Path | None = None) -> str:
        """``file:line`` for terminal output."""
        if self.file is None:
            return self.docname or ""
        path = self.file
        if root is not None:
            with contextlib.suppress(ValueError):
                path = self.file.relative_to(root)
        return f"{path}:{self.line}" if self.line else str(path)


def _code(name: str, severity: Severity, description: str, example: str) -> Code:
    return Code(name=name, severity=severity, description=description, example=example)


# Codes of the publishing checks (publish/): name, severity, description, example.
# fmt: off
_PUBLISH_CODES: tuple[tuple[str, Severity, str, str], ...] = (
    ("public_leak", "error", "Die öffentliche Ausgabe nennt einen internen Eintrag oder eine interne Seite.",
     "oeffentlich/institutions/vhs/index.html:1: … enthält die ID des internen Eintrags W9_NW_LEITBILD …"),
    ("raw_html", "error", "HTML im Seitentext (MyST) ohne Freigabe in netzwerk.toml; wird entfernt.",
     "institutions/vhs/leitbild.md:12: HTML im Seitentext ist nicht erlaubt: „<img src=x onerror=…>“. …"),
    ("raw_directive", "error", "raw-Direktive (auch in eval-rst) ohne Freigabe; wird entfernt.",
     "institutions/vhs/leitbild.md:20: Die raw-Direktive ist nicht erlaubt (auch nicht in eval-rst). …"),
    ("unsafe_url", "error", "Link oder Bild mit javascript:-, vbscript:- oder data:-Adresse; wird entfernt.",
     "institutions/vhs/leitbild.md:8: Die Link-Adresse „javascript:alert(1)“ würde im Browser Code …"),
    ("include_outside", "error", "include/literalinclude außerhalb der erlaubten Ordner (auch ../, Symlinks).",
     "institutions/vhs/leitbild.md:5: „include“ von „../../../etc/passwd“ ist nicht erlaubt: …"),
    ("symlink_outside", "error", "Eine Seitendatei ist ein Symlink auf eine Datei außerhalb des Projekts.",
     "institutions/vhs/fremd.md:1: Die Seitendatei ist ein Verweis (Symlink) auf „/home/…/notiz.md“ …"),
    ("meta_refresh", "error", "html_meta im Seitenkopf leitet um oder lädt neu (refresh); wird entfernt.",
     "institutions/vhs/leitbild.md:3: html_meta mit „http-equiv: refresh“ leitet die Seite um …"),
    ("personal_data", "warning", "E-Mail-Adresse oder Telefonnummer auf einer öffentlichen Seite.",
     "institutions/vhs/organisation.md:14: Auf einer öffentlichen Seite steht die Kontaktangabe „m@vhs.example“ …"),
)
# fmt: on

CODES: dict[str, Code] = {
    c.name: c
    for c in (
        _code(
            "toml_syntax",
            "error",
            "Eine TOML-Datei (Katalog, Einrichtung, Netzwerk) ist syntaktisch fehlerhaft.",
            'einrichtung.toml:4: Die Datei ist kein gültiges TOML (Expected "=" after a key). '
            "Prüfen Sie Anführungszeichen und Gleichheitszeichen in dieser Zeile.",
        ),
        _code(
            "file_encoding",
            "error",
            "Eine Datei (Seite oder Daten-Datei) ist nicht in UTF-8 gespeichert; eine solche Seite wird ausgelassen.",
            "einrichtung.toml: Die Datei ist nicht UTF-8-kodiert. Speichern Sie sie als UTF-8.",
        ),
        _code(
            "missing_key",
            "error",
            "Ein Pflichtfeld fehlt in einer Daten-Datei.",
            'einrichtung.toml:1: Das Pflichtfeld „kuerzel“ fehlt. Ergänzen Sie z. B. kuerzel = "W5".',
        ),
        _code(
            "bad_value",
            "error",
            "Ein Wert in einer Daten-Datei ist nicht zulässig (Datum, Wertevorrat, Format).",
            "einrichtung.toml:7: „status“ hat den Wert „zertfiziert“; erlaubt sind: Einführung, "
            "Selbstevaluation, zertifiziert. Meinten Sie „zertifiziert“?",
        ),
        _code(
            "bad_config",
            "error",
            "Eine Einstellung handbook_* in conf.py hat einen unzulässigen Wert; es gilt ihr Vorgabewert.",
            "conf.py:12: handbook_navigation = „alles“ ist nicht zulässig; erlaubt: „aktuell“, „alle“. "
            "Meinten Sie „alle“? Bis dahin gilt der Vorgabewert „aktuell“.",
        ),
        _code(
            "env_not_saved",
            "warning",
            "Die Umgebung eines Laufs konnte nicht gespeichert werden; der nächste Lauf liest alle Seiten neu.",
            "Die Umgebung des Laufs konnte nicht gespeichert werden (Fehlermeldung oben); der nächste Lauf "
            "liest deshalb alle Seiten neu. …",
        ),
        _code(
            "unknown_key",
            "warning",
            "Eine Daten-Datei enthält einen unbekannten Schlüssel.",
            "einrichtung.toml:9: Unbekannter Schlüssel „kuerzl“. Meinten Sie „kuerzel“?",
        ),
        _code(
            "duplicate_code",
            "error",
            "Zwei Einrichtungen verwenden dasselbe Kürzel.",
            "institutions/b/einrichtung.toml:3: Das Kürzel „W1“ wird schon von "
            "institutions/a/einrichtung.toml verwendet. Vergeben Sie ein eindeutiges Kürzel.",
        ),
        _code(
            "missing_institution_file",
            "error",
            "Ein Einrichtungsordner hat keine Datei einrichtung.toml.",
            "institutions/neu/: Die Datei einrichtung.toml fehlt. Legen Sie sie nach dem Muster "
            "einer anderen Einrichtung an.",
        ),
        _code(
            "generated_folder",
            "error",
            "Eine erzeugte Seite kann nicht geschrieben werden, ohne fremde Dateien zu verändern "
            "(Datei, die nicht vom Generator stammt; symbolischer Link; ungültiger Name).",
            "handbook/katalog/_generiert/dqe-1.0/index.md:1: „dqe-1.0/index.md“ wurde nicht vom Generator "
            "angelegt und wird deshalb nicht überschrieben.",
        ),
        _code(
            "bad_name",
            "error",
            "Ein Wert, aus dem ein Ordner- oder Dateiname erzeugter Seiten wird (Katalogkürzel und -version, "
            "Kennung eines Qualitätsbereichs, Regionskürzel, Einrichtungsordner), enthält unzulässige Zeichen.",
            "handbook/katalog/dqe.toml:4: Die Katalogversion „../x“ ist als Name ungültig. Erlaubt sind "
            "Buchstaben (ohne Umlaute), Ziffern und einzelne Zeichen „.“, „-“ oder „_“ zwischen ihnen …",
        ),
        _code(
            "unknown_catalog",
            "error",
            "Eine Einrichtung verweist auf einen Katalog, den es nicht gibt.",
            "einrichtung.toml:8: Der Katalog „DQE 2.0“ ist nicht vorhanden; vorhanden: DQE 1.0.",
        ),
        _code(
            "catalog_duplicate",
            "error",
            "Eine Nummer kommt in einem Katalog doppelt vor.",
            "demo-qe-1.0.toml:120: Die Anforderung E1.1 ist doppelt (zuerst in Zeile 12). "
            "Vergeben Sie eine neue Nummer.",
        ),
        _code(
            "directive_context",
            "error",
            "Eine Direktive steht auf einer Seite, auf der sie nicht verwendet werden kann.",
            "institutions/x/index.md:3: „qm-steckbrief“ steht nicht im Ordner einer Einrichtung.",
        ),
        _code(
            "pdf_render",
            "error",
            "Typst meldet beim Setzen eines PDFs ein Problem (z. B. ein Verweis ohne Ziel); genannt wird die "
            "Handbuchseite, in deren Teil des Dokuments es liegt.",
            "institutions/vhs-leipziger-land/index.md: vhs-leipziger-land.pdf: Verweisziel „W1_NW_99“ fehlt im PDF "
            "(Zeile 812 des erzeugten Typst-Quelltexts).",
        ),
        _code(
            "pdf_content",
            "warning",
            "Ein Teil einer Seite kann im PDF nicht so erscheinen wie auf der Website (z. B. ein Bild ohne "
            "Alternativtext oder roher HTML-Code).",
            "institutions/x/organisation.md: x.pdf: Das Bild „organigramm.png“ hat keinen Alternativtext; das "
            "barrierefreie PDF braucht einen.",
        ),
        _code(
            "pdf_setup",
            "error",
            "Die PDF-Erzeugung selbst ist nicht einsatzbereit (ein Problem der Umgebung, nicht des Inhalts).",
            "Das Python-Paket „typst“ fehlt. `python3 noxfile.py -s pdf` installiert es in die eigene Umgebung.",
        ),
        _code(
            "pdf_unknown_institution",
            "error",
            "Für ein angefordertes PDF gibt es keine Einrichtung.",
            "Für „vhs-leipzig“ gibt es kein PDF: Es ist kein Ordner einer Einrichtung. "
            "Meinten Sie „vhs-leipziger-land“?",
        ),
        _code(
            "pdf_part",
            "error",
            "Die Teilangabe für die PDFs (`--teil k/n`, `handbook_pdf_teil`) ist ungültig; es wird kein PDF gesetzt.",
            "handbook_pdf_teil: „5/4“ gibt es nicht: Die Teile von 4 Teilen sind 1/4 bis 4/4.",
        ),
        _code(
            "report_option",
            "warning",
            "Eine Option einer Auswertungs-Direktive (qm-matrix, qm-luecken …) nennt eine unbekannte "
            "Einrichtung, Art, Anforderung oder einen unbekannten Status.",
            "handbook/netzwerk/dashboard.md:5: „qm-luecken“: Die Einrichtung „W9“ gibt es nicht. Meinten Sie „W1“?",
        ),
        # ---- needs (checks.py) --------------------------------------------------------
        _code(
            "missing_field",
            "error",
            "Einem Eintrag fehlt ein Pflichtfeld seines Typs (laut Metamodell).",
            "institutions/vhs/nachweise.md:12: Dem Nachweis W9_NW_LEITBILD fehlt das Pflichtfeld "
            "„Erhoben am“ (:erhoben_am:). Ergänzen Sie z. B. „:erhoben_am: 2026-03-31“.",
        ),
        _code(
            "bad_date",
            "error",
            "Ein Datumsfeld enthält kein gültiges oder kein plausibles Datum.",
            "institutions/vhs/massnahmen.md:20: „Fällig am“ von W9_MA_01 ist kein gültiges Datum: "
            "„31.03.2026“. Schreiben Sie Daten als JJJJ-MM-TT, z. B. 2026-03-31.",
        ),
        _code(
            "date_order",
            "error",
            "Ein Datum liegt vor dem Datum, auf das es folgen muss (z. B. gültig bis vor erhoben am).",
            "institutions/vhs/nachweise.md:12: Bei W9_NW_LEITBILD liegt „Gültig bis“ (2023-06-30) vor "
            "„Erhoben am“ (2024-06-30). Prüfen Sie beide Daten.",
        ),
        _code(
            "bad_choice",
            "error",
            "Ein Auswahlfeld enthält einen Wert außerhalb seines Wertevorrats.",
            "institutions/vhs/nachweise.md:12: „Art“ von W9_NW_LEITBILD hat den Wert „Dokumnet“; "
            "erlaubt sind: Dokument, Aufzeichnung. Meinten Sie „Dokument“?",
        ),
        _code(
            "bad_status",
            "error",
            "Ein Eintrag hat keinen oder einen unbekannten Status.",
            "institutions/vhs/anforderungen/e1.md:14: Der Status „umgesezt“ von W1_DQE_E1_1 ist für "
            "Umsetzung nicht vorgesehen; erlaubt sind: umgesetzt, teilweise, geplant, nicht anwendbar. "
            "Meinten Sie „umgesetzt“?",
        ),
        _code(
            "status_needs_field",
            "error",
            "Ein Status verlangt ein zusätzliches Feld (z. B. „nicht anwendbar“ nur mit Begründung).",
            "institutions/fbz/anforderungen/d3.md:30: W3_DQE_D3_4 ist „nicht anwendbar“, aber ohne "
            "„Begründung“. Ergänzen Sie „:begruendung: …“.",
        ),
        _code(
            "field_not_allowed",
            "warning",
            "Ein Eintrag setzt ein Feld, das sein Typ laut Metamodell nicht kennt.",
            "institutions/vhs/nachweise.md:12: Nachweis W9_NW_LEITBILD hat das Feld „Fällig am“ "
            "(:faellig_am:), das für Nachweis nicht vorgesehen ist. Entfernen Sie die Zeile.",
        ),
        _code(
            "link_not_allowed",
            "error",
            "Ein Eintrag verwendet eine Verknüpfungsart, die für seinen Typ nicht vorgesehen ist.",
            "institutions/vhs/prozesse.md:8: Prozess W1_PR_X verwendet „:belegt:“; diese Verknüpfung "
            "ist nur für Nachweis vorgesehen.",
        ),
        _code(
            "missing_link",
            "error",
            "Eine Pflicht-Verknüpfung fehlt (z. B. eine Umsetzung ohne :setzt_um:).",
            "institutions/vhs/anforderungen/e1.md:14: Umsetzung W1_DQE_E1_1 hat keine Verknüpfung "
            "„setzt um“. Ergänzen Sie z. B. „:setzt_um: DQE_E1_1“.",
        ),
        _code(
            "too_many_links",
            "error",
            "Eine Verknüpfung, die genau ein Ziel haben darf, nennt mehrere.",
            "institutions/vhs/anforderungen/e1.md:14: Umsetzung W1_DQE_E1_1 nennt bei „setzt um“ "
            "2 Ziele (DQE_E1_1, DQE_E1_2). Schreiben Sie je Anforderung eine eigene Umsetzung.",
        ),
        _code(
            "unknown_link",
            "error",
            "Eine Verknüpfung zeigt auf eine Kennung, die es nicht gibt.",
            "institutions/vhs/anforderungen/e1.md:14: W1_DQE_E1_1 verweist bei „setzt um“ auf "
            "„DQE_E1_9“, die es nicht gibt. Meinten Sie „DQE_E1_1“?",
        ),
        _code(
            "link_target_type",
            "error",
            "Eine Verknüpfung zeigt auf einen Eintrag des falschen Typs.",
            "institutions/vhs/nachweise.md:12: W1_NW_X „belegt“ NETZ_TR_2026_1 (Netzwerktreffen); "
            "erlaubt sind Ziele vom Typ Umsetzung, Anforderung, Prozess.",
        ),
        _code(
            "wrong_catalog",
            "error",
            "Eine Umsetzung verweist auf eine Anforderung eines Katalogs, den die Einrichtung nicht nutzt.",
            "institutions/vhs/anforderungen/e1.md:14: W1_X setzt LQW_QB1 um, die Einrichtung arbeitet "
            "aber mit dem Katalog „DQE 1.0“.",
        ),
        _code(
            "cross_institution_link",
            "error",
            "Ein Eintrag einer Einrichtung verweist auf interne Einträge einer anderen Einrichtung.",
            "institutions/vhs/nachweise.md:12: W1_NW_X verweist bei „belegt“ auf W2_DQE_E1_1 der "
            "Einrichtung W2. Verweisen Sie nur auf eigene Einträge, Anforderungen oder Netzwerkeinträge.",
        ),
        _code(
            "id_prefix",
            "error",
            "Eine Kennung beginnt nicht mit dem Kürzel ihrer Einrichtung (bzw. NETZ_ im Netzwerkteil).",
            "institutions/vhs/nachweise.md:12: Die Kennung NW_LEITBILD beginnt nicht mit dem Kürzel "
            "der Einrichtung. Schreiben Sie „W9_NW_LEITBILD“.",
        ),
        _code(
            "wrong_place",
            "error",
            "Ein Eintrag steht auf Seiten, zu denen er nicht gehört (andere Einrichtung, Netzwerk).",
            "institutions/vhs/nachweise.md:12: W2_NW_LEITBILD gehört zu Einrichtung W2, steht aber auf "
            "einer Seite von W1. Verschieben Sie den Eintrag oder ändern Sie die Kennung.",
        ),
        _code(
            "duplicate_id",
            "error",
            "Eine Kennung ist im Netzwerk doppelt vergeben; beide Stellen werden genannt.",
            "institutions/vhs/nachweise.md:40: Die Kennung W9_NW_LEITBILD ist doppelt vergeben, zuerst "
            "in institutions/vhs/nachweise.md:12. Der zweite Eintrag fehlt deshalb im Handbuch.",
        ),
        _code(
            "duplicate_statement",
            "error",
            "Eine Einrichtung hat zu einer Anforderung mehr als eine Umsetzung.",
            "institutions/vhs/anforderungen/e1.md:40: W1_E1_1_NEU ist schon die zweite Umsetzung von "
            "DQE_E1_1 (erste: W1_DQE_E1_1 in institutions/vhs/anforderungen/e1.md:14).",
        ),
        _code(
            "zu_pruefen",
            "warning",
            "Eine Umsetzung ist zu prüfen: der Text ihrer Anforderung hat sich seit der letzten "
            "Bestätigung geändert (oder sie wurde nie bestätigt).",
            "institutions/vhs/anforderungen/e1.md:14: W1_DQE_E1_1 ist zu prüfen: DQE_E1_1 wurde "
            "geändert. Prüfen Sie die Aussage und bestätigen Sie mit "
            "„python3 noxfile.py -s bestaetigen -- W1_DQE_E1_1“.",
        ),
        # ---- pages (pages.py, sources.py) ---------------------------------------------
        _code(
            "frontmatter_key",
            "warning",
            "Der Seitenkopf (Front Matter) enthält einen unbekannten Schlüssel.",
            "institutions/vhs/leitbild.md:4: Unbekannter Schlüssel „verantwortich“ im Seitenkopf. "
            "Meinten Sie „verantwortlich“?",
        ),
        _code(
            "frontmatter_missing",
            "error",
            "Einer Handbuchseite einer Einrichtung fehlt eine Pflichtangabe im Seitenkopf.",
            "institutions/vhs/leitbild.md:1: Im Seitenkopf fehlt „naechste_pruefung“. Ergänzen Sie "
            "z. B. „naechste_pruefung: 2027-09-15“.",
        ),
        _code(
            "frontmatter_value",
            "error",
            "Eine Angabe im Seitenkopf hat einen unzulässigen Wert (Status, Sichtbarkeit, Datum).",
            "institutions/vhs/leitbild.md:3: „status“ hat den Wert „frei“; erlaubt sind: Entwurf, "
            "freigegeben, archiviert. Meinten Sie „freigegeben“?",
        ),
        # ---- publishing (publish/) ---------------------------------------------------
        *(_code(*spec) for spec in _PUBLISH_CODES),
        *(_code(name, "error" if sev == "error" else "warning", desc, ex) for name, sev, desc, ex in NETWORK_CODES),
        _code(
            "empty_page",
            "error",
            "Eine Seite ist leer.",
            "institutions/vhs/neu.md:1: Die Seite ist leer. Schreiben Sie mindestens eine Überschrift "
            "oder löschen Sie die Datei.",
        ),
        *(_code(name, "error" if sev == "error" else "warning", desc, ex) for name, sev, desc, ex in INPUT_CODES),
    )
}


def suggest(value: str, choices: list[str] | tuple[str, ...]) -> str:
    """A German "did you mean" hint for ``value`` among ``choices`` (or "")."""
    import difflib

    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"Meinten Sie „{match[0]}“?" if match else ""


_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def toml_error_line(message: str) -> int | None:
    """The line number tomllib names in its error message, if any."""
    found = _TOML_LINE.search(message)
    return int(found.group(1)) if found else None


def line_of(text: str, needle: str, start: int = 1) -> int | None:
    """Number of the first line (from ``start``) that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if number >= start and needle in line:
            return number
    return None
