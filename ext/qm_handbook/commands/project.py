"""The project as the command-line tools see it: settings, metamodel, catalogs, network.

Read without Sphinx: the ``handbook_*`` settings come from ``conf.py`` as plain
strings (see :func:`qm_handbook.commands.confirm.read_settings`), everything else from
the data files. Problems in the data files are returned, not raised, so a command can
refuse with the file and line of the first one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from ..checks.diagnostics import Problem
from ..model.catalog import Catalog, load_catalogs
from ..model.config import HandbookConfig, resolve_as_of
from ..model.institutions import Institution, Network, load_institutions, load_network
from ..model.metamodel import Metamodel, load_metamodel
from .confirm import read_settings


class CommandError(Exception):
    """A German message for the user; nothing was written."""


@dataclass(slots=True, kw_only=True)
class Project:
    """Settings and data files of one handbook project."""

    root: Path
    settings: HandbookConfig
    model: Metamodel
    catalogs: dict[str, Catalog]
    network: Network | None
    network_path: Path
    institutions: list[Institution]
    as_of: dt.date
    problems: list[Problem]

    @property
    def institutions_dir(self) -> Path:
        return self.root / self.settings.institutions_dir

    def institution(self, key: str) -> Institution:
        """An institution by short code or folder name.

        :raises CommandError: when there is none
        """
        for inst in self.institutions:
            if key in (inst.code, inst.slug):
                return inst
        known = ", ".join(f"{i.code} ({i.slug})" for i in self.institutions) or "keine"
        raise CommandError(f"Die Einrichtung „{key}“ gibt es nicht. Vorhanden sind: {known}.")


def load_project(root: Path) -> Project:
    """Read the project at ``root``."""
    if not (root / "conf.py").is_file():
        raise CommandError(f"Im Ordner {root} liegt keine conf.py; geben Sie mit --quelle den Projektordner an.")
    settings = read_settings(root)
    model = load_metamodel()
    problems: list[Problem] = []
    catalogs, found = load_catalogs(root / settings.catalog_dir, model)
    problems += found
    network_path = root / settings.network_file
    network = None
    if network_path.is_file():
        network, found = load_network(network_path)
        problems += found
    regions = {r.code for r in network.regions} if network else set()
    institutions, found = load_institutions(root / settings.institutions_dir, regions)
    problems += found
    try:
        as_of = resolve_as_of(settings.as_of)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return Project(
        root=root,
        settings=settings,
        model=model,
        catalogs=catalogs,
        network=network,
        network_path=network_path,
        institutions=institutions,
        as_of=as_of,
        problems=problems,
    )


def show(problem: Problem, root: Path) -> str:
    """One problem as ``file:line: message hint``."""
    where = ""
    if problem.file is not None:
        try:
            where = str(Path(problem.file).relative_to(root))
        except ValueError:
            where = str(problem.file)
        where += f":{problem.line}: " if problem.line else ": "
    return f"{where}{problem.message} {problem.hint}".strip()


_ARGPARSE_GERMAN = (
    ("the following arguments are required: ", "Es fehlen die Angaben: "),
    ("unrecognized arguments: ", "Unbekannte Angaben: "),
    ("invalid choice: ", "ungültige Auswahl: "),
    ("choose from ", "möglich sind "),
    ("expected one argument", "erwartet einen Wert"),
    ("argument ", "Angabe "),
)


class GermanParser(argparse.ArgumentParser):
    """An argument parser that answers bad arguments with a German message and exit code 2."""

    def error(self, message: str) -> NoReturn:
        for english, german in _ARGPARSE_GERMAN:
            message = message.replace(english, german)
        self.print_usage(sys.stderr)
        self.exit(2, f"Fehler: {message}\nHilfe: {self.prog} --help\n")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "Aufruf:")

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "Aufruf:")
        text = text.replace("positional arguments:", "Angaben:").replace("options:", "Optionen:")
        return text.replace("show this help message and exit", "diese Hilfe zeigen und beenden")
