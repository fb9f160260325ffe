"""The handbook's own need cards (instead of sphinx-needs' layout grid).

A card is a small, light block: the type and title with the ID, the status as a badge
(icon and text; the colour only repeats it), the filled fields of the type with their
German labels and German dates, the linked needs by their number and title (with the
date and status of evidence and measures, and the institution when it is another one),
and the need's content. Everything comes from the metamodel, so a new need type gets a
card without code.

Link labels come from :class:`CardIndex`, built once per build from all needs, so a
card costs the same at 13,000 needs as at 300. The cards are plain docutils nodes:
they work for every builder. The hook into sphinx-needs is in
:mod:`qm_handbook.compat.cards`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docutils import nodes

from ..model.labels import css_token, format_date, germanize_dates, parse_date
from ..model.metamodel import HIDDEN_FIELDS, Metamodel, TypeDef

if TYPE_CHECKING:
    from ..model.institutions import Institution

#: ``uri(target_docname, anchor)`` → URI relative to the page being written.
Linker = Callable[[str, str], str]
#: Lists longer than this are shown in columns.
_LONG_LIST = 6


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """What a card shows for a need it links to."""

    docname: str
    type_name: str
    label: str
    detail: str
    status: str
    institution: str


class CardIndex:
    """Link labels of all needs of a build, computed once (ID → :class:`LinkTarget`)."""

    def __init__(
        self,
        needs: Mapping[str, Mapping[str, Any]],
        model: Metamodel,
        institution_of: Callable[[str], Institution | None],
        *,
        shown: Callable[[str], bool] = lambda _need_id: True,
        marker: Callable[[], nodes.Node] = lambda: nodes.inline("intern", "intern"),
    ) -> None:
        self.model = model
        self.institution_of = institution_of
        #: whether this build may show a need (the public profile hides internal ones)
        self.shown = shown
        #: what stands in place of hidden needs
        self.marker = marker
        self.targets: dict[str, LinkTarget] = {}
        for need_id, need in needs.items():
            type_def = model.types.get(str(need.get("type", "")))
            docname = str(need.get("docname") or "")
            institution = institution_of(docname) if docname else None
            self.targets[need_id] = LinkTarget(
                docname=docname,
                type_name=type_def.name if type_def else "",
                label=need_label(need),
                detail=_date_detail(need, type_def, model),
                status=str(need.get("status") or "") if type_def and type_def.status else "",
                institution=institution.short_name if institution else "",
            )

    def get(self, need_id: str) -> LinkTarget | None:
        """The target of ``need_id`` (None for an unknown ID)."""
        return self.targets.get(need_id)


def need_label(need: Mapping[str, Any]) -> str:
    """``E1.1 Leitbild`` for needs with a catalog number (once), else the title."""
    title = str(need.get("title") or need.get("id") or "")
    number = str(need.get("nummer") or "")
    return f"{number} {title}" if number and not title.startswith(number) else title


def _date_detail(need: Mapping[str, Any], type_def: TypeDef | None, model: Metamodel) -> str:
    """``Fällig am 31.03.2026``: the first filled date field of the type."""
    if type_def is None:
        return ""
    for name in type_def.fields:
        definition = model.fields[name]
        if definition.kind != "date" or name in HIDDEN_FIELDS:
            continue
        date = parse_date(need.get(name) or "")
        if date is not None:
            return f"{definition.label} {format_date(date)}"
    return ""


def status_badge(status: str, model: Metamodel) -> nodes.inline:
    """The status as a badge: text plus an icon from CSS (class ``qm-sk-<kind>``)."""
    kind = model.status_kind(status)
    return nodes.inline(status, status, classes=["qm-status", f"qm-sk-{kind}", f"qm-wert-{css_token(status)}"])


def render_card(
    need: Mapping[str, Any],
    content: Iterable[nodes.Node],
    *,
    index: CardIndex,
    uri: Linker,
    here: str,
) -> nodes.container:
    """The card of ``need`` on page ``here``; ``content`` are the need's body nodes (moved in)."""
    model = index.model
    type_name = str(need["type"])
    type_def = model.types[type_name]
    need_id = str(need["id"])
    card = nodes.container(ids=[need_id], classes=["qm-need", f"qm-need-{type_name}"])
    head = nodes.paragraph(classes=["qm-need-kopf"])
    head += nodes.inline(type_def.title, type_def.title, classes=["qm-need-typ"])
    head += nodes.Text(": ")
    head += nodes.strong(str(need.get("title") or ""), str(need.get("title") or ""), classes=["qm-need-titel"])
    head += nodes.Text(" ")
    head += nodes.reference(need_id, need_id, refuri=f"#{need_id}", internal=True, classes=["qm-need-id"])
    card += head
    fields = _field_list(need, type_def, index, uri, here)
    if fields.children:
        card += fields
    body = nodes.container(classes=["qm-need-inhalt"])
    body.extend(list(content))
    if body.children:
        card += body
    return card


def _field_list(
    need: Mapping[str, Any], type_def: TypeDef, index: CardIndex, uri: Linker, here: str
) -> nodes.field_list:
    model = index.model
    fields = nodes.field_list(classes=["qm-need-felder"])
    status = str(need.get("status") or "")
    if type_def.status and status:
        fields += _field("Status", nodes.paragraph("", "", status_badge(status, model)))
    for name in type_def.fields:
        if name in HIDDEN_FIELDS:
            continue
        value = need.get(name)
        if value is None or value == "":
            continue
        text = germanize_dates(str(value)) if model.fields[name].kind == "date" else str(value)
        fields += _field(model.fields[name].label, nodes.paragraph(text, text))
    for link in model.links.values():
        if type_def.name in link.sources and need.get(link.name):
            fields += _links_field(link.outgoing, need[link.name], index, uri, here)
    for link in model.links.values():
        if type_def.name in link.targets and need.get(f"{link.name}_back"):
            fields += _links_field(link.incoming, need[f"{link.name}_back"], index, uri, here)
    return fields


def _field(label: str, body: nodes.Node) -> nodes.field:
    field = nodes.field()
    field += nodes.field_name(label, label)
    field += nodes.field_body("", body)
    return field


def _links_field(label: str, ids: Iterable[str], index: CardIndex, uri: Linker, here: str) -> nodes.field:
    wanted = [str(i) for i in ids]
    entries = [_link_entry(i, index, uri, here) for i in wanted if index.shown(i)]
    if len(entries) < len(wanted):
        # Hidden (internal) needs: one marker, neither their titles nor how many there are.
        entries.append(nodes.paragraph("", "", index.marker(), classes=["qm-need-link"]))
    if len(entries) == 1:
        return _field(label, entries[0])
    items = nodes.bullet_list(classes=["qm-need-links", *(["qm-need-links-lang"] if len(entries) > _LONG_LIST else [])])
    for entry in entries:
        items += nodes.list_item("", entry)
    return _field(label, items)


def _link_entry(need_id: str, index: CardIndex, uri: Linker, here: str) -> nodes.paragraph:
    para = nodes.paragraph(classes=["qm-need-link"])
    target = index.get(need_id)
    if target is None:
        para += nodes.literal(need_id, need_id)
        return para
    here_institution = index.institution_of(here)
    if target.institution and (here_institution is None or here_institution.short_name != target.institution):
        para += nodes.inline(target.institution, target.institution, classes=["qm-need-einrichtung"])
        para += nodes.Text(": ")
    para += nodes.reference(
        target.label, target.label, refuri=uri(target.docname, need_id), internal=True, classes=["qm-need-ref"]
    )
    if target.detail:
        para += nodes.Text(" · ")
        para += nodes.inline(target.detail, target.detail, classes=["qm-need-datum"])
    if target.status:
        para += nodes.Text(" ")
        para += status_badge(target.status, index.model)
    return para
