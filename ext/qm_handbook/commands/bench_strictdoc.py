"""StrictDoc on the same synthetic network: the side-by-side part of the benchmark.

``python -m qm_handbook.commands.bench 8 32 130 --strictdoc PATH`` (the nox session ``bench``
with ``--strictdoc`` installs StrictDoc into its own environment and passes the path of its
``strictdoc`` command) converts each synthetic network into StrictDoc documents of the same
shape (:mod:`.sdoc_shape`) and measures, right after our own builds of that size:

* the full HTML export (``strictdoc export --formats html``) with an empty cache and output,
* the export again without changes (StrictDoc keeps a cache of parsed documents),
* the export after changing title and status of the same statement as in our edit run.

The StrictDoc settings file is written next to the documents by the benchmark. It points
StrictDoc's cache into the benchmark folder (the full run starts without one, like our ``-E``),
declares the grammar all documents share (:data:`.sdoc_shape.GRAMMAR_FILE`) and chooses the
screens with a counterpart in our build (:data:`FEATURES`): each document's page, its
traceability page and the search index; not the table and deep-traceability pages of each
document, which our build has nothing like.

The network is converted from a fresh, unedited copy (:func:`prepare`): the generator is
deterministic, and our own edit run has already changed the first network by then.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .sdoc_shape import GRAMMAR_ALIAS, GRAMMAR_FILE, write_sdoc
from .synth import generate

if TYPE_CHECKING:
    from .bench import Result, Run

EDIT_DOC = "institutions/einrichtung-001/anforderungen/e1.sdoc"
#: StrictDoc's screens besides the document pages (its default adds TABLE_SCREEN and
#: DEEP_TRACEABILITY_SCREEN, which have no counterpart in our build); the static search index
#: is always written.
FEATURES = ("TRACEABILITY_SCREEN", "SEARCH")
_CONFIG = (
    '"""Settings of the benchmark (written by qm_handbook.commands.bench_strictdoc)."""\n\n'
    "from strictdoc.core.project_config import ProjectConfig\n\n\n"
    "def create_config():\n"
    "    return ProjectConfig(\n"
    '        project_title="Synthetisches Netzwerk",\n'
    "        dir_for_sdoc_cache={cache!r},\n"
    "        grammars={grammars!r},\n"
    "        project_features={features!r},\n"
    "    )\n"
)


@dataclass(slots=True)
class SdocResult:
    """StrictDoc's measurements for one network size."""

    documents: int
    needs: int
    relations: int
    full: Run
    noop: Run
    edit: Run


def export(strictdoc: Path, src: Path, out: Path) -> Run:
    """Run StrictDoc's HTML export of ``src`` into ``out``."""
    from .bench import timed

    cmd = [str(strictdoc), "export", "--formats", "html", "--output-dir", str(out), str(src)]
    return timed(cmd, src.parent / f"{src.name}-time.txt", cwd=src, what=f"StrictDoc für {src}")


def edit_node(src: Path) -> None:
    """Change title and status of the first statement (as :func:`.bench.edit_statement` does)."""
    page = src / EDIT_DOC
    text = page.read_text(encoding="utf-8")
    start = text.index("\n[UMSETZUNG]\n")
    head, node = text[:start], text[start:]
    node = re.sub(r"^TITLE: ", "TITLE: Neu: ", node, count=1, flags=re.M)
    node = re.sub(r"^STATUS: .*$", "STATUS: geplant", node, count=1, flags=re.M)
    assert head + node != text
    page.write_text(head + node, encoding="utf-8")
    later = time.time() + 1
    os.utime(page, (later, later))


def prepare(workdir: Path, count: int) -> tuple[Path, dict[str, int]]:
    """StrictDoc's input for the network with ``count`` institutions, with its settings file.

    The network is generated again (same seed as :func:`.bench.measure`, so the same files)
    instead of converted from ``n<count>-needs``, which already carries our edit run's change.
    """
    source = workdir / f"n{count}-sdoc-quelle"
    generate(source, count)
    src = workdir / f"n{count}-sdoc"
    stats = write_sdoc(source, src)
    cache = workdir / f"n{count}-sdoc-cache"
    config = _CONFIG.format(cache=str(cache.resolve()), grammars={GRAMMAR_ALIAS: GRAMMAR_FILE}, features=list(FEATURES))
    (src / "strictdoc_config.py").write_text(config, encoding="utf-8")
    return src, stats


def measure_strictdoc(strictdoc: Path, workdir: Path, count: int) -> SdocResult:
    """Convert the network with ``count`` institutions and export it three times."""
    src, stats = prepare(workdir, count)
    for folder in (workdir / f"n{count}-sdoc-cache", workdir / f"n{count}-sdoc-out"):
        if folder.exists():
            shutil.rmtree(folder)
    out = workdir / f"n{count}-sdoc-out"
    full = export(strictdoc, src, out)
    noop = export(strictdoc, src, out)
    edit_node(src)
    edit = export(strictdoc, src, out)
    return SdocResult(stats["documents"], stats["needs"], stats["relations"], full, noop, edit)


def comparison_table(results: dict[int, tuple[Result, SdocResult]]) -> str:
    """The Markdown table: our build next to StrictDoc's, with the ratio of the full runs."""
    from .bench import _num

    head = (
        "| Einrichtungen | Seiten / Dokumente | Needs / Knoten | Relationen | Handbuch vollständig (s) | "
        "StrictDoc vollständig (s) | Handbuch / StrictDoc | CPU Handbuch / StrictDoc (s) | "
        "Leerlauf Handbuch / StrictDoc (s) | Aussage geändert Handbuch / StrictDoc (s) | "
        "Spitze RSS Handbuch / StrictDoc (MB) |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for count, (hb, sd) in sorted(results.items()):
        rows.append(
            f"| {count} | {hb.pages} / {sd.documents} | {hb.needs} / {sd.needs} | {sd.relations} | "
            f"{_num(hb.full.seconds)} | {_num(sd.full.seconds)} | {_num(hb.full.seconds / sd.full.seconds, 2)} | "
            f"{_num(hb.full.cpu_seconds)} / {_num(sd.full.cpu_seconds)} | "
            f"{_num(hb.noop.seconds)} / {_num(sd.noop.seconds)} | {_num(hb.edit.seconds)} / {_num(sd.edit.seconds)} | "
            f"{hb.full.peak_rss_mb:.0f} / {sd.full.peak_rss_mb:.0f} |"
        )
    return head + "\n".join(rows) + "\n"
