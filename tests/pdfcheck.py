"""Reading built PDFs in tests: text, outline, links, fonts and archival metadata (pypdf)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import Destination


@dataclass
class Pdf:
    """One PDF file, read once."""

    path: Path

    @cached_property
    def reader(self) -> PdfReader:
        return PdfReader(self.path)

    @cached_property
    def pages(self) -> list[str]:
        """Extracted text of every page."""
        return [page.extract_text() or "" for page in self.reader.pages]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def outline(self) -> list[tuple[int, str, int]]:
        """Bookmarks as (level, title, 0-based page)."""
        items: list[tuple[int, str, int]] = []

        def walk(entries: list[Any], level: int) -> None:
            for entry in entries:
                if isinstance(entry, list):
                    walk(entry, level + 1)
                elif isinstance(entry, Destination):
                    items.append((level, str(entry.title), self.reader.get_destination_page_number(entry)))

        walk(self.reader.outline, 1)
        return items

    def text_from(self, bookmark: str) -> str:
        """Text from the page of the first bookmark titled ``bookmark`` to the end."""
        page = next(p for _, title, p in self.outline() if title == bookmark)
        return "\n".join(self.pages[page:])

    def internal_links(self) -> int:
        """Number of link annotations that jump inside the document."""
        count = 0
        for page in self.reader.pages:
            for annot in page.get("/Annots") or []:
                obj = annot.get_object()
                action = obj.get("/A")
                if obj.get("/Subtype") == "/Link" and ("/Dest" in obj or (action and action.get("/S") == "/GoTo")):
                    count += 1
        return count

    def internal_link_descriptions(self) -> list[tuple[int, str]]:
        """(0-based page, description) of every link that jumps inside the document.

        The description is the link annotation's ``/Contents`` (PDF/UA: the link's text
        for assistive technology).
        """
        found = []
        for number, page in enumerate(self.reader.pages):
            for annot in page.get("/Annots") or []:
                obj = annot.get_object()
                action = obj.get("/A")
                if obj.get("/Subtype") == "/Link" and ("/Dest" in obj or (action and action.get("/S") == "/GoTo")):
                    found.append((number, str(obj.get("/Contents", ""))))
        return found

    def fonts(self) -> dict[str, bool]:
        """Font name → whether the font program is embedded."""
        found: dict[str, bool] = {}
        for page in self.reader.pages:
            resources = page.get("/Resources")
            fonts = resources.get_object().get("/Font") if resources else None
            for ref in (fonts.get_object() if fonts else {}).values():
                font = ref.get_object()
                descendants = font.get("/DescendantFonts")
                described = descendants[0].get_object() if descendants else font
                descriptor = described.get("/FontDescriptor")
                desc = descriptor.get_object() if descriptor else {}
                found[str(font.get("/BaseFont"))] = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        return found

    @property
    def catalog(self) -> Any:
        return self.reader.trailer["/Root"]

    def xmp(self) -> str:
        """The XMP metadata packet as text."""
        data: bytes = self.catalog["/Metadata"].get_object().get_data()
        return data.decode("utf-8")

    def _xmp_value(self, name: str) -> str:
        """A simple XMP property, written as attribute or as element."""
        xmp = self.xmp()
        found = re.search(rf'{name}="([^"]*)"', xmp) or re.search(rf"<{name}>([^<]*)</{name}>", xmp)
        return found.group(1) if found else ""

    def pdfa(self) -> tuple[str, str]:
        """PDF/A part and conformance from the XMP metadata."""
        return self._xmp_value("pdfaid:part"), self._xmp_value("pdfaid:conformance")

    def pdfua(self) -> str:
        """PDF/UA part from the XMP metadata."""
        return self._xmp_value("pdfuaid:part")

    def accessibility_errors(self) -> list[str]:
        """Errors of the machine-checkable PDF/UA-1 subset (PyPI ``pdfua``)."""
        from pdfua import Severity, validate

        report = validate(str(self.path))
        return [f"{f.rule_id}: {f.message}" for f in report.findings if f.severity is Severity.ERROR]


def codes_mentioned(folder: Path, codes: list[str]) -> set[str]:
    """Which of ``codes`` an institution's own source files mention (as a word)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.suffix in {".md", ".toml"})
    return {c for c in codes if re.search(rf"\b{re.escape(c)}\b", text)}


def first_heading(page: Path) -> str:
    """The first ``# `` heading of a MyST page."""
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise AssertionError(f"no heading in {page}")
