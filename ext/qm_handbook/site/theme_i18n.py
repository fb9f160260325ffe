"""German texts for the theme's own labels (furo ships no German translation).

Furo's templates ask Sphinx's ``sphinx`` message catalog for strings such as
"On this page" or "Back to top". When the project language is German, this module
compiles a small catalog with those strings once per build into the doctree folder
and adds it behind Sphinx's own German catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

_FURO_LINK = '<a href="https://github.com/pradyunsg/furo">Furo</a>'

GERMAN: dict[str, str] = {
    "On this page": "Auf dieser Seite",
    "Back to top": "Nach oben",
    "Next": "Weiter",
    "Previous": "Zurück",
    "Home": "Startseite",
    "Search": "Suche",
    "Skip to content": "Zum Inhalt springen",
    "Edit this page": "Diese Seite bearbeiten",
    "View this page": "Quelltext dieser Seite",
    "Made with ": "Erstellt mit ",
    '<a href="https://www.sphinx-doc.org/">Sphinx</a> and ': '<a href="https://www.sphinx-doc.org/">Sphinx</a> und ',
    "Last updated on %(last_updated)s": "Zuletzt aktualisiert am %(last_updated)s",
    "Please activate JavaScript to enable the search functionality.": (
        "Bitte aktivieren Sie JavaScript, um die Suche zu nutzen."
    ),
    "Error": "Fehler",
    "Index": "Stichwortverzeichnis",
    "Versions": "Versionen",
    "Downloads": "Herunterladen",
    # Sphinx's own German catalog has no text for its permalink titles.
    "Link to this heading": "Link zu dieser Überschrift",
    "Link to this definition": "Link zu dieser Definition",
    "Link to this table": "Link zu dieser Tabelle",
    "Link to this image": "Link zu diesem Bild",
    "Link to this code": "Link zu diesem Code",
    "Link to this term": "Link zu diesem Begriff",
    "Link to this toctree": "Link zu diesem Inhaltsverzeichnis",
}


def write_catalog(target: Path) -> Path:
    """Compile :data:`GERMAN` into ``target/de/LC_MESSAGES/sphinx.mo``; return ``target``."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="de", domain="sphinx")
    for msgid, msgstr in GERMAN.items():
        catalog.add(msgid, msgstr)
    # The Furo link is a whitespace-laden message; the German text keeps the link.
    catalog.add(f"\n            {_FURO_LINK}\n            ", f"\n            {_FURO_LINK}\n            ")
    folder = target / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    mo = folder / "sphinx.mo"
    with mo.open("wb") as handle:
        write_mo(handle, catalog)
    return target


def add_theme_translations(app: Sphinx, config: Config) -> None:
    """Compile the catalog for German builds and add it to Sphinx's translator.

    Sphinx sets up its translations before extensions load; ``locale.init`` adds our
    catalog as a fallback of the already installed translator, so Sphinx's own German
    texts keep precedence and only the strings it lacks come from here.
    """
    from sphinx import locale

    if not str(config.language or "").startswith("de"):
        return
    target = write_catalog(Path(app.doctreedir) / "qm-locale")
    locale.init([str(target)], config.language)


def setup_theme_i18n(app: Sphinx) -> None:
    """Register at config-inited, before Sphinx initialises its translations."""
    app.connect("config-inited", add_theme_translations)
