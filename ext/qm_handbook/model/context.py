"""The per-build context: metamodel, catalogs, network and institutions.

Loaded once per build (never per page) on first use, :func:`handbook_context`, and
kept in the build state (:mod:`qm_handbook.state`), so directives and processors on
every page read the same precomputed indices (:func:`get_context`). Problems found
while loading are logged once, with file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks.diagnostics import Problem
from ..checks.reporting import log_problems
from ..learning.rotation import RotationData, load_rotation, rotation_problems
from ..state import get_state, state_of
from .catalog import Catalog, Requirement, load_catalogs
from .config import get_config, resolve_as_of
from .institutions import Institution, Network, load_institutions, load_network
from .metamodel import Metamodel, load_metamodel
from .progress import processing

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


@dataclass(slots=True, kw_only=True)
class HandbookContext:
    """Everything loaded from data files for one build."""

    srcdir: Path
    model: Metamodel
    catalogs: dict[str, Catalog]
    network: Network | None
    institutions: list[Institution]
    institutions_dir: str
    as_of: dt.date
    problems: list[Problem] = field(default_factory=list)
    by_code: dict[str, Institution] = field(default_factory=dict)
    by_slug: dict[str, Institution] = field(default_factory=dict)
    requirements: dict[str, tuple[Catalog, Requirement]] = field(default_factory=dict)
    #: hosting rotation groups, pauses, swaps and skips (``netzwerk.toml``)
    rotation: RotationData = field(default_factory=lambda: RotationData(groups=(), changes=()))

    def __post_init__(self) -> None:
        self.by_code = {i.code: i for i in self.institutions}
        self.by_slug = {i.slug: i for i in self.institutions}
        self.requirements = {r.need_id: (c, r) for c in self.catalogs.values() for r in c.requirements()}

    def institution_of(self, docname: str) -> Institution | None:
        """The institution whose folder holds ``docname`` (or None)."""
        head, _, rest = docname.partition("/")
        if head != self.institutions_dir or not rest:
            return None
        return self.by_slug.get(rest.split("/", 1)[0])

    def docname_prefix(self, institution: Institution) -> str:
        """Every page of ``institution`` has a docname starting with this."""
        return f"{self.institutions_dir}/{institution.slug}/"

    def data_files(self) -> list[Path]:
        """All data files the build depends on."""
        files = [c.path for c in self.catalogs.values()] + [i.path for i in self.institutions]
        return files


def load_context(app: Sphinx) -> HandbookContext:
    """Load all data files of the project in ``app.srcdir``."""
    cfg = get_config(app.config)
    srcdir = Path(app.srcdir)
    model = load_metamodel()
    problems: list[Problem] = []
    catalogs, found = load_catalogs(srcdir / cfg.catalog_dir, model)
    problems += found
    network: Network | None = None
    rotation = RotationData(groups=(), changes=())
    network_path = srcdir / cfg.network_file
    if network_path.exists():
        with processing(network_path):
            network, found = load_network(network_path)
        problems += found
        rotation, found = load_rotation(network_path)
        problems += found
    regions = {r.code for r in network.regions} if network else set()
    institutions, found = load_institutions(srcdir / cfg.institutions_dir, regions)
    problems += found
    for inst in institutions:
        if catalogs and inst.catalog not in catalogs:
            from .tomlfile import TomlFile

            problems.append(
                Problem(
                    code="unknown_catalog",
                    message=f"Der Katalog „{inst.catalog}“ ist nicht vorhanden; vorhanden: "
                    f"{', '.join(sorted(catalogs))}.",
                    hint="Tragen Sie bei „katalog“ einen vorhandenen Katalog ein.",
                    file=inst.path,
                    line=TomlFile(inst.path).line("katalog"),
                )
            )
    outside = [path for path in [*(c.path for c in catalogs.values()), *(i.path for i in institutions),
                                 *([network_path] if network else [])] if not _inside(srcdir, path)]  # fmt: skip
    for path in outside:
        problems.append(
            Problem(
                code="symlink_outside",
                message="Die Daten-Datei zeigt über einen symbolischen Link auf eine Datei außerhalb des Projekts "
                f"({path.resolve()}); ihr Inhalt wird nicht veröffentlicht.",
                hint="Kopieren Sie die Datei ins Projekt, statt sie zu verlinken.",
                file=path,
                line=1,
            )
        )
    catalogs = {key: c for key, c in catalogs.items() if c.path not in outside}
    institutions = [i for i in institutions if i.path not in outside]
    network = None if network_path in outside else network
    if network is None:
        rotation = RotationData(groups=(), changes=())
    problems += rotation_problems(rotation, [i.code for i in institutions], network_path)
    try:
        as_of = resolve_as_of(cfg.as_of)
    except ValueError as exc:
        problems.append(Problem(code="bad_value", message=str(exc), file=srcdir / "conf.py"))
        as_of = dt.date.today()
    return HandbookContext(
        srcdir=srcdir,
        model=model,
        catalogs=catalogs,
        network=network,
        institutions=institutions,
        institutions_dir=cfg.institutions_dir.strip("/"),
        as_of=as_of,
        problems=problems,
        rotation=rotation,
    )


def _inside(srcdir: Path, path: Path) -> bool:
    """The file, with every symlink resolved, lies inside the project."""
    try:
        path.resolve().relative_to(srcdir.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def handbook_context(app: Sphinx) -> HandbookContext:
    """The context of the running build, loaded (and its problems logged) on first use."""
    state = get_state(app)
    if state.context is None:
        state.context = load_context(app)
        log_problems(state.context.problems, state.context.srcdir, env_ready=False)
    return state.context


def get_context(env: BuildEnvironment) -> HandbookContext:
    """The context of the running build (for directives and everything that has ``env``)."""
    ctx = state_of(env).context
    if ctx is None:  # pragma: no cover - the extension loads it at config-inited
        raise RuntimeError("the handbook context is not loaded yet (qm_handbook not set up?)")
    return ctx
