"""German explanations for the warnings of Sphinx, MyST and sphinx-needs.

Sphinx, MyST and sphinx-needs report broken input in English. Where they already
name the file and line, the handbook keeps their warning (and its code, e.g.
``[myst.topmatter]``, so ``suppress_warnings`` keeps working) and replaces the text
with a German explanation and a hint how to fix it; the original English text follows
in brackets, so it can still be looked up. Two warnings are replaced by the handbook's
own checks, which know more: a duplicate ID (``qm.duplicate_id`` names both places)
and an unknown link target (``qm.unknown_link`` with a "did you mean" hint).

The logging filters that apply these texts (and capture the duplicate-ID message) sit
in Sphinx's warning handler; they are in :mod:`qm_handbook.compat.logfilters`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .diagnostics import suggest

if TYPE_CHECKING:
    pass

Explain = Callable[["re.Match[str]"], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Translation:
    """A known foreign warning: its code, a pattern of its text, and the German text."""

    code: str
    pattern: re.Pattern[str]
    explain: Explain
    description: str


_known_options: tuple[str, ...] = ()
_known_directives: tuple[str, ...] = ()


def set_known_names(options: tuple[str, ...], directives: tuple[str, ...]) -> None:
    """Names used for "did you mean" hints (need options, directive names)."""
    global _known_options, _known_directives
    _known_options, _known_directives = options, directives


def _topmatter(m: re.Match[str]) -> tuple[str, str]:
    return (
        "Der Seitenkopf (zwischen den Zeilen „---“) ist kein gültiges YAML.",
        "Prüfen Sie Doppelpunkte, Anführungszeichen und Klammern; setzen Sie Werte mit Doppelpunkt oder "
        "Anführungszeichen in Anführungszeichen.",
    )


def _topmatter_deprecated(m: re.Match[str]) -> tuple[str, str]:
    return (
        f"Der Schlüssel „{m['key']}“ gehört nicht mehr direkt in den Seitenkopf (veraltet); der Seitenkopf selbst "
        "ist in Ordnung.",
        f"Rücken Sie „{m['key']}:“ unter einen Schlüssel „myst:“ ein.",
    )


def _no_title(m: re.Match[str]) -> tuple[str, str]:
    return (
        "Der Eintrag hat keinen Titel.",
        "Schreiben Sie den Titel in die erste Zeile des Blocks hinter den Namen, z. B. ```{nachweis} Leitbild als PDF.",
    )


def _transition(m: re.Match[str]) -> tuple[str, str]:
    return (
        f"Die Seite oder ein Abschnitt {'beginnt' if m['verb'] == 'begin' else 'endet'} mit einer Trennlinie („---“).",
        "Soll hier ein Seitenkopf stehen, fehlt seine schließende Zeile „---“ (siehe die Meldung "
        "qm.frontmatter_unclosed); sonst löschen Sie die Linie oder setzen Text davor.",
    )


def _image(m: re.Match[str]) -> tuple[str, str]:
    return (
        f"Die Bilddatei „{m['file']}“ gibt es nicht oder sie ist nicht lesbar; das Bild fehlt auf der Seite.",
        "Prüfen Sie Dateiname und Ordner; der Pfad gilt relativ zur Seite.",
    )


def _include(m: re.Match[str]) -> tuple[str, str]:
    name = m["file"].replace("\\", "/").rsplit("/", 1)[-1]
    return (
        f"Die eingebundene Datei „{name}“ gibt es nicht; ihr Inhalt fehlt auf der Seite.",
        "Prüfen Sie den Dateinamen im include-Block; der Pfad gilt relativ zur Seite.",
    )


def _directive_option(m: re.Match[str]) -> tuple[str, str]:
    allowed = m["allowed"].replace("'", "")
    hint = suggest(m["option"], [a.strip() for a in allowed.split(",")])
    return (
        f"Die Direktive „{m['directive']}“ kennt die Option „:{m['option']}:“ nicht; sie wird ignoriert.",
        f"{hint} Erlaubt sind: {allowed}.".strip(),
    )


def _directive_unknown(m: re.Match[str]) -> tuple[str, str]:
    hint = suggest(m["name"], _known_directives)
    return (
        f"Die Direktive „{m['name']}“ gibt es nicht; der Block wird nicht ausgewertet.",
        hint or "Prüfen Sie die Schreibweise nach ```{ (z. B. ```{umsetzung}).",
    )


def _directive_parse(m: re.Match[str]) -> tuple[str, str]:
    if "none permitted" in m.string:
        name = re.match(r"'([^']+)'", m.string)
        shown = f"„{name[1]}“ " if name else ""
        return (
            f"Die Direktive {shown}erwartet weder Text hinter ihrem Namen noch Inhalt; der Block wird nicht "
            "ausgewertet.",
            "Entfernen Sie Text hinter ```{…} und zwischen den Zeilen des Blocks; prüfen Sie auch die Namen der "
            "Optionen (:name: wert), denn unbekannte Optionen zählen hier als Inhalt.",
        )
    return (
        "Eine Direktive ist fehlerhaft aufgebaut und wird nicht ausgewertet.",
        "Prüfen Sie die Optionszeilen (:name: wert) direkt unter der ersten Zeile des Blocks.",
    )


def _role_unknown(m: re.Match[str]) -> tuple[str, str]:
    return (
        "Eine unbekannte Rolle ({…}`…`) wird verwendet.",
        "Prüfen Sie die Schreibweise in den geschweiften Klammern.",
    )


def _header(m: re.Match[str]) -> tuple[str, str]:
    return (
        f"Die Überschriftenebene springt von {m['a']} auf {m['b']}.",
        "Verwenden Sie Überschriften ohne Sprung: nach # folgt ##, nach ## folgt ###.",
    )


def _xref(m: re.Match[str]) -> tuple[str, str]:
    return (f"Das Verweisziel „{m['target']}“ wurde nicht gefunden.", "Prüfen Sie den Link oder den Seitennamen.")


def _need_option(m: re.Match[str]) -> tuple[str, str]:
    hint = suggest(m["option"], _known_options)
    return (
        f"Die Option „:{m['option']}:“ ist für Einträge nicht vorgesehen; sie wird ignoriert.",
        hint or "Die erlaubten Felder und Verknüpfungen stehen im Metamodell.",
    )


def _invalid_id(m: re.Match[str]) -> tuple[str, str]:
    from ..model.metamodel import MAX_ID_LENGTH

    if len(m["id"]) > MAX_ID_LENGTH:
        return (
            f"Die Kennung „{m['id'][:24]}…“ ist länger als {MAX_ID_LENGTH} Zeichen; der Eintrag fehlt deshalb im "
            "Handbuch.",
            "Kürzen Sie die Kennung.",
        )
    return (
        f"Die Kennung „{m['id']}“ ist ungültig; der Eintrag fehlt deshalb im Handbuch.",
        "Kennungen bestehen aus Großbuchstaben, Ziffern und Unterstrichen, z. B. W9_NW_LEITBILD.",
    )


def _missing_id(m: re.Match[str]) -> tuple[str, str]:
    return (
        "Der Eintrag hat keine Kennung (:id:) und fehlt deshalb im Handbuch.",
        "Ergänzen Sie z. B. „:id: W9_NW_LEITBILD“ (Kürzel der Einrichtung vorn).",
    )


def _create_need(m: re.Match[str]) -> tuple[str, str]:
    return (
        f"Der Eintrag konnte nicht angelegt werden und fehlt im Handbuch ({m['reason']}).",
        "Prüfen Sie Kennung und Optionen des Eintrags.",
    )


def _toc_missing(m: re.Match[str]) -> tuple[str, str]:
    return (
        f"Das Inhaltsverzeichnis verweist auf die Seite „{m['doc']}“, die es nicht gibt oder die ausgelassen wurde.",
        "Prüfen Sie den Seitennamen (ohne .md) und frühere Meldungen zu dieser Datei.",
    )


def _toc_title(m: re.Match[str]) -> tuple[str, str]:
    return (
        f"Die Seite „{m['doc']}“ hat keine Überschrift und erscheint nicht im Inhaltsverzeichnis.",
        "Beginnen Sie die Seite mit einer Überschrift (# Titel).",
    )


def _not_included(m: re.Match[str]) -> tuple[str, str]:
    return (
        "Die Seite steht in keinem Inhaltsverzeichnis und ist im Handbuch nicht erreichbar.",
        "Tragen Sie sie in den toctree-Block der übergeordneten Seite ein.",
    )


def _t(code: str, pattern: str, explain: Explain, description: str) -> Translation:
    return Translation(code=code, pattern=re.compile(pattern, re.S), explain=explain, description=description)


TRANSLATIONS: tuple[Translation, ...] = (
    _t(
        "myst.topmatter",
        r"top-level '(?P<key>[^']+)' key is deprecated",
        _topmatter_deprecated,
        "Ein veralteter Schlüssel steht direkt im Seitenkopf.",
    ),
    _t("myst.topmatter", r"", _topmatter, "Der Seitenkopf einer Seite ist kein gültiges YAML."),
    _t("needs.directive", r"No title given", _no_title, "Ein Eintrag hat keinen Titel."),
    _t(
        "docutils",
        r"(?:Document|section) may not (?P<verb>begin|end) with a transition",
        _transition,
        "Eine Seite beginnt oder endet mit einer Trennlinie (oft ein nicht geschlossener Seitenkopf).",
    ),
    _t(
        "docutils",
        r"\binclude\b.*?(?:file not found|No such file or directory): '(?P<file>[^']+)'",
        _include,
        "Eine mit include eingebundene Datei gibt es nicht.",
    ),
    _t(
        "image.not_readable",
        r"image file not readable: (?P<file>\S+)",
        _image,
        "Eine Bilddatei gibt es nicht.",
    ),
    _t(
        "myst.directive_option",
        r"'(?P<directive>[^']+)': Unknown option key: '(?P<option>[^']+)' \(allowed: \[(?P<allowed>.*)\]\)",
        _directive_option,
        "Eine Direktive hat eine unbekannte Option.",
    ),
    _t(
        "myst.directive_unknown",
        r"Unknown directive type: '(?P<name>[^']+)'",
        _directive_unknown,
        "Eine Direktive (```{name}) gibt es nicht.",
    ),
    _t("myst.directive_parse", r"", _directive_parse, "Eine Direktive ist fehlerhaft aufgebaut."),
    _t("myst.role_unknown", r"", _role_unknown, "Eine Rolle ({name}`…`) gibt es nicht."),
    _t(
        "myst.header",
        r"H(?P<a>\d) to H(?P<b>\d)",
        lambda m: _header(m),
        "Die Überschriftenebenen springen (z. B. von # auf ###).",
    ),
    _t("myst.xref_missing", r"not found: '?(?P<target>[^'\s]+)", _xref, "Ein Verweisziel gibt es nicht."),
    _t(
        "needs.directive",
        r"Unknown option '(?P<option>[^']+)'",
        _need_option,
        "Ein Eintrag hat eine unbekannte Option.",
    ),
    _t("needs.create_need", r"Given ID '(?P<id>[^']+)' does not match", _invalid_id, "Eine Kennung ist ungültig."),
    _t("needs.create_need", r"No ID defined", _missing_id, "Einem Eintrag fehlt die Kennung."),
    _t(
        "needs.create_need",
        r"Need could not be created: (?P<reason>.*)",
        _create_need,
        "Ein Eintrag konnte nicht angelegt werden.",
    ),
    _t(
        "toc.not_readable",
        r"nonexisting document '(?P<doc>[^']+)'",
        _toc_missing,
        "Ein Inhaltsverzeichnis nennt eine Seite, die es nicht gibt.",
    ),
    _t(
        "toc.no_title",
        r"document '(?P<doc>[^']+)' that doesn't have a title",
        _toc_title,
        "Eine Seite hat keine Überschrift.",
    ),
    _t("toc.not_included", r"", _not_included, "Eine Seite steht in keinem Inhaltsverzeichnis."),
    _t(
        "needs.duplicate_id",
        r"ID (?P<id>\S+) already exists",
        lambda m: (
            f"Die Kennung {m['id']} ist doppelt vergeben.",
            "Vergeben Sie eine neue, im ganzen Netzwerk eindeutige Kennung.",
        ),
        "Eine Kennung ist doppelt vergeben (beim parallelen Lesen erkannt).",
    ),
)
