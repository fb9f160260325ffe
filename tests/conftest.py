"""Shared fixtures: Sphinx test roots and one build of the real demo network."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors
from sphinx.util.docutils import docutils_namespace

pytest_plugins = ["sphinx.testing.fixtures"]
collect_ignore = ["roots"]

REPO = Path(__file__).resolve().parent.parent
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="session", autouse=True)
def ctrl_c_as_in_a_terminal() -> Iterator[None]:
    """Ctrl+C (SIGINT) raises KeyboardInterrupt here and in the programs the tests start.

    A shell that runs the suite in the background (``command &`` without job control) starts
    it with SIGINT ignored, and every child would inherit that: the tests of the preview and
    the PDF watch stop them with SIGINT as a user's Ctrl+C does.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the test roots (``tests/roots/test-<name>``)."""
    return Path(__file__).parent / "roots"


def warnings_of(app: Sphinx) -> str:
    """The warnings of a test app, without colours and with ``<srcdir>`` for the source path."""
    text = strip_colors(app.warning.getvalue())  # type: ignore[attr-defined]
    return text.replace(str(app.srcdir), "<srcdir>")


def uncoloured(text: str) -> str:
    """Sphinx output without ANSI colour codes."""
    return _ANSI.sub("", text)


def html_app(src: Path, out: Path, warning: StringIO | None = None, **kwargs: Any) -> Sphinx:
    """A Sphinx html app on ``src`` (pages in ``out/html``, doctrees in ``out/doctrees``).

    Create it inside ``docutils_namespace()`` so later apps start with clean registries.
    """
    return Sphinx(
        srcdir=src,
        confdir=src,
        outdir=out / "html",
        doctreedir=out / "doctrees",
        buildername="html",
        status=StringIO(),
        warning=StringIO() if warning is None else warning,
        **kwargs,
    )


@contextlib.contextmanager
def built_copy(root: Path, workdir: Path) -> Iterator[SphinxTestApp]:
    """An HTML build (fresh environment, all pages) of a copy of the test root ``root``."""
    src = workdir / "src"
    shutil.copytree(root, src)
    app = SphinxTestApp("html", srcdir=src, freshenv=True)
    try:
        app.build(force_all=True)
        yield app
    finally:
        app.cleanup()


def soup(path: Path) -> BeautifulSoup:
    """Parse an HTML file."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text_of(element: Any) -> str:
    """Visible text of an HTML element, single-spaced, without spaces before punctuation."""
    return re.sub(r"\s+([:,.;])", r"\1", element.get_text(" ", strip=True))


def need_card(page: BeautifulSoup, need_id: str) -> Any:
    """The rendered card (the element carrying the need ID and the class ``qm-need``) of one need."""
    card = page.find(id=need_id)
    assert card is not None, need_id
    return card if "qm-need" in card.get("class", []) else card.find_parent(class_="qm-need")


def card_field(card: Any, label: str) -> Any:
    """The value (``dd``) of the field ``label`` on a need card (None when the card has none)."""
    for name in card.select("dl.qm-need-felder > dt"):
        if name.get_text().rstrip(":").strip() == label:
            return name.find_next_sibling("dd")
    return None


def load_needs(outdir: Path) -> dict[str, dict[str, Any]]:
    """The needs of the current version in ``needs.json``."""
    data = json.loads((outdir / "needs.json").read_text(encoding="utf-8"))
    needs: dict[str, dict[str, Any]] = data["versions"][data["current_version"]]["needs"]
    return needs


@dataclass
class DemoBuild:
    """Result of building the real demo network."""

    srcdir: Path
    outdir: Path
    warnings: str
    needs: dict[str, dict[str, Any]]

    def page(self, docname: str) -> BeautifulSoup:
        return soup(self.outdir / f"{docname}.html")


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoBuild]:
    """Build the demo network once per test session (html, warnings collected)."""
    out = tmp_path_factory.mktemp("demo")
    warning = StringIO()
    # docutils_namespace: forget the registered nodes afterwards, so later test apps start clean.
    with docutils_namespace():
        app = html_app(REPO, out, warning, freshenv=True, confoverrides={"nitpicky": True})
        app.build(force_all=True)
    text = uncoloured(warning.getvalue())
    yield DemoBuild(srcdir=REPO, outdir=out / "html", warnings=text, needs=load_needs(out / "html"))
