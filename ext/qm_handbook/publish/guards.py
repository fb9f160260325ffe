"""Applying the content security rules (:mod:`.security`) while the pages are built.

In both profiles:

* before a page is parsed (``source-read``): ``include``/``literalinclude`` of files
  outside the allowed folders are disabled (the directive is renamed to the no-op
  ``qm-verworfen``, so nothing is read), page files that are symlinks out of the project
  are replaced by a notice;
* after a page is read (``doctree-read``): raw HTML and ``raw`` directives not on the
  allow-list, links and images with executable addresses and refresh/redirect
  ``<meta>`` tags are removed.

In the public profile, after the page is resolved (``doctree-resolved``), e-mail
addresses and phone numbers are reported unless they are meant to be public.

Every finding is a warning with a stable code, the file and the line; ``-W`` makes
it an error. Whatever is reported is also removed, so the output holds nothing
executable even in a build without ``-W``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.util import logging

from .. import pipeline
from ..checks.reporting import log_problems
from ..model.config import get_config
from ..model.context import handbook_context
from ..state import get_state
from .security import (
    SecurityPolicy,
    allowed_snippet,
    contacts_in,
    executable,
    include_roots,
    is_refresh,
    load_policy,
    outside,
    unsafe_url,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

DISABLED = "qm-verworfen"
_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>\S*)")
_MYST_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{(?P<name>include|literalinclude)\}\s*(?P<arg>.*?)\s*$")
_RST_DIRECTIVE = re.compile(r"^\s*\.\.\s+(?P<name>include|literalinclude)::\s*(?P<arg>.*?)\s*$")
_RAW_LINE = re.compile(r"(\{raw\}|\.\.\s+raw::)")
_COMMENT = re.compile(r"<!--(?:(?!-->).)*-->", re.S)
CONTACT_CLASS = "qm-kontakt"


class _AnyOption(dict[str, Any]):
    """Option table that accepts every option (the disabled directive ignores them)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Any:
        return directives.unchanged


class DisabledDirective(Directive):  # type: ignore[misc]  # docutils is untyped
    """What an include of a forbidden file becomes: nothing."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = _AnyOption()

    def run(self) -> list[nodes.Node]:
        return []


def _policy(app: Sphinx) -> SecurityPolicy:
    state = get_state(app)
    if state.security is None:
        path = Path(app.srcdir) / get_config(app.config).network_file
        state.security, problems = load_policy(path)
        log_problems(problems, Path(app.srcdir), env_ready=False)
    return state.security


def _load(app: Sphinx, config: Config) -> None:
    _policy(app)


def _warn(code: str, message: str, location: Any) -> None:
    logger.warning(message, type="qm", subtype=code, location=location)


# --- before parsing ---------------------------------------------------------------------


def _directive_lines(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    """Include directives of a page (line number, match), skipping plain code blocks."""
    closing: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        fence = _FENCE.match(line)
        if closing is not None:
            if fence and fence.group("fence").startswith(closing) and not fence.group("info"):
                closing = None
            continue
        found = _MYST_DIRECTIVE.match(line) or _RST_DIRECTIVE.match(line)
        if found:
            yield number, found
        elif fence and fence.group("info") and not fence.group("info").startswith("{"):
            closing = fence.group("fence")  # a code block: its text is not parsed


def _check_source(app: Sphinx, docname: str, source: list[str]) -> None:
    srcdir = Path(app.srcdir)
    page = Path(app.env.doc2path(docname))
    if outside(page, [srcdir]):
        _warn(
            "symlink_outside",
            f"Die Seitendatei ist ein Verweis (Symlink) auf „{page.resolve()}“ außerhalb des Projekts; "
            "ihr Inhalt wird nicht übernommen. Legen Sie die Datei selbst in den Projektordner.",
            (docname, 1),
        )
        source[0] = (
            "---\norphan: true\n---\n\n# Seite ausgelassen\n\n"
            "Diese Seite verweist auf eine Datei außerhalb des Projekts.\n"
        )
        return
    roots = include_roots(srcdir, page, get_config(app.config).institutions_dir.strip("/"))
    lines = source[0].splitlines(keepends=True)
    changed = False
    for number, found in _directive_lines(source[0]):
        arg = found.group("arg")
        if not arg or arg.startswith("<"):
            continue  # docutils' own standard files (<isonum.txt>)
        target = srcdir / arg.lstrip("/") if arg.startswith("/") else page.parent / arg
        if outside(target, roots):
            allowed = " und ".join(f"„{r.relative_to(srcdir.resolve()).as_posix() or '.'}/“" for r in roots)
            _warn(
                "include_outside",
                f"„{found.group('name')}“ von „{arg}“ ist nicht erlaubt: die Datei liegt außerhalb von {allowed} "
                "(auch über „../“ oder Symlinks). Der Inhalt wird nicht eingebunden. Legen Sie die Datei in einen "
                "dieser Ordner.",
                (docname, number),
            )
            lines[number - 1] = lines[number - 1].replace(found.group("name"), DISABLED, 1)
            changed = True
    if changed:
        source[0] = "".join(lines)


# --- after reading ------------------------------------------------------------------


def _source_line(node: nodes.Node) -> str:
    source, line = node.source, node.line
    if not source or not line:
        return ""
    try:
        return str(Path(source).read_text(encoding="utf-8").splitlines()[line - 1])
    except (OSError, IndexError):
        return ""


def _check_doctree(app: Sphinx, doctree: nodes.document) -> None:
    policy = _policy(app)
    for raw in list(doctree.findall(nodes.raw)):
        if allowed_snippet(raw.astext(), policy):
            continue
        if _COMMENT.fullmatch(raw.astext().strip()):
            raw.parent.remove(raw)  # an HTML comment: invisible anyway, not published
            continue
        directive = bool(_RAW_LINE.search(_source_line(raw)))
        reason = executable(raw.astext())
        danger = f" Der Inhalt enthält {reason}." if reason else ""
        if directive:
            message = (
                f"Die raw-Direktive ist nicht erlaubt (auch nicht in eval-rst).{danger} Der Inhalt wird entfernt. "
                "Schreiben Sie den Inhalt in Markdown oder lassen Sie einen benannten Baustein in netzwerk.toml "
                "([[sicherheit.html]]) erlauben."
            )
        else:
            message = (
                f"HTML im Seitentext ist nicht erlaubt: „{_short(raw.astext())}“.{danger} Es wird entfernt. Schreiben "
                "Sie den Inhalt in Markdown oder lassen Sie einen benannten Baustein in netzwerk.toml "
                "([[sicherheit.html]]) erlauben."
            )
        _warn("raw_directive" if directive else "raw_html", message, raw)
        raw.parent.remove(raw)
    for ref in list(doctree.findall(nodes.reference)):
        if unsafe_url(ref.get("refuri", "")):
            _warn(
                "unsafe_url",
                f"Die Link-Adresse „{_short(ref['refuri'])}“ würde im Browser Code ausführen; der Link wird entfernt. "
                "Verwenden Sie eine https://-Adresse oder einen Verweis auf eine Seite.",
                ref,
            )
            ref.replace_self(nodes.inline(ref.astext(), ref.astext()))
    for image in list(doctree.findall(nodes.image)):
        if unsafe_url(image.get("uri", "")):
            _warn(
                "unsafe_url",
                f"Die Bildadresse „{_short(image['uri'])}“ ist nicht erlaubt; das Bild wird entfernt. "
                "Legen Sie das Bild als Datei ins Projekt.",
                image,
            )
            image.parent.remove(image)
    for meta in list(doctree.findall(nodes.meta)):
        if is_refresh(str(meta.get("http-equiv", ""))):
            _warn(
                "meta_refresh",
                f"html_meta mit „http-equiv: {meta.get('http-equiv')}“ leitet die Seite um oder lädt sie neu; "
                "das ist nicht erlaubt und wird entfernt. Löschen Sie den Eintrag im Seitenkopf.",
                (app.env.docname, meta.line or 1),
            )
            meta.parent.remove(meta)


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 60 else flat[:57] + "…"


# --- personal data on public pages -------------------------------------------------------


def _check_contacts(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    from .profile import _public_site

    if not _public_site(app):
        return
    ctx = handbook_context(app)
    public = set(_policy(app).public_contacts)
    for inst in ctx.institutions:
        public |= {c for c in (inst.email.lower(), "".join(ch for ch in inst.phone if ch.isdigit())) if c}
    allowed = frozenset(public)
    for text in doctree.findall(nodes.Text):
        found = contacts_in(str(text), allowed) if ("@" in text or any(c.isdigit() for c in text)) else []
        if not found or _in_contact_block(text):
            continue
        for contact in found:
            _warn(
                "personal_data",
                f"Auf einer öffentlichen Seite steht die Kontaktangabe „{contact}“. Persönliche E-Mail-Adressen "
                "und Telefonnummern gehören nicht auf die öffentliche Website: entfernen Sie sie, machen Sie die "
                "Seite intern oder tragen Sie die Angabe in netzwerk.toml unter [sicherheit] "
                "oeffentliche_kontakte ein, wenn sie öffentlich sein soll.",
                (docname, _line_of(text)),
            )


def _in_contact_block(node: nodes.Node) -> bool:
    """Inside a block marked ``qm-kontakt`` or a code example (shown as written, not as contact)."""
    parent = node.parent
    while parent is not None:
        if CONTACT_CLASS in parent.get("classes", ()) or isinstance(parent, (nodes.literal_block, nodes.literal)):
            return True
        parent = parent.parent
    return False


def _line_of(node: nodes.Node) -> int | None:
    current: nodes.Node | None = node
    while current is not None:
        line = getattr(current, "line", None)
        if line:
            return int(line)
        current = current.parent
    return None


def setup_guards(app: Sphinx) -> None:
    """Register the disabled directive and the checks."""
    app.add_directive(DISABLED, DisabledDirective)
    app.connect("config-inited", _load, priority=pipeline.LOAD_DATA)
    app.connect("source-read", _check_source)
    app.connect("doctree-read", _check_doctree)
    app.connect("doctree-resolved", _check_contacts, priority=pipeline.AFTER_NEED_CARDS)
