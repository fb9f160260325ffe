"""The patches in ``qm_handbook.compat`` do not change the output.

The same small test root is built with the sphinx-needs speed-ups switched off
(``handbook_speedups = False``) and on; ``needs.json`` and the body of every page must
be equal, apart from sphinx-needs' random container ids.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.util.docutils import docutils_namespace

from conftest import html_app, soup
from qm_handbook.compat import speedups

_RANDOM_ID = re.compile(r"SNCB-[0-9a-f]+")


def _build(root: Path, out: Path, *, on: bool) -> tuple[bool, Path]:
    with docutils_namespace():
        app = html_app(root, out, confoverrides={"handbook_speedups": on}, freshenv=True)
        active = speedups._ACTIVE["on"]
        app.build(force_all=True)
    return active, out / "html"


def _needs(html: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((html / "needs.json").read_text(encoding="utf-8"))
    data.pop("created", None)
    for version in data["versions"].values():
        version.pop("created", None)
    return data


def _bodies(html: Path) -> dict[str, str]:
    pages = {}
    for page in sorted(html.rglob("*.html")):
        body = soup(page).select_one("article, div.body, body")
        assert body is not None, page
        pages[str(page.relative_to(html))] = _RANDOM_ID.sub("SNCB-x", str(body))
    return pages


def test_speedups_do_not_change_needs_json_or_pages(rootdir: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-reports", src)
    active_off, plain = _build(src, tmp_path / "off", on=False)
    active_on, fast = _build(src, tmp_path / "on", on=True)
    assert (active_off, active_on) == (False, True)
    assert _needs(plain) == _needs(fast)
    plain_pages, fast_pages = _bodies(plain), _bodies(fast)
    assert len(plain_pages) > 3
    assert plain_pages == fast_pages
