"""Settings of the handbook extension (``handbook_*`` in ``conf.py``).

All settings are declared once in :class:`HandbookConfig`; each field becomes a Sphinx
config value ``handbook_<name>``. Code reads them only through :func:`get_config`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


@dataclass(frozen=True, slots=True, kw_only=True)
class HandbookConfig:
    """The ``handbook_*`` settings with their defaults."""

    catalog_dir: str = field(
        default="handbook/katalog",
        metadata={"rebuild": "env", "help": "Ordner mit den Katalogdateien (*.toml), relativ zum Quellordner"},
    )
    institutions_dir: str = field(
        default="institutions",
        metadata={"rebuild": "env", "help": "Ordner mit einem Unterordner je Einrichtung"},
    )
    network_file: str = field(
        default="handbook/netzwerk.toml",
        metadata={"rebuild": "env", "help": "Datei mit Netzwerkname und Regionalnetzwerken"},
    )
    as_of: str = field(
        default="",
        metadata={
            "rebuild": "env",
            "help": "Stichtag JJJJ-MM-TT für alle Datumsvergleiche; leer: SOURCE_DATE_EPOCH oder heute",
        },
    )
    pdf_dir: str = field(
        default="pdf",
        metadata={
            "rebuild": "env",
            "help": "Ordner der Einrichtungs-PDFs in der Website (für die Download-Links); leer: keine Links",
        },
    )
    pdf_select: str = field(
        default="",
        metadata={
            "rebuild": "",
            "help": "Nur diese PDFs schreiben: Ordnernamen der Einrichtungen, kommagetrennt (netzwerk: Netzwerk-PDF)",
        },
    )
    pdf_jobs: str = field(
        default="1",
        metadata={"rebuild": "", "help": "Threads für das Setzen der PDFs: Zahl oder „auto“ (einer je Kern)"},
    )
    check_report: str = field(
        default="",
        metadata={"rebuild": "", "help": "Datei für die Zusammenfassung der Prüfung (Meldungen je Code, JSON)"},
    )
    navigation: str = field(
        default="aktuell",
        metadata={
            "rebuild": "html",
            "help": "Seitenleiste: „aktuell“ zeigt nur die Seiten der aktuellen Einrichtung, „alle“ jede Seite",
        },
    )


def register(app: Sphinx) -> None:
    """Register every field of :class:`HandbookConfig` as ``handbook_<name>``."""
    for f in fields(HandbookConfig):
        app.add_config_value(f"handbook_{f.name}", f.default, f.metadata["rebuild"], types=frozenset({str}))


def get_config(config: Config) -> HandbookConfig:
    """The typed settings of a Sphinx config."""
    values: dict[str, Any] = {f.name: getattr(config, f"handbook_{f.name}") for f in fields(HandbookConfig)}
    return HandbookConfig(**values)


def resolve_as_of(setting: str, environ: dict[str, str] | None = None) -> dt.date:
    """The as-of date: the setting, else ``SOURCE_DATE_EPOCH``, else today.

    :param setting: value of ``handbook_as_of`` (may be empty)
    :param environ: environment to read (default: ``os.environ``)
    :raises ValueError: with a German message when the setting is not a date
    """
    env = os.environ if environ is None else environ
    if setting:
        try:
            return dt.date.fromisoformat(setting)
        except ValueError:
            raise ValueError(
                f"handbook_as_of = „{setting}“ ist kein Datum. Schreiben Sie JJJJ-MM-TT, z. B. 2026-11-27."
            ) from None
    epoch = env.get("SOURCE_DATE_EPOCH", "")
    if epoch.strip():
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except ValueError:
            raise ValueError(
                f"SOURCE_DATE_EPOCH = „{epoch}“ ist keine Zahl (Sekunden seit 1970). "
                "Setzen Sie eine ganze Zahl oder entfernen Sie die Variable."
            ) from None
    return dt.date.today()
