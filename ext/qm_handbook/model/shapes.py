"""The shapes of the data files, as types: ``einrichtung.toml``, ``netzwerk.toml``, catalogs.

These TypedDicts are the contract between the people who write the TOML files and
the loaders (:mod:`.institutions`, :mod:`.catalog`): which keys a table may have,
which are required and what type each value has after ``tomllib`` read it (dates
without quotes become :class:`datetime.date`). The institution and catalog loaders
take their allowed keys from here (:func:`keys_of`, :func:`tables_of`), so a new key
is added once, in its shape; the loaders still check every value and report German
problems with file and line. A test checks the demo data against every shape.
"""

# No ``from __future__ import annotations``: ``Required``/``NotRequired`` must be seen at runtime.
import datetime as dt
from typing import Any, NotRequired, Required, TypedDict, get_type_hints


class AddressTable(TypedDict, total=False):
    """``[adresse]`` of ``einrichtung.toml``."""

    strasse: str
    plz: str
    ort: str


class ContactTable(TypedDict, total=False):
    """``[kontakt]`` of ``einrichtung.toml``."""

    telefon: str
    email: str
    web: str


class CertificationTable(TypedDict, total=False):
    """``[zertifizierung]`` of ``einrichtung.toml``."""

    stelle: str
    zertifikat_gueltig_bis: dt.date
    naechstes_audit: dt.date
    #: further certificates (e.g. "AZAV")
    zusatz: list[str]


class QmTable(TypedDict, total=False):
    """``[qm]`` of ``einrichtung.toml``."""

    naechstes_internes_audit: dt.date
    #: code of the institution that audits this one in the cross audit
    partner_cross_audit: str


class HandbookTable(TypedDict, total=False):
    """``[handbuch]`` of ``einrichtung.toml``."""

    version: str
    freigegeben_von: str
    freigegeben_am: dt.date


class InstitutionFile(TypedDict, total=False):
    """``institutions/<slug>/einrichtung.toml``: one member institution's profile."""

    name: Required[str]
    kurzname: str
    #: short code, 1–8 capitals or digits, e.g. "W1" (the prefix of its need IDs)
    kuerzel: Required[str]
    #: code of a region in ``netzwerk.toml`` (required when the network has regions)
    region: str
    art: str
    fiktiv: bool
    #: one of the institution statuses of the model (e.g. "zertifiziert")
    status: str
    #: the catalog the institution answers, "<kürzel> <version>", e.g. "DQE 1.0"
    katalog: Required[str]
    zielgruppen: list[str]
    adresse: AddressTable
    kontakt: ContactTable
    zertifizierung: CertificationTable
    qm: QmTable
    handbuch: HandbookTable
    #: default visibility of the institution's pages: "öffentlich" (default) or "intern"
    sichtbarkeit: str


class RegionTable(TypedDict):
    """One ``[[region]]`` of ``netzwerk.toml``: a regional network."""

    kuerzel: str
    name: str
    fiktiv: NotRequired[bool]
    #: institution codes in their hosting order
    rotation: NotRequired[list[str]]
    #: quarters (1–4) in which the region does not meet (e.g. 3: joint workshop)
    pausen: NotRequired[list[int]]


class RotationChangeTable(TypedDict):
    """One ``[[rotation_aenderung]]``: a swap or skip in a hosting rotation."""

    #: first quarter it applies to, ``JJJJ-Q``
    quartal: str
    #: "tausch" or "aussetzen"
    art: str
    gastgeber: str
    #: the other host of a swap
    mit: NotRequired[str]
    #: rotation group (region code or "gesamt"); optional with one group
    verbund: NotRequired[str]


class AllowedHtmlTable(TypedDict):
    """One ``[[sicherheit.html]]``: an HTML snippet the network allows verbatim."""

    name: str
    html: str


class SecurityTable(TypedDict, total=False):
    """``[sicherheit]`` of ``netzwerk.toml``: exceptions of the content security checks."""

    html: list[AllowedHtmlTable]
    #: e-mail addresses and phone numbers meant to be public
    oeffentliche_kontakte: list[str]


class NetworkFile(TypedDict, total=False):
    """``handbook/netzwerk.toml``: the network and its regional networks."""

    name: Required[str]
    #: title of the website (default: "Qualitätshandbuch <name>")
    titel: str
    #: who publishes the handbook (author and copyright; default: the network's name)
    herausgeber: str
    #: address of the "Seite bearbeiten" link, with {datei} for the page's file (empty: no link)
    bearbeiten: str
    kurzbeschreibung: str
    gegruendet: str
    region: list[RegionTable]
    #: hosting rotation of a network without regions (or of network-wide meetings)
    rotation: list[str]
    #: quarters (1–4) in which the network-wide group does not meet
    rotation_pausen: list[int]
    rotation_aenderung: list[RotationChangeTable]
    sicherheit: SecurityTable


class CriterionTable(TypedDict):
    """One ``[[bereich.anforderung.kriterium]]``: an audit criterion."""

    nummer: str
    text: str


class RequirementTable(TypedDict, total=False):
    """One ``[[bereich.anforderung]]``: a requirement."""

    nummer: Required[str]
    titel: Required[str]
    text: Required[str]
    #: references to other standards (e.g. "ISO 9001:2015 Abschnitt 5.2")
    bezuege: list[str]
    kriterium: list[CriterionTable]


class AreaTable(TypedDict, total=False):
    """One ``[[bereich]]``: a quality area of a catalog."""

    kennung: Required[str]
    titel: Required[str]
    #: the area's level; one of the values of ``[katalog.gliederung] ebene`` when the catalog declares it
    #: (further classification keys of ``[katalog.gliederung]`` are allowed as area keys too)
    ebene: str
    beschreibung: str
    anforderung: list[RequirementTable]


class CatalogHead(TypedDict, total=False):
    """``[katalog]``: the catalog's name and version."""

    kuerzel: Required[str]
    name: Required[str]
    version: Required[str]
    titel: str
    #: an illustrative placeholder, not the official text
    illustrativ: bool
    hinweis: str
    beschreibung: str
    #: area classifications: key (e.g. "ebene") -> allowed values
    gliederung: dict[str, list[str]]


class CatalogFile(TypedDict):
    """A catalog file ``handbook/katalog/<name>.toml``."""

    katalog: CatalogHead
    bereich: list[AreaTable]


def keys_of(shape: Any) -> frozenset[str]:
    """The keys a TOML table of ``shape`` (a TypedDict class) may have."""
    keys: frozenset[str] = shape.__required_keys__ | shape.__optional_keys__
    return keys


def tables_of(shape: Any) -> dict[str, Any]:
    """Key → shape of the keys of ``shape`` that hold a table (in declaration order)."""
    return {key: hint for key, hint in get_type_hints(shape).items() if hasattr(hint, "__required_keys__")}


def required_keys_of(shape: Any) -> frozenset[str]:
    """The keys a TOML table of ``shape`` (a TypedDict class) must have."""
    keys: frozenset[str] = shape.__required_keys__
    return keys
