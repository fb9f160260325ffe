"""Which PDFs one run writes, and with how many worker processes.

Without a selection a run writes every institution's PDF and the network PDF.
``handbook_pdf_select`` names some of them (folder names, ``netzwerk`` for the
network PDF); ``handbook_pdf_teil = "k/n"`` takes part *k* of *n* near-equal parts,
so that a CI pipeline can spread a large network over *n* parallel jobs without
listing institutions by hand. The parts cut the list ``netzwerk`` followed by the
institutions' folder names in alphabetical order into *n* consecutive runs whose
lengths differ by at most one: part 1 holds the network PDF, every PDF is in exactly
one part, and a new institution moves at most one name per part.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..checks.diagnostics import Problem, suggest

if TYPE_CHECKING:
    from ..model.context import HandbookContext
    from ..model.institutions import Institution

NETWORK_SLUG = "netzwerk"
_PART = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfJob:
    """One PDF to write."""

    slug: str
    start: str
    institution: Institution | None


def part_of(names: list[str], part: str) -> list[str]:
    """Part ``k/n`` of ``names`` (see module docstring).

    :raises ValueError: with a German message when ``part`` is not ``k/n`` with 1 ≤ k ≤ n
    """
    match = _PART.fullmatch(part)
    if match is None:
        raise ValueError(f"„{part}“ ist keine Teilangabe der Form k/n (z. B. „2/4“: Teil 2 von 4).")
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1:
        raise ValueError(f"„{part}“ gibt es nicht: Es muss mindestens einen Teil geben (n ≥ 1).")
    if not 1 <= k <= n:
        raise ValueError(f"„{part}“ gibt es nicht: Die Teile von {n} Teilen sind 1/{n} bis {n}/{n}.")
    size, extra = divmod(len(names), n)
    start = (k - 1) * size + min(k - 1, extra)
    return names[start : start + size + (1 if k <= extra else 0)]


def plan_jobs(ctx: HandbookContext, root_doc: str, select: str, part: str = "") -> tuple[list[PdfJob], list[Problem]]:
    """The PDFs to write: the selected ones or one part (default: all institutions and the network)."""
    wanted: list[str] | None = [s.strip() for s in select.split(",") if s.strip()] or None
    problems = []
    if part.strip():
        try:
            chosen = part_of([NETWORK_SLUG, *sorted(ctx.by_slug)], part)
        except ValueError as exc:
            return [], [_part_problem(str(exc), "Schreiben Sie k/n mit 1 ≤ k ≤ n, z. B. „2/4“.")]
        if wanted is not None:
            hint = "Lassen Sie die Auswahl der Einrichtungen oder die Teilangabe weg."
            return [], [_part_problem("Einzelne Einrichtungen und ein Teil sind zugleich angegeben.", hint)]
        wanted = chosen
    # The network PDF early (see ``in_order``): it is the longest (all catalogs, every
    # institution's overview); started last, it would keep one worker busy alone at the end.
    jobs = (
        [PdfJob(slug=NETWORK_SLUG, start=root_doc, institution=None)]
        if wanted is None or NETWORK_SLUG in wanted
        else []
    )
    jobs += [
        PdfJob(slug=i.slug, start=f"{ctx.docname_prefix(i)}index", institution=i)
        for i in ctx.institutions
        if wanted is None or i.slug in wanted
    ]
    known = [*ctx.by_slug, NETWORK_SLUG]
    for slug in wanted or ():
        if slug not in known:
            problems.append(
                Problem(
                    code="pdf_unknown_institution",
                    message=f"Für „{slug}“ gibt es kein PDF: Es ist kein Ordner einer Einrichtung.",
                    hint=suggest(slug, known) or f"Vorhanden: {', '.join(known)}.",
                )
            )
    return jobs, problems


def in_order(jobs: list[PdfJob], workers: int) -> list[PdfJob]:
    """The order in which one run assembles ``jobs``: the network PDF after some others.

    While the build process assembles the network document (about 2 s at 130
    institutions on two cores, 3 s and more while the workers take their share of them),
    the worker processes would wait if it came first. Behind ``8 * workers`` institutions
    (at most half of them) they typeset those meanwhile, and the network PDF's own
    typesetting, the longest, still starts early in the run. With a single worker the
    order stays as planned (the network PDF first).
    """
    network = [job for job in jobs if job.institution is None]
    others = [job for job in jobs if job.institution is not None]
    ahead = min(8 * workers, len(others) // 2) if workers > 1 else 0
    return others[:ahead] + network + others[ahead:]


def _part_problem(message: str, hint: str) -> Problem:
    return Problem(code="pdf_part", message=f"handbook_pdf_teil: {message}", hint=hint)


def pdf_workers(setting: str, jobs: int) -> int:
    """How many processes typeset PDFs: ``handbook_pdf_jobs`` (a number or ``auto``), at most one per PDF."""
    value = setting.strip().lower()
    wanted = (os.cpu_count() or 1) if value == "auto" else int(value) if value.isdigit() else 1
    return max(1, min(wanted, jobs))
