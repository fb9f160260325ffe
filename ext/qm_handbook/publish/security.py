"""Content security rules: what a page may not bring into the site (pure functions).

A handbook is written by many people; the site belongs to a public body. So a page
may not carry anything the browser would execute or that reaches outside the project:

* raw HTML (MyST HTML blocks and inline HTML) and ``raw`` directives (also inside
  ``eval-rst``) – unless the network's allow-list (``[[sicherheit.html]]`` in
  ``netzwerk.toml``) names exactly that snippet; executable HTML (``<script>``,
  event-handler attributes such as ``onerror=``, ``javascript:`` URLs, ``<iframe>``,
  ``<object>``, ``<embed>``, ``<base>``, ``<form>``, a refresh ``<meta>``) is never
  allowed, not even through the allow-list;
* links and images with a ``javascript:``, ``vbscript:`` or ``data:`` address;
* ``include``/``literalinclude`` of files outside the project (institution pages: outside
  their own folder and the shared ``handbook/``), also through symlinks or ``../``;
* page files that are symlinks to somewhere outside the project;
* ``html_meta`` in the front matter that refreshes or redirects the page.

E-mail addresses and phone numbers on public pages are found here too
(:func:`contacts_in`); the network can list the ones meant to be public
(``oeffentliche_kontakte``), and each institution's own contact data is public.

No Sphinx imports; :mod:`.guards` applies the rules during the build.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.diagnostics import Problem
from ..model.tomlfile import TomlFile

#: Elements and attributes that make HTML executable (or send the reader elsewhere).
_EXECUTABLE = (
    (re.compile(r"<\s*script\b", re.I), "ein <script>-Element"),
    (re.compile(r"<\s*(iframe|frame|object|embed|applet)\b", re.I), "ein eingebettetes Fremdfenster (iframe/object)"),
    (re.compile(r"<\s*(base|form)\b", re.I), "ein <base>- oder <form>-Element"),
    (re.compile(r"""[\s"'/]on[a-z]+\s*=""", re.I), "ein Ereignis-Attribut (on…=)"),
    (re.compile(r"(javascript|vbscript)\s*:", re.I), "eine javascript:-Adresse"),
    (re.compile(r"http-equiv\s*=\s*[\"']?\s*refresh", re.I), "eine automatische Weiterleitung (refresh)"),
)
_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
#: German phone numbers: 0 or +49, then at least 6 further digits with spaces, / or -.
_PHONE = re.compile(r"(?<![\w.])(?:\+49[\s/-]?|0)\d{2,5}(?:[\s/-]?\d){4,}(?![\w.])")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True, slots=True, kw_only=True)
class SecurityPolicy:
    """The network's exceptions (``[sicherheit]`` in ``netzwerk.toml``)."""

    #: name -> HTML snippet allowed verbatim (as raw HTML or ``raw`` directive)
    allowed_html: dict[str, str] = field(default_factory=dict)
    #: e-mail addresses and phone numbers meant to be public
    public_contacts: frozenset[str] = frozenset()


def load_policy(path: Path) -> tuple[SecurityPolicy, list[Problem]]:
    """Read ``[sicherheit]`` from the network file (missing file or table: no exceptions)."""
    if not path.is_file():
        return SecurityPolicy(), []
    src = TomlFile(path)
    if not src.ok:
        return SecurityPolicy(), []  # the network loader reports the broken file
    table = src.table_value(src.data, "sicherheit")
    problems: list[Problem] = []
    allowed: dict[str, str] = {}
    start = src.line("sicherheit") or 1
    for entry in src.tables(table, "html"):
        name = src.text_value(entry, "name", start=start).strip()
        snippet = src.text_value(entry, "html", start=start).strip()
        if not name or not snippet:
            problems.append(_bad(src, "Ein Eintrag in [[sicherheit.html]] braucht „name“ und „html“.", "html"))
        elif reason := executable(snippet):
            problems.append(
                _bad(src, f"Der erlaubte HTML-Baustein „{name}“ enthält {reason}; das ist nie erlaubt.", name)
            )
        else:
            allowed[name] = snippet
    contacts = frozenset(_normal_contact(c) for c in src.list_value(table, "oeffentliche_kontakte", start))
    problems = [*src.problems, *problems]
    return SecurityPolicy(allowed_html=allowed, public_contacts=contacts), problems


def _bad(src: TomlFile, message: str, key: str) -> Problem:
    return Problem(
        code="bad_value",
        message=message,
        hint="Siehe die Seite „Veröffentlichen“ im Autorenleitfaden.",
        file=src.path,
        line=src.line(key),
    )


def executable(html: str) -> str | None:
    """What makes ``html`` executable (German), or None."""
    for pattern, reason in _EXECUTABLE:
        if pattern.search(html):
            return reason
    return None


def allowed_snippet(html: str, policy: SecurityPolicy) -> str | None:
    """The name of the allow-list entry that permits exactly ``html`` (None: not allowed)."""
    if executable(html):
        return None
    text = " ".join(html.split())
    for name, snippet in policy.allowed_html.items():
        if " ".join(snippet.split()) == text:
            return name
    return None


def unsafe_url(uri: str) -> bool:
    """True for addresses the browser would execute or render as a document of its own."""
    return bool(_UNSAFE_SCHEME.match(uri))


def is_refresh(http_equiv: str) -> bool:
    """True for a ``<meta http-equiv>`` that reloads or redirects the page."""
    return http_equiv.strip().lower() in {"refresh", "set-cookie", "content-security-policy"}


def include_roots(srcdir: Path, page: Path, institutions_dir: str, shared_dir: str = "handbook") -> list[Path]:
    """Folders a page may include files from.

    Institution pages: their institution's folder and the shared folder. Other pages:
    the whole project.
    """
    root = srcdir.resolve()
    try:
        rel = page.resolve().relative_to(root)
    except ValueError:
        return []
    parts = rel.parts
    inst = Path(institutions_dir).parts
    if parts[: len(inst)] == inst and len(parts) > len(inst) + 1:
        return [root.joinpath(*parts[: len(inst) + 1]), root / shared_dir]
    return [root]


def outside(target: Path, roots: list[Path]) -> bool:
    """True when ``target`` (symlinks and ``..`` resolved) lies in none of ``roots``."""
    resolved = target.resolve()
    return not any(resolved.is_relative_to(r.resolve()) for r in roots)


def _normal_contact(text: str) -> str:
    return text.lower() if "@" in text else "".join(_DIGITS.findall(text.replace("+49", "0")))


#: Domains reserved for examples (RFC 2606): addresses there belong to no one.
_EXAMPLE_DOMAIN = re.compile(r"@(?:[\w-]+\.)*(?:example\.(?:org|com|net)|[\w-]+\.(?:example|test|invalid))$", re.I)


def contacts_in(text: str, public: frozenset[str]) -> list[str]:
    """E-mail addresses and phone numbers in ``text`` that are not listed as public.

    Addresses at the domains reserved for examples (``example.org``, ``*.example``) are
    documentation, not contacts, and are not reported.
    """
    found = [m.group(0) for m in _EMAIL.finditer(text) if not _EXAMPLE_DOMAIN.search(m.group(0))]
    found += [m.group(0).strip() for m in _PHONE.finditer(text) if len(_DIGITS.findall(m.group(0))) >= 7]
    return [c for c in found if _normal_contact(c) not in public]
