"""Quality-handbook generator for networks of adult-education institutions.

A Sphinx extension: load it with ``extensions = ["qm_handbook"]`` in ``conf.py``. It
brings MyST and sphinx-needs along, configures them from the QM metamodel
(``metamodel.toml``), loads catalogs, network and institution profiles once per build,
generates the catalog pages, and registers the handbook's directives.

Layout (each package's docstring names its entry points):

* :mod:`.model` — the QM model as data (metamodel, catalogs, profiles, settings, TOML shapes);
* :mod:`.checks` — pure checks, the warning registry, German texts of foreign warnings;
* :mod:`.reports` — the one result per build and all its views and exports;
* :mod:`.site` — the website's furniture (navigation, regions, cards, page control);
* :mod:`.pdf` — the certification PDFs;
* :mod:`.compat` — every touch of another package's internals, guarded;
* :mod:`.commands` — command-line tools;
* :mod:`.pipeline` — every event priority, named, with its reason;
* :mod:`.state` — the one typed build state (``get_state(app)`` / ``state_of(env)``).

Names: everything that appears in content or output starts with ``qm``: directives
and CSS classes ``qm-…``, docutils nodes ``qm_…``, warnings ``qm.<code>``; settings in
``conf.py`` are ``handbook_…`` (``tests/unit/test_prefixes.py`` checks it).
:func:`setup` is orchestration only: every feature registers itself. It imports the
features itself: importing the package alone (as ``python -m qm_handbook.commands.…``
does) loads neither Sphinx nor any feature, so a command can start work before Sphinx
is loaded (the PDF build's early Typst, :mod:`.pdf._early`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"
STATIC_DIR = Path(__file__).with_name("static")
MYST_EXTENSIONS = ("colon_fence", "deflist", "fieldlist", "attrs_inline")


def apply_needs_config(app: Sphinx, config: Config) -> None:
    """Derive the sphinx-needs configuration from the metamodel (before sphinx-needs reads it)."""
    from .model.metamodel import load_metamodel, needs_config

    for key, value in needs_config(load_metamodel()).items():
        config[key] = value
    config.myst_enable_extensions = sorted(set(config.myst_enable_extensions) | set(MYST_EXTENSIONS))


def load_data(app: Sphinx, config: Config) -> None:
    """Load all data files once (into the build state) and generate the catalog pages."""
    from .checks.reporting import log_problems
    from .model import config as handbook_config
    from .model.context import handbook_context
    from .site.catalog_pages import generate_catalog_pages

    ctx = handbook_context(app)
    _changed, problems = generate_catalog_pages(ctx, ctx.srcdir / handbook_config.get_config(config).catalog_dir)
    log_problems(problems, ctx.srcdir, env_ready=False)


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the extension: orchestration only, features register themselves."""
    from . import pipeline
    from .background import setup_background
    from .checks.suspect import setup_suspect
    from .checks.validate import setup_validate
    from .compat.cards import setup_cards
    from .compat.collector import setup_collector
    from .compat.crash import setup_page_notes
    from .compat.discovery import setup_discovery
    from .compat.incremental import setup_incremental
    from .compat.pickling import setup_pickling
    from .compat.preview_mode import setup_preview_mode
    from .compat.reuse import setup_reuse
    from .compat.search import setup_search
    from .compat.speedups import setup_speedups
    from .compat.theme_texts import setup_theme_texts
    from .compat.toc_entries import setup_toc_entries
    from .compat.view_digests import setup_view_digests
    from .learning.directives import setup_learning
    from .model import config as handbook_config
    from .model.model_docs import setup_model_docs
    from .pdf.register import setup_pdf
    from .publish import setup_publish
    from .reports.directives import setup_reports
    from .site.appearance import setup_appearance
    from .site.dependencies import setup_dependencies
    from .site.doccontrol import setup_doccontrol
    from .site.entry import setup_site
    from .site.identity import setup_identity
    from .site.navigation import setup_navigation
    from .site.need_display import setup_need_display
    from .site.overview import setup_overview
    from .site.regions import setup_regions
    from .site.register import setup_register
    from .site.stale_outputs import setup_stale_outputs
    from .site.theme_i18n import setup_theme_i18n
    from .state import setup_state

    app.setup_extension("myst_parser")
    app.setup_extension("sphinx_needs")
    setup_speedups(app)
    setup_state(app)
    setup_cards(app)
    setup_discovery(app)
    handbook_config.register(app)
    app.connect("config-inited", apply_needs_config, priority=pipeline.APPLY_NEEDS_CONFIG)
    app.connect("config-inited", load_data, priority=pipeline.LOAD_DATA)
    app.add_css_file("qm-handbook.css")
    app.connect("config-inited", _add_static_path)
    setup_dependencies(app)
    setup_overview(app)
    setup_need_display(app)
    setup_appearance(app)
    setup_search(app)
    setup_theme_texts(app)
    setup_model_docs(app)
    setup_doccontrol(app)
    setup_site(app)
    setup_theme_i18n(app)
    setup_pdf(app)
    setup_reports(app)
    setup_learning(app)
    setup_validate(app)
    setup_suspect(app)
    setup_navigation(app)
    setup_regions(app)
    setup_stale_outputs(app)
    setup_identity(app)
    setup_register(app)
    setup_incremental(app)
    setup_reuse(app)
    setup_background(app)
    setup_view_digests(app)
    setup_toc_entries(app)
    setup_pickling(app)
    setup_collector(app)
    setup_page_notes(app)
    setup_publish(app)
    setup_preview_mode(app)
    return {"version": __version__, "env_version": 7, "parallel_read_safe": True, "parallel_write_safe": True}


def _add_static_path(app: Sphinx, config: Config) -> None:
    static: list[Any] = list(config.html_static_path)
    if str(STATIC_DIR) not in static:
        config.html_static_path = [*static, str(STATIC_DIR)]
