"""Settings of the handbook extension (``handbook_*`` in ``conf.py``).

All settings are declared once in :class:`HandbookConfig`; each field becomes a Sphinx
config value ``handbook_<name>``. Code reads them only through :func:`get_config`.

Every value is checked once, when the configuration is read (:func:`check_config`): a
value of the wrong type or outside its choices gives the German warning
``qm.bad_config`` naming the setting, the allowed values and the default, and the
default is used instead. A setting marked ``strict`` (the publishing profile) stops the
build instead, because a fallback could publish the wrong pages. (``handbook_as_of`` is
checked where it is resolved, see :func:`resolve_as_of`.)
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks.diagnostics import Problem, suggest

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
    pdf_teil: str = field(
        default="",
        metadata={
            "rebuild": "",
            # Checked where the PDFs are planned (qm.pdf_part): a bad value must never mean "all PDFs".
            "help": "Nur Teil k von n aller PDFs, z. B. „2/4“ (parallele CI-Jobs; Teil 1 mit Netzwerk-PDF)",
        },
    )
    pdf_jobs: str = field(
        default="1",
        metadata={
            "rebuild": "",
            "help": "Prozesse für das Setzen der PDFs: Zahl oder „auto“ (ein Prozess je Kern)",
            "pattern": r"\s*(\d+|[Aa][Uu][Tt][Oo])\s*",
            "expected": "eine ganze Zahl oder „auto“",
        },
    )
    check_report: str = field(
        default="",
        metadata={"rebuild": "", "help": "Datei für die Zusammenfassung der Prüfung (Meldungen je Code, JSON)"},
    )
    profil: str = field(
        default="intern",
        metadata={
            "rebuild": "html",
            "help": "„intern“: alles (mit PDFs); „oeffentlich“: öffentliche Website ohne interne Seiten und Einträge",
            # No default on error: falling back to "intern" could publish internal pages.
            # (The profile's values are checked by qm_handbook.publish.profile.)
            "strict": True,
        },
    )
    navigation: str = field(
        default="aktuell",
        metadata={
            "rebuild": "html",
            "help": "Seitenleiste: „aktuell“ zeigt nur die Seiten der aktuellen Einrichtung, „alle“ jede Seite",
            "choices": ("aktuell", "alle"),
        },
    )
    vorschau: str = field(
        default="",
        metadata={
            "rebuild": "",
            # Set only by the live preview (``-D handbook_vorschau=ja``), never in conf.py.
            "help": "„ja“: Vorschau-Bau (ohne Suchindex, Exporte und Kalender); nur für die Live-Vorschau",
            "choices": ("", "ja"),
        },
    )


def register(app: Sphinx) -> None:
    """Register every field of :class:`HandbookConfig` as ``handbook_<name>`` and check them."""
    from .. import pipeline

    for f in fields(HandbookConfig):
        app.add_config_value(f"handbook_{f.name}", f.default, f.metadata["rebuild"], types=frozenset({str}))
    app.connect("config-inited", check_config, priority=pipeline.CHECK_CONFIG)


def get_config(config: Config) -> HandbookConfig:
    """The typed settings of a Sphinx config."""
    values: dict[str, Any] = {f.name: getattr(config, f"handbook_{f.name}") for f in fields(HandbookConfig)}
    return HandbookConfig(**values)


def config_problem(name: str, value: object, conf_py: Path | None = None) -> Problem | None:
    """The problem of one ``handbook_<name>`` value (None: the value is fine).

    :param conf_py: the project's ``conf.py`` (for the line of the setting)
    """
    spec = next(f for f in fields(HandbookConfig) if f.name == name)
    setting, default = f"handbook_{name}", spec.default
    choices: tuple[str, ...] = spec.metadata.get("choices", ())
    pattern: str | None = spec.metadata.get("pattern")
    if not isinstance(value, str):
        wrong = f"{setting} = {value!r} ist kein Text."
        allowed = "Schreiben Sie den Wert in Anführungszeichen."
    elif choices and value not in choices:
        wrong = f"{setting} = „{value}“ ist nicht zulässig; erlaubt: {', '.join(f'„{c}“' for c in choices)}."
        allowed = suggest(value, list(choices)) or "Tragen Sie einen erlaubten Wert ein."
    elif pattern is not None and not re.fullmatch(pattern, value):
        wrong = f"{setting} = „{value}“ ist nicht zulässig; erwartet ist {spec.metadata['expected']}."
        allowed = "Tragen Sie einen erlaubten Wert ein."
    else:
        return None
    # Located at its line in conf.py; a value given with ``-D`` has no line and no file.
    line = _line_of(conf_py, setting) if conf_py is not None else None
    fallback = f"Bis dahin gilt der Vorgabewert „{default}“."
    if spec.metadata.get("strict"):
        fallback = "Der Bau hält an: ein Ersatzwert könnte hier falsch veröffentlichen."
    return Problem(
        code="bad_config",
        message=wrong,
        hint=f"{allowed} {fallback}",
        file=conf_py if line is not None else None,
        line=line,
    )


def _line_of(conf_py: Path, setting: str) -> int | None:
    try:
        lines = conf_py.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    found = re.compile(rf"\s*{setting}\s*[:=]")
    return next((number for number, line in enumerate(lines, 1) if found.match(line)), None)


def check_config(app: Sphinx, config: Config) -> None:
    """Check every ``handbook_*`` value; a wrong one is reported and replaced by its default."""
    from ..checks.reporting import log_problems

    conf_py = Path(app.confdir) / "conf.py"
    for spec in fields(HandbookConfig):
        problem = config_problem(spec.name, config[f"handbook_{spec.name}"], conf_py)
        if problem is not None and spec.metadata.get("strict"):
            from sphinx.errors import ConfigError

            raise ConfigError(f"{problem.location(Path(app.confdir))}: {problem.text()}".lstrip(": "))
        if problem is not None:
            log_problems([problem], Path(app.srcdir), env_ready=False)
            config[f"handbook_{spec.name}"] = spec.default


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
