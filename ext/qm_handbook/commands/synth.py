"""Deterministic synthetic networks for benchmarks and scale tests.

``python -m qm_handbook.commands.synth ZIEL --einrichtungen 130`` writes a complete handbook
project into ``ZIEL``: ``conf.py``, ``handbook/`` (start page, catalog overview, the
real catalog file of this repository, ``netzwerk.toml`` with regional networks of
eight institutions) and ``institutions/<slug>/`` with ``einrichtung.toml`` and 20 pages
per institution holding about 100 needs of the real metamodel types: one ``umsetzung``
per catalog requirement (linked to the requirement and a process), ``nachweis``
(belegt), ``massnahme`` (verbessert, behebt), ``befund`` (betrifft) and ``prozess``.
Texts are plausible German filler. The same seed gives the same files on every
machine and day (no dependence on today's date).

``--plain`` writes the same pages with every need directive replaced by paragraphs
and the handbook directives replaced by plain lists, built with MyST, furo and the
handbook's navigation only: the baseline the benchmark compares against.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..model.catalog import Catalog, load_catalogs
from ..model.metamodel import load_metamodel
from ..site.catalog_pages import render_area, render_overview

REPO = Path(__file__).resolve().parents[3]
CATALOG_FILE = REPO / "handbook" / "katalog" / "demo-qe-1.0.toml"
REGION_SIZE = 8
AS_OF = "2026-11-27"
F = "````"

_KINDS = ["Volkshochschule", "Bildungswerk", "Familienbildungsstätte", "Heimvolkshochschule", "Bildungszentrum"]
_PLACES = [
    "Auenwald", "Birkenfeld", "Elsterblick", "Fichtenhain", "Grünau", "Heidemark", "Lindenbach",
    "Muldental", "Neißetal", "Oberland", "Pleißengrund", "Rabenau", "Saaleck", "Talsperre", "Weidenhof",
]  # fmt: skip
_SUBJECTS = [
    "Die Steuergruppe", "Die Leitung", "Das Team der Programmplanung", "Die QMB", "Die Verwaltung",
    "Jede Fachbereichsleitung", "Das Kollegium der Kursleitenden",
]  # fmt: skip
_VERBS = ["prüft", "dokumentiert", "bespricht", "plant", "bewertet", "überarbeitet", "vereinbart"]
_OBJECTS = [
    "die Rückmeldungen der Teilnehmenden", "die Jahresziele", "den Fortbildungsplan", "die Kursausschreibungen",
    "die Ergebnisse der Befragung", "die Beschwerdeliste", "die Prozessbeschreibungen", "den Maßnahmenplan",
]  # fmt: skip
_WHEN = ["jedes Semester", "einmal im Jahr", "vierteljährlich", "vor jedem internen Audit", "in der Teamklausur"]
_ROLES = ["Leitung", "QMB", "Verwaltung", "Fachbereichsleitung", "Steuergruppe QM"]
_PROCESSES = [
    ("STRATEGIE", "Strategie, Leitbild und Jahresziele", "Führungsprozess"),
    ("BEWERTUNG", "Managementbewertung und Maßnahmenplan", "Führungsprozess"),
    ("AUDIT", "Internes Audit und Selbstevaluation", "Führungsprozess"),
    ("PLANUNG", "Bedarfsanalyse und Programmplanung", "Kernprozess"),
    ("BERATUNG", "Information, Beratung und Anmeldung", "Kernprozess"),
    ("KURS", "Kursdurchführung", "Kernprozess"),
    ("EVALUATION", "Evaluation, Rückmeldung und Beschwerden", "Kernprozess"),
    ("PERSONAL", "Personal und Kursleitende", "Unterstützungsprozess"),
    ("RESSOURCEN", "Finanzen, Räume, Technik und Datenschutz", "Unterstützungsprozess"),
    ("DOKUMENTE", "Dokumentenlenkung", "Unterstützungsprozess"),
]  # fmt: skip
_AREA_PROCESS = {"E1": 0, "E2": 8, "E3": 7, "E4": 1, "D1": 3, "D2": 4, "D3": 5, "D4": 6}
_FRONT = (
    '---\nfassung: "1.0"\nstatus: freigegeben\nverantwortlich: QMB\nfreigegeben_von: Leitung\n'
    "freigegeben_am: 2026-01-15\nnaechste_pruefung: 2027-01-15\nsichtbarkeit: intern\n---\n\n"
)


#: The report views of an institution (as on the demo's ``stand.md`` pages).
_STAND = (
    "## Dashboard\n\n```{qm-dashboard}\n```\n\n## Lücken\n\n```{qm-luecken}\n```\n\n"
    "## Offene Maßnahmen\n\n```{qm-massnahmenplan}\n:offen:\n```\n\n## Auditansicht\n\n```{qm-auditansicht}\n```\n"
)
#: The network's report pages (as in the demo's ``handbook/stand/``).
_NETWORK_STAND = {
    "handbook/stand/index.md": (
        "# Stand im Netzwerk\n\n```{qm-reifegrad}\n```\n\n```{toctree}\n:maxdepth: 1\n\ndashboard\nmatrix\n```\n"
    ),
    "handbook/stand/dashboard.md": (
        "# Netzwerk-Dashboard\n\n```{qm-dashboard}\n:netzwerk:\n```\n\n## Überfällige Maßnahmen\n\n"
        "```{qm-massnahmenplan}\n:einrichtung: alle\n:ueberfaellig:\n```\n\n## Downloads\n\n```{qm-exporte}\n```\n"
    ),
    "handbook/stand/matrix.md": "# Matrix: Anforderungen und Einrichtungen\n\n```{qm-matrix}\n```\n",
}
_REPORT_RE = re.compile(r"^(`{3,})\{qm-[a-z-]+\}[^\n]*\n(?::[a-z]+:[^\n]*\n)*\1\n", re.M)


@dataclass(frozen=True, slots=True)
class Member:
    """One synthetic institution."""

    slug: str
    code: str
    name: str
    region: str


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_WHEN)}."


def filler(rng: random.Random, sentences: int) -> str:
    """A paragraph of plausible German text."""
    return " ".join(_sentence(rng) for _ in range(sentences))


def need(kind: str, title: str, need_id: str, options: dict[str, str], body: str) -> str:
    """A need directive in MyST."""
    opts = "".join(f":{k}: {v}\n" for k, v in options.items())
    return f"{F}{{{kind}}} {title}\n:id: {need_id}\n{opts}\n{body}\n{F}\n\n"


_NEED_RE = re.compile(r"^(`{3,})\{([a-z_]+)\} ?([^\n]*)\n((?::[a-z_]+: [^\n]*\n)*)\n?(.*?)^\1\n", re.M | re.S)


def plainify(text: str, types: set[str]) -> str:
    """Replace need directives of ``types`` by paragraphs with the same text."""

    def paragraph(match: re.Match[str]) -> str:
        if match.group(2) not in types:
            return match.group(0)
        fields = "".join(f"- {line[1:].replace(': ', ': ', 1)}\n" for line in match.group(4).splitlines())
        body = match.group(5).strip()
        return f"**{match.group(2).capitalize()}: {match.group(3)}**\n\n{fields}\n{body}\n\n"

    return _NEED_RE.sub(paragraph, text)


def members(count: int, rng: random.Random) -> list[Member]:
    result = []
    for number in range(1, count + 1):
        place = f"{rng.choice(_PLACES)} {number}"
        kind = rng.choice(_KINDS)
        result.append(
            Member(
                f"einrichtung-{number:03d}",
                f"E{number:03d}",
                f"{kind} {place}",
                f"r{(number - 1) // REGION_SIZE + 1:02d}",
            )
        )
    return result


def institution_pages(m: Member, catalog: Catalog, rng: random.Random) -> dict[str, str]:
    """MyST pages of one institution (path relative to its folder → text)."""
    pages: dict[str, str] = {}
    c = m.code
    proc_ids = [f"{c}_PR_{key}" for key, _t, _k in _PROCESSES]
    toc = "leitbild\norganisation\nprozesse\nanforderungen/index\nnachweise/index\nmassnahmen\naudits\nstand\n"
    intro = filler(rng, 5)
    pages["index.md"] = (
        f"{_FRONT}# {m.name}\n\n```{{qm-steckbrief}}\n```\n\n{intro}\n\n{F}{{toctree}}\n:maxdepth: 1\n\n{toc}{F}\n"
    )
    pages["leitbild.md"] = f"{_FRONT}# Leitbild\n\n{filler(rng, 6)}\n\n## Qualitätsverständnis\n\n{filler(rng, 5)}\n"
    pages["organisation.md"] = f"{_FRONT}# Organisation\n\n{filler(rng, 6)}\n\n## Zuständigkeiten\n\n{filler(rng, 4)}\n"
    text = f"{_FRONT}# Prozesslandkarte\n\n{filler(rng, 3)}\n\n"
    for (_key, title, kind), pid in zip(_PROCESSES, proc_ids, strict=True):
        opts = {"prozessart": kind, "status": "freigegeben", "verantwortlich": rng.choice(_ROLES)}
        text += need("prozess", title, pid, opts, filler(rng, 3))
    pages["prozesse.md"] = text
    areas = [a.code.lower() for a in catalog.areas]
    pages["anforderungen/index.md"] = (
        f"{_FRONT}# Umsetzung der Anforderungen\n\n{filler(rng, 3)}\n\n{F}{{toctree}}\n:maxdepth: 1\n\n"
        + "\n".join(areas) + f"\n{F}\n"
    )  # fmt: skip
    statements: list[str] = []
    for area in catalog.areas:
        text = f"{_FRONT}# {area.code} {area.title}\n\n{filler(rng, 2)}\n\n"
        for req in area.requirements:
            sid = f"{c}_{req.need_id}"
            statements.append(sid)
            status = rng.choices(["umgesetzt", "teilweise", "geplant"], [6, 2, 1])[0]
            opts = {
                "setzt_um": req.need_id,
                "status": status,
                "verantwortlich": rng.choice(_ROLES),
                "beschrieben_in": proc_ids[_AREA_PROCESS.get(area.code, 0)],
                "geprueft_gegen": req.fingerprint,
            }
            text += need("umsetzung", f"{req.title} in {m.name.split()[-2]}", sid, opts, filler(rng, 4))
        pages[f"anforderungen/{area.code.lower()}.md"] = text
    parts = 4
    per = -(-len(statements) // parts)
    pages["nachweise/index.md"] = (
        f"{_FRONT}# Nachweisliste\n\n{filler(rng, 3)}\n\n{F}{{toctree}}\n:maxdepth: 1\n\n"
        + "\n".join(f"teil-{i}" for i in range(1, parts + 1)) + f"\n{F}\n"
    )  # fmt: skip
    for part in range(parts):
        text = f"{_FRONT}# Nachweise, Teil {part + 1}\n\n{filler(rng, 2)}\n\n"
        for number, sid in enumerate(statements[part * per : (part + 1) * per], start=part * per + 1):
            opts = {
                "belegt": sid,
                "nachweisart": rng.choice(["Dokument", "Aufzeichnung"]),
                "status": "freigegeben",
                "verantwortlich": rng.choice(_ROLES),
                "erhoben_am": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "sichtbarkeit": rng.choice(["öffentlich", "intern"]),
                "ablage": f"QM-Laufwerk/{number:02d}.pdf",
            }
            text += need(
                "nachweis", f"Nachweis {number}: {rng.choice(_OBJECTS)}", f"{c}_NW_{number:02d}", opts, filler(rng, 1)
            )
        pages[f"nachweise/teil-{part + 1}.md"] = text
    findings = [f"{c}_BF_{i:02d}" for i in range(1, 5)]
    text = f"{_FRONT}# Interne Audits und Managementbewertung\n\n{filler(rng, 4)}\n\n"
    for i, bid in enumerate(findings):
        opts = {
            "betrifft": rng.choice(statements),
            "befundart": ["Abweichung", "Hinweis", "Verbesserungspotenzial", "Stärke"][i],
            "status": rng.choice(["offen", "in Bearbeitung", "geschlossen"]),
            "audit": "Internes Audit 2026",
            "festgestellt_am": "2026-10-14",
        }
        text += need("befund", f"Befund {i + 1}: {rng.choice(_OBJECTS)}", bid, opts, filler(rng, 2))
    pages["audits.md"] = text
    text = f"{_FRONT}# Maßnahmenplan\n\n{filler(rng, 3)}\n\n"
    for i in range(1, 7):
        opts = {"verbessert": rng.choice(statements), "status": rng.choice(["offen", "in Arbeit", "erledigt"]),
                "verantwortlich": rng.choice(_ROLES), "faellig_am": f"2027-0{rng.randint(1, 9)}-28",
                "quelle": rng.choice(["internes Audit", "Befragung", "Managementbewertung"])}  # fmt: skip
        if i <= len(findings) - 1:
            opts["behebt"] = findings[i - 1]
        text += need(
            "massnahme", f"Maßnahme {i}: {rng.choice(_OBJECTS)} verbessern", f"{c}_MA_{i:02d}", opts, filler(rng, 2)
        )
    pages["massnahmen.md"] = text
    pages["stand.md"] = f"{_FRONT}# Stand und Lücken\n\n{filler(rng, 2)}\n\n{_STAND}"
    return pages


def einrichtung_toml(m: Member, catalog: Catalog, rng: random.Random) -> str:
    year = 2027 + rng.randint(0, 2)
    return (
        f'name = "{m.name}"\nkurzname = "{m.name}"\nkuerzel = "{m.code}"\nregion = "{m.region}"\n'
        f'art = "{m.name.split()[0]}"\nfiktiv = true\nstatus = "zertifiziert"\nkatalog = "{catalog.key}"\n'
        f'zielgruppen = ["Erwachsene", "Familien"]\n\n[adresse]\nstrasse = "Hauptstraße {rng.randint(1, 99)}"\n'
        f'plz = "0{rng.randint(1000, 9999)}"\nort = "{m.name.split()[-2]}"\n\n[zertifizierung]\n'
        f'stelle = "Zertifizierungsstelle (fiktiv)"\nzertifikat_gueltig_bis = {year}-06-30\n'
        f'naechstes_audit = {year}-03-15\n\n[handbuch]\nversion = "1.0"\nfreigegeben_von = "Leitung"\n'
        f"freigegeben_am = 2026-01-15\n"
    )


def _codes(people: list[Member], region: str) -> str:
    return ", ".join(f'"{m.code}"' for m in people if m.region == region)


def _conf(plain: bool) -> str:
    ext = '["myst_parser", "qm_handbook.site.navigation"]' if plain else '["qm_handbook"]'
    extra = 'myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_inline"]\n' if plain else ""
    extra += "" if plain else f'handbook_as_of = "{AS_OF}"\n'
    return (
        f'"""Synthetic network (generated by qm_handbook.commands.synth)."""\n\nimport sys\n\n'
        f"sys.path.insert(0, {str(REPO / 'ext')!r})\n\n"
        'project = "Synthetisches Netzwerk"\nlanguage = "de"\nversion = release = "2026.1"\n'
        f'extensions = {ext}\n{extra}root_doc = "handbook/index"\n'
        'include_patterns = ["handbook/**", "institutions/**"]\nexclude_patterns = ["**/README.md"]\n'
        'html_theme = "furo"\nhtml_title = "Qualitätshandbuch im Netzwerk"\nhtml_last_updated_fmt = None\n'
    )


def generate(target: Path, count: int, *, seed: int = 1, plain: bool = False) -> dict[str, int]:
    """Write a network of ``count`` institutions into ``target`` (replacing it).

    :returns: numbers of pages and needs written (need blocks, catalog included)
    """
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    model = load_metamodel()
    catalogs, _problems = load_catalogs(CATALOG_FILE.parent, model)
    catalog = next(c for c in catalogs.values() if c.path == CATALOG_FILE)
    people = members(count, rng)
    files: dict[str, str] = {"conf.py": _conf(plain)}
    regions = sorted({m.region for m in people})
    files["handbook/netzwerk.toml"] = 'name = "Synthetisches Netzwerk"\nkurzbeschreibung = "Benchmark"\n\n' + "".join(
        f'[[region]]\nkuerzel = "{r}"\nname = "Regionalnetzwerk {r[1:]}"\nfiktiv = true\n'
        f"rotation = [{_codes(people, r)}]\n\n"
        for r in regions
    )
    cards = "```{qm-einrichtungen}\n```\n" if not plain else "".join(f"- {m.code}: {m.name}\n" for m in people)
    files["handbook/index.md"] = (
        f"# Qualität im Netzwerk\n\n{filler(rng, 4)}\n\n{cards}\n{F}{{toctree}}\n:hidden:\n\n"
        f"stand/index\nkatalog/index\n/institutions/index\n{F}\n"
    )
    files.update(_NETWORK_STAND)
    files["handbook/katalog/index.md"] = (
        f"# Anforderungskataloge\n\n{F}{{toctree}}\n\n_generiert/{catalog.slug}/index\n{F}\n"
    )
    regionen = "```{qm-regionen}\n```\n" if not plain else f"{F}{{toctree}}\n:hidden:\n\n" + "\n".join(
        f"_regionen/{r}" for r in regions) + f"\n{F}\n"  # fmt: skip
    files["institutions/index.md"] = f"# Einrichtungen\n\n{filler(rng, 2)}\n\n{regionen}"
    if plain:
        gen = f"handbook/katalog/_generiert/{catalog.slug}"
        files[f"{gen}/index.md"] = render_overview(catalog)
        files.update({f"{gen}/{a.code.lower()}.md": render_area(catalog, a) for a in catalog.areas})
        for r in regions:
            group = [m for m in people if m.region == r]
            names = "".join(f"- {m.name}\n" for m in group)
            links = "".join(f"/institutions/{m.slug}/index\n" for m in group)
            files[f"institutions/_regionen/{r}.md"] = (
                f"# Regionalnetzwerk {r[1:]}\n\n{names}\n{F}{{toctree}}\n:hidden:\n\n{links}{F}\n"
            )
    for m in people:
        files[f"institutions/{m.slug}/einrichtung.toml"] = einrichtung_toml(m, catalog, rng)
        for name, text in institution_pages(m, catalog, rng).items():
            if plain:
                text = text.replace("```{qm-steckbrief}\n```\n", f"- Kürzel: {m.code}\n- Region: {m.region}\n")
            files[f"institutions/{m.slug}/{name}"] = text
    types = set(model.types)
    needs = 0
    for rel, text in files.items():
        if plain and rel.endswith(".md"):
            text = _REPORT_RE.sub("Auswertung (im Vergleichsprojekt ohne Needs leer).\n", plainify(text, types))
        needs += sum(1 for match in _NEED_RE.finditer(text) if match.group(2) in types)
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    shutil.copy2(CATALOG_FILE, target / "handbook" / "katalog" / CATALOG_FILE.name)
    if not plain:
        needs += sum(1 + len(r.criteria) for r in catalog.requirements())
    pages = sum(1 for rel in files if rel.endswith(".md")) + (0 if plain else 1 + len(catalog.areas) + len(regions))
    return {"pages": pages, "needs": needs, "institutions": count}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m qm_handbook.commands.synth", description="Synthetisches Netzwerk erzeugen"
    )
    parser.add_argument("ziel", type=Path, help="Zielordner (wird ersetzt)")
    parser.add_argument("--einrichtungen", type=int, default=8, help="Anzahl der Einrichtungen (Standard: 8)")
    parser.add_argument("--seed", type=int, default=1, help="Startwert des Zufallsgenerators (Standard: 1)")
    parser.add_argument("--ohne-needs", dest="plain", action="store_true", help="Vergleichsprojekt ohne Needs")
    args = parser.parse_args(argv)
    stats = generate(args.ziel, args.einrichtungen, seed=args.seed, plain=args.plain)
    print(f"{stats['institutions']} Einrichtungen, {stats['pages']} Seiten, {stats['needs']} Needs → {args.ziel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
