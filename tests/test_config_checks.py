"""Checked settings: a wrong ``handbook_*`` value gives a German warning and its default."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from conftest import warnings_of
from qm_handbook.checks.diagnostics import CODES
from qm_handbook.model.config import config_problem, get_config

ROOT = Path(__file__).parent / "roots" / "test-basic"


def test_good_values_pass() -> None:
    assert config_problem("navigation", "alle") is None
    assert config_problem("navigation", "aktuell") is None
    assert config_problem("pdf_jobs", "auto") is None
    assert config_problem("pdf_jobs", " 3 ") is None
    assert config_problem("catalog_dir", "katalog") is None


def test_value_outside_choices_names_choices_suggestion_and_default() -> None:
    problem = config_problem("navigation", "alles")
    assert problem is not None and problem.code == "bad_config" and "bad_config" in CODES
    assert problem.text() == (
        "handbook_navigation = „alles“ ist nicht zulässig; erlaubt: „aktuell“, „alle“. "
        "Meinten Sie „alle“? Bis dahin gilt der Vorgabewert „aktuell“."
    )


def test_wrong_type_and_pattern() -> None:
    typed = config_problem("pdf_jobs", 2)
    assert typed is not None and typed.message == "handbook_pdf_jobs = 2 ist kein Text."
    assert "Vorgabewert „1“" in typed.hint
    pattern = config_problem("pdf_jobs", "viele")
    assert pattern is not None
    assert (
        pattern.message == "handbook_pdf_jobs = „viele“ ist nicht zulässig; erwartet ist eine ganze Zahl oder „auto“."
    )


def test_line_of_the_setting_in_conf_py(tmp_path: Path) -> None:
    conf = tmp_path / "conf.py"
    conf.write_text('project = "x"\n\nhandbook_navigation = "alles"\n', encoding="utf-8")
    problem = config_problem("navigation", "alles", conf)
    assert problem is not None and (problem.file, problem.line) == (conf, 3)


def test_build_warns_in_german_and_uses_the_defaults(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('handbook_navigation = "alles"\n')
    app = SphinxTestApp("html", srcdir=src, freshenv=True, confoverrides={"handbook_pdf_jobs": 4})
    try:
        app.build(force_all=True)
        warnings = warnings_of(app)
        lines = len((src / "conf.py").read_text(encoding="utf-8").splitlines())
        assert f"conf.py:{lines}: WARNING: handbook_navigation = „alles“ ist nicht zulässig" in warnings
        assert "[qm.bad_config]" in warnings
        assert "WARNING: handbook_pdf_jobs = 4 ist kein Text." in warnings  # from -D: no file to name
        assert "Traceback" not in warnings and "has type" not in warnings  # no English type warning
        settings = get_config(app.config)
        assert (settings.navigation, settings.pdf_jobs) == ("aktuell", "1")
    finally:
        app.cleanup()


def test_strict_setting_stops_the_build_instead_of_falling_back(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    with pytest.raises(ConfigError) as raised:
        SphinxTestApp("html", srcdir=src, freshenv=True, confoverrides={"handbook_profil": True})
    assert str(raised.value) == (
        "handbook_profil = True ist kein Text. Schreiben Sie den Wert in Anführungszeichen. "
        "Der Bau hält an: ein Ersatzwert könnte hier falsch veröffentlichen."
    )
