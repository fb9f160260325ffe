"""Page templates of a new institution's handbook (used by ``neu einrichtung``).

The page set is the one of a complete institution in the demo network: start page,
Leitbild, Organisation, Prozesslandkarte, one page per quality area of the catalog
with one statement stub per requirement, Nachweisliste, Maßnahmenplan, Audits and the
report page. Every page starts as a draft (``status: Entwurf``) with German guidance
text that the quality officer replaces. The statement stubs have the status
"geplant" and carry the fingerprint of the current requirement text, so a new
handbook builds without warnings and needs no confirmation step.

Pure functions, no file access, no Sphinx imports.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model.catalog import Area, Catalog, Requirement

FENCE = "```"
#: Role written as owner of the new pages and stubs (a role, never a person).
DEFAULT_OWNER = "QMB"
#: The pages after the area pages, in the order of the start page's table of contents.
LIST_PAGES = ("nachweise", "massnahmen", "audits", "stand")
#: How long a new draft page stays valid before its first review is due.
FIRST_REVIEW = dt.timedelta(days=365)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewInstitution:
    """What the user gave for a new institution."""

    folder: str
    name: str
    code: str
    region: str
    catalog: Catalog
    created: dt.date
    kind: str = ""


def front_matter(created: dt.date, visibility: str = "intern") -> str:
    """The page header of a new draft page."""
    review = created + FIRST_REVIEW
    return (
        f'---\nfassung: "0.1"\nstatus: Entwurf\nverantwortlich: {DEFAULT_OWNER}\n'
        f"naechste_pruefung: {review.isoformat()}\nsichtbarkeit: {visibility}\n---\n\n"
    )


def _toc(entries: list[str]) -> str:
    return f"{FENCE}{{toctree}}\n:maxdepth: 1\n\n" + "".join(f"{e}\n" for e in entries) + f"{FENCE}\n"


def area_page_name(area: Area) -> str:
    """File name (without ``.md``) of an area page, e.g. ``e1``."""
    return area.code.lower()


def statement_id(code: str, req: Requirement) -> str:
    """ID of the institution's statement on ``req``, e.g. ``W1_DQE_E1_1``."""
    return f"{code}_{req.need_id}"


def statement_stub(code: str, req: Requirement) -> str:
    """One ``umsetzung`` with status geplant, confirmed against the current requirement text."""
    return (
        f"{FENCE}{{umsetzung}} {req.title}\n"
        f":id: {statement_id(code, req)}\n"
        f":setzt_um: {req.need_id}\n"
        f":geprueft_gegen: {req.fingerprint}\n"
        ":status: geplant\n"
        f":verantwortlich: {DEFAULT_OWNER}\n\n"
        f"Beschreiben Sie hier in drei bis fünf Sätzen, wie die Einrichtung die Anforderung {req.number} "
        "umsetzt: was sie tut, wer verantwortlich ist und wie oft es geschieht. Verweisen Sie mit "
        "„:beschrieben_in:“ auf den Prozess und setzen Sie den Status auf „umgesetzt“, „teilweise“ oder "
        "„nicht anwendbar“ (dann mit „:begruendung:“), sobald die Aussage stimmt.\n"
        f"{FENCE}\n\n"
    )


def _index(new: NewInstitution) -> str:
    head = front_matter(new.created, "öffentlich")
    return (
        f"{head}# {new.name}\n\n{FENCE}{{qm-steckbrief}}\n{FENCE}\n\n"
        ":::{admonition} Handbuch im Aufbau\n:class: note\n\n"
        f"Dieses Handbuch wurde am {new.created.strftime('%d.%m.%Y')} angelegt. Jede Seite ist ein Entwurf mit "
        "Hinweistexten: Ersetzen Sie sie durch die Beschreibung Ihrer Einrichtung und geben Sie die Seiten "
        "frei, wenn sie stimmen (im Seitenkopf „status: freigegeben“, „freigegeben_von“ und "
        "„freigegeben_am“).\n:::\n\n"
        "Stellen Sie hier die Einrichtung in einem Absatz vor: Träger und Rechtsform, Standorte, "
        "Fachbereiche oder Programmbereiche, wichtigste Zielgruppen und seit wann die Einrichtung im "
        f"Netzwerk mitarbeitet. Nennen Sie auch den Katalog „{new.catalog.label}“, nach dem sie ihr "
        "Qualitätsmanagement ausrichtet, und den nächsten wichtigen Termin (zum Beispiel die "
        "Selbstevaluation oder das erste Audit).\n\n"
        + _toc(["leitbild", "organisation", "prozesse", "anforderungen/index", *LIST_PAGES])
    )


def _leitbild(new: NewInstitution) -> str:
    return (
        f"{front_matter(new.created, 'öffentlich')}# Leitbild und Qualitätsverständnis\n\n"
        "## Unser Leitbild\n\n"
        "Schreiben Sie hier das Leitbild der Einrichtung auf: wofür sie steht, für wen sie da ist und welche "
        "Werte ihre Arbeit leiten. Nennen Sie, wer an der Erarbeitung beteiligt war und wann die Leitung es "
        "freigegeben hat.\n\n"
        "## Qualitätsverständnis\n\n"
        "Beschreiben Sie, was die Einrichtung unter guter Weiterbildung und gelungenem Lernen versteht und "
        "welche Grundsätze daraus für das Qualitätsmanagement folgen.\n\n"
        "## Qualitätsziele\n\n"
        "| Ziel | Kennzahl | Verantwortlich |\n|---|---|---|\n"
        "| Ersetzen Sie diese Zeile durch ein Jahresziel | woran die Erreichung erkennbar ist | Rolle |\n\n"
        "## Pflege des Leitbilds\n\n"
        "Halten Sie fest, wer das Leitbild wie oft überprüft und wo es veröffentlicht ist.\n"
    )


def _organisation(new: NewInstitution) -> str:
    return (
        f"{front_matter(new.created, 'öffentlich')}# Organisation\n\n"
        "## Organigramm\n\n"
        "Stellen Sie die Leitung, Stabsstellen (zum Beispiel QMB und Datenschutz), Verwaltung, "
        "Fachbereiche und Standorte als Liste oder Schaubild dar.\n\n"
        "## Zuständigkeiten und Vertretungen\n\n"
        "| Aufgabe | Zuständig | Vertretung |\n|---|---|---|\n"
        "| Ersetzen Sie diese Zeile, zum Beispiel durch die Programmplanung | Rolle | Rolle |\n\n"
        "## Gremien\n\n"
        "Nennen Sie die regelmäßigen Besprechungen (Dienstberatung, Steuergruppe QM, Konferenzen), wer "
        "teilnimmt und wie oft sie stattfinden.\n\n"
        "## QM-Rollen\n\n"
        "Beschreiben Sie die Aufgaben von Leitung, QMB, Steuergruppe und allen Mitarbeitenden im "
        "Qualitätsmanagement. Nennen Sie Rollen, keine Personennamen.\n"
    )


def _prozesse(new: NewInstitution) -> str:
    example = (
        f"% {FENCE}{{prozess}} Bedarfsanalyse und Programmplanung\n"
        f"% :id: {new.code}_PR_PROGRAMMPLANUNG\n% :prozessart: Kernprozess\n% :status: Entwurf\n"
        f"% :verantwortlich: Fachbereichsleitung\n%\n% Ziel, Ablauf und Ergebnis in drei bis fünf Sätzen.\n"
        f"% {FENCE}\n"
    )
    return (
        f"{front_matter(new.created, 'öffentlich')}# Prozesslandkarte\n\n"
        "Ordnen Sie hier die Abläufe der Einrichtung in Führungs-, Kern- und Unterstützungsprozesse. "
        "Beschreiben Sie jeden Prozess als eigenen Eintrag vom Typ „prozess“; seine Kennung beginnt mit "
        f"dem Kürzel {new.code}, zum Beispiel {new.code}_PR_PROGRAMMPLANUNG. Die Umsetzungsaussagen "
        "verweisen dann mit „:beschrieben_in:“ auf ihn. Ein Muster steht als Kommentar in der Quelldatei "
        "dieser Seite.\n\n"
        f"{example}\n"
        "## Führungsprozesse\n\nZum Beispiel Strategie und Jahresziele, internes Audit, Managementbewertung.\n\n"
        "## Kernprozesse\n\nZum Beispiel Programmplanung, Beratung und Anmeldung, Kursdurchführung, Evaluation.\n\n"
        "## Unterstützungsprozesse\n\nZum Beispiel Personal, Finanzen und Räume, Dokumentenlenkung.\n"
    )


def _requirements_index(new: NewInstitution) -> str:
    count = len(new.catalog.requirements())
    return (
        f"{front_matter(new.created, 'öffentlich')}# Umsetzung der Anforderungen\n\n"
        f"Auf den folgenden Seiten steht zu jeder der {count} Anforderungen des Katalogs "
        f"„{new.catalog.label}“ eine Umsetzungsaussage. Alle beginnen mit dem Status „geplant“ und einem "
        "Hinweistext; ersetzen Sie den Text durch Ihre Beschreibung und passen Sie den Status an.\n\n"
        + _toc([area_page_name(a) for a in new.catalog.areas])
        + "\n## Zu prüfende Aussagen\n\n"
        "Aussagen, deren Anforderung sich seit der letzten Bestätigung geändert hat, stehen hier, bis die "
        f"QMB sie geprüft und bestätigt hat.\n\n{FENCE}{{qm-zu-pruefen}}\n{FENCE}\n"
    )


def _area(new: NewInstitution, area: Area) -> str:
    text = f"{front_matter(new.created, 'öffentlich')}# {area.code} {area.title}\n\n"
    text += (
        "Beschreiben Sie in einem Satz, worum es in diesem Qualitätsbereich in Ihrer Einrichtung geht. "
        "Darunter steht zu jeder Anforderung eine Umsetzungsaussage, die Sie ausfüllen.\n\n"
    )
    return text + "".join(statement_stub(new.code, req) for req in area.requirements)


def _list_page(new: NewInstitution, title: str, intro: str, kind: str) -> str:
    return (
        f"{front_matter(new.created)}# {title}\n\n{intro}\n\n"
        f"Einen neuen Eintrag mit der nächsten freien Kennung hängt dieser Befehl an diese Seite an:\n\n"
        f'```text\npython3 noxfile.py -s neu -- {kind} {new.code} "Titel"\n```\n'
    )


def _stand(new: NewInstitution) -> str:
    return (
        f"{front_matter(new.created)}# Stand und Lücken\n\n"
        "Auf dieser Seite wertet das Handbuch bei jedem Bau aus, wie weit die Einrichtung die Anforderungen "
        "des Katalogs umgesetzt und belegt hat. Sie müssen hier nichts eintragen.\n\n"
        f"## Dashboard\n\n{FENCE}{{qm-dashboard}}\n{FENCE}\n\n"
        f"## Lücken\n\n{FENCE}{{qm-luecken}}\n{FENCE}\n\n"
        f"## Offene Maßnahmen\n\n{FENCE}{{qm-massnahmenplan}}\n:offen:\n{FENCE}\n\n"
        f"## Auditansicht\n\n{FENCE}{{qm-auditansicht}}\n{FENCE}\n\n"
        "## Dokumentenübersicht\n\nAlle Seiten dieses Handbuchs mit Fassung, Status, Freigabe und nächster "
        f"Prüfung; überfällige Prüfungen sind markiert.\n\n{FENCE}{{qm-dokumente}}\n{FENCE}\n"
    )


def institution_pages(new: NewInstitution) -> dict[str, str]:
    """Every page of the new handbook: path relative to the institution folder -> text."""
    pages = {
        "index.md": _index(new),
        "leitbild.md": _leitbild(new),
        "organisation.md": _organisation(new),
        "prozesse.md": _prozesse(new),
        "anforderungen/index.md": _requirements_index(new),
    }
    for area in new.catalog.areas:
        pages[f"anforderungen/{area_page_name(area)}.md"] = _area(new, area)
    pages["nachweise.md"] = _list_page(
        new,
        "Nachweisliste",
        "Die Nachweisliste führt die Dokumente und Aufzeichnungen, mit denen die Einrichtung die Umsetzung "
        "der Anforderungen belegt. Jeder Nachweis nennt Art, Ablage, Verantwortliche, Datum und, wo nötig, "
        "wie lange er gültig ist, und verweist mit „:belegt:“ auf die Umsetzungsaussagen.",
        "nachweis",
    )
    pages["massnahmen.md"] = _list_page(
        new,
        "Maßnahmenplan",
        "Der Maßnahmenplan sammelt alle Verbesserungsmaßnahmen aus Audits, Managementbewertung, "
        "Beschwerden, Befragungen und Netzwerkarbeit, jeweils mit Verantwortlichen und Fälligkeit.",
        "massnahme",
    )
    pages["audits.md"] = _list_page(
        new,
        "Interne Audits und Managementbewertung",
        "Beschreiben Sie hier das Auditprogramm der Einrichtung (Selbstevaluation, internes Audit oder "
        "Cross-Audit mit einer Partnereinrichtung, Managementbewertung) und halten Sie die Befunde jedes "
        "Audits als Einträge vom Typ „befund“ fest.",
        "befund",
    )
    pages["stand.md"] = _stand(new)
    return pages


def institution_toml(new: NewInstitution) -> str:
    """The ``einrichtung.toml`` of the new institution (status Einführung)."""
    region = f'region = "{new.region}"\n' if new.region else ""
    kind = f'art = "{new.kind}"\n' if new.kind else ""
    return (
        f"# Stammdaten der Einrichtung {new.code}, angelegt am {new.created.isoformat()}.\n"
        "# Ergänzen Sie Adresse, Kontakt und (nach dem ersten Audit) die Zertifizierung.\n"
        f'name = {_toml_string(new.name)}\nkurzname = {_toml_string(new.name)}\nkuerzel = "{new.code}"\n'
        f'{region}{kind}fiktiv = false\nstatus = "Einführung"\nkatalog = "{new.catalog.key}"\n\n'
        '# [adresse]\n# strasse = "…"\n# plz = "…"\n# ort = "…"\n\n'
        '[handbuch]\nversion = "0.1"\n'
    )


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
