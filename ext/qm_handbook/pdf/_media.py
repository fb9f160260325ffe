"""Images and charts in the PDF: copied into the compile folder, always with alternative text.

Typst reads files only inside the compile folder, so each image of a page is copied
there under a stable name (only files inside the project, in formats Typst reads).
The SVG charts of the report views arrive as raw HTML; they are passed to Typst as
data, and their ``<title>`` and ``<desc>`` (which list every value) become the
alternative text.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from docutils import nodes

from . import _syntax as ty

_IMAGE_TYPES = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".gif": "gif", ".svg": "svg"}
_SVG_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)
_SVG_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)
_SVG_FONT = re.compile(r'font-family="[^"]*"')
#: The font of SVG text in the PDF (one of Typst's embedded fonts; see template.typ).
SVG_FONT = "Libertinus Serif"


@dataclass(slots=True)
class Assets:
    """Files the document needs, copied into the compile folder under stable names."""

    folder: Path
    copied: dict[Path, str] = field(default_factory=dict)

    def add(self, source: Path) -> str:
        """Copy ``source`` into the folder (once) and return its name there."""
        if source not in self.copied:
            digest = hashlib.sha256(str(source).encode()).hexdigest()[:12]
            name = f"bild-{digest}{source.suffix.lower()}"
            self.folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, self.folder / name)
            self.copied[source] = name
        return self.copied[source]


def image_markup(node: nodes.Element, srcdir: Path, assets: Assets) -> tuple[str, list[str]]:
    """Markup of an image node and German problems (a missing file, missing alternative text)."""
    uri = str(node.get("uri", ""))
    alt = str(node.get("alt", "")).strip()
    root = srcdir.resolve()
    source = (root / uri).resolve() if uri and "://" not in uri else None
    if (
        source is None
        or not source.is_relative_to(root)
        or not source.is_file()
        or source.suffix.lower() not in _IMAGE_TYPES
    ):
        problem = f"Das Bild „{uri}“ kann nicht ins PDF übernommen werden (nur PNG, JPEG, GIF, SVG aus dem Projekt)."
        return ty.text(alt), [problem]
    problems = []
    if not alt:
        problems.append(
            f"Das Bild „{uri}“ hat keinen Alternativtext; das barrierefreie PDF braucht einen "
            "(in MyST: `![Beschreibung](bild.png)` oder die Option `:alt:`)."
        )
        alt = Path(uri).stem
    name = assets.add(source)
    width = ", width: 100%" if str(node.get("width", "")).endswith("%") else ""
    return f"#qm-image({ty.string(name)}, alt: {ty.string(alt)}{width})", problems


def chart_markup(node: nodes.Element) -> str | None:
    """Markup of a raw SVG chart (None: raw content that the PDF cannot show)."""
    source = node.astext()
    if "html" not in str(node.get("format", "")).split() or not source.lstrip().startswith("<svg"):
        return None
    title = _SVG_TITLE.search(source)
    desc = _SVG_DESC.search(source)
    alt = " – ".join(unescape(m.group(1)).strip() for m in (title, desc) if m)
    svg = _SVG_FONT.sub(f'font-family="{SVG_FONT}"', source)
    return f"#qm-chart(bytes({ty.string(svg)}), alt: {ty.string(alt or 'Diagramm')})\n"
