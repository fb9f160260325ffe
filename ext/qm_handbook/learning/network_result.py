"""The learning network's data of one build: meetings, action items, rotation plans,
agreement versions, peer reviews and good-practice examples.

:func:`compute_learning` is pure: it reads the resolved needs (plain mappings), the
rotation data, the institutions and the as-of date once per build and indexes
everything the views need, so no page scans the needs again. Measures and gaps of
action items and peer reviews are not computed here: they are part of the one report
computation (:mod:`qm_handbook.reports.coverage`). No Sphinx imports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..model.catalog import Catalog, Requirement
from ..model.institutions import Institution
from ..model.labels import parse_date
from ..model.metamodel import Metamodel
from ..reports.network_measures import split_codes
from .rotation import WHOLE_NETWORK, RotationData, Turn, plan_rotation

NeedMap = Mapping[str, Any]
#: treffenstatus value of a meeting that took place
MEETING_HELD = "durchgeführt"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionItem:
    """A shared action item (``aufgabe``) with its state on the as-of date."""

    id: str
    title: str
    docname: str
    status: str
    due: dt.date | None
    assignees: tuple[str, ...]
    role: str
    meeting: str
    done: bool
    overdue: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    """A network meeting (``treffen``)."""

    id: str
    title: str
    docname: str
    date: dt.date | None
    host: str
    group: str
    held: bool
    status: str
    areas: str = ""
    participants: str = ""
    requirements: tuple[str, ...] = ()
    items: tuple[ActionItem, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementVersion:
    """One version of a network agreement (``vereinbarung``)."""

    id: str
    title: str
    docname: str
    version: str
    valid_from: dt.date | None
    meeting: str
    adopted_by: tuple[str, ...]
    #: members who have not (yet) adopted this version
    missing: tuple[str, ...]
    current: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PeerReview:
    """A finding one institution recorded for another (``rueckmeldung``)."""

    id: str
    title: str
    docname: str
    reviewer: str
    reviewed: tuple[str, ...]
    kind: str
    found_on: dt.date | None
    due: dt.date | None
    status: str
    done: bool
    overdue: bool
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """A statement or evidence an institution marked as good practice."""

    id: str
    title: str
    docname: str
    type_title: str
    institution: str
    requirement: str
    #: the requirement's number in its catalog, e.g. ``E1.1``
    number: str
    area: str


@dataclass(slots=True, kw_only=True)
class LearningResult:
    """Everything the learning-network views show (see the module docstring)."""

    as_of: dt.date
    meetings: list[Meeting] = field(default_factory=list)
    meetings_by_id: dict[str, Meeting] = field(default_factory=dict)
    items: list[ActionItem] = field(default_factory=list)
    plans: dict[str, list[Turn]] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)
    agreements: list[AgreementVersion] = field(default_factory=list)
    reviews_given: dict[str, list[PeerReview]] = field(default_factory=dict)
    reviews_received: dict[str, list[PeerReview]] = field(default_factory=dict)
    #: (catalog key, area code) → good-practice examples
    examples: dict[tuple[str, str], list[Example]] = field(default_factory=dict)


def _text(need: NeedMap, name: str) -> str:
    return str(need.get(name) or "")


def _links(need: NeedMap, name: str) -> tuple[str, ...]:
    value = need.get(name) or ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _order(need: NeedMap) -> tuple[str, int]:
    return (_text(need, "docname"), int(need.get("lineno") or 0))


def compute_learning(
    needs: Mapping[str, NeedMap],
    *,
    model: Metamodel,
    rotation: RotationData,
    institutions: Sequence[Institution],
    institution_of: Callable[[str], Institution | None],
    requirements: Mapping[str, tuple[Catalog, Requirement]],
    as_of: dt.date,
) -> LearningResult:
    """Index meetings, items, agreements, peer reviews and good practice; plan the rotation."""
    done_statuses = set(model.reports.measure_done)
    by_type: dict[str, list[NeedMap]] = defaultdict(list)
    for need in sorted(needs.values(), key=_order):
        by_type[_text(need, "type")].append(need)
    result = LearningResult(as_of=as_of)
    region_of = {i.code: i.region for i in institutions}
    group_codes = {g.code for g in rotation.groups}

    def state(need: NeedMap) -> tuple[dt.date | None, bool, bool]:
        due = parse_date(need.get("faellig_am"))
        done = _text(need, "status") in done_statuses
        return due, done, not done and due is not None and due < as_of

    items_of: dict[str, list[ActionItem]] = defaultdict(list)
    for need in by_type.get("aufgabe", []):
        due, done, overdue = state(need)
        item = ActionItem(
            id=_text(need, "id"),
            title=_text(need, "title"),
            docname=_text(need, "docname"),
            status=_text(need, "status"),
            due=due,
            assignees=split_codes(need.get("zustaendig")),
            role=_text(need, "verantwortlich"),
            meeting=next(iter(_links(need, "aus_treffen")), ""),
            done=done,
            overdue=overdue,
        )
        result.items.append(item)
        items_of[item.meeting].append(item)
    for need in by_type.get("treffen", []):
        host = _text(need, "gastgeber")
        group = _text(need, "verbund") or region_of.get(host, "")
        if group not in group_codes and len(rotation.groups) == 1:
            group = rotation.groups[0].code
        meeting = Meeting(
            id=_text(need, "id"),
            title=_text(need, "title"),
            docname=_text(need, "docname"),
            date=parse_date(need.get("datum")),
            host=host,
            group=group,
            held=_text(need, "status") == MEETING_HELD,
            status=_text(need, "status"),
            areas=_text(need, "bereiche"),
            participants=_text(need, "teilnehmende"),
            requirements=_links(need, "behandelt"),
            items=tuple(items_of.get(_text(need, "id"), ())),
        )
        result.meetings.append(meeting)
    result.meetings.sort(key=lambda m: (m.date or dt.date.max, m.id))
    result.meetings_by_id = {m.id: m for m in result.meetings}
    for rgroup in rotation.groups:
        held = [(m.date, m.host) for m in result.meetings if m.held and m.group == rgroup.code and m.date]
        result.plans[rgroup.code] = plan_rotation(rgroup, held, rotation.changes, as_of)
        result.group_names[rgroup.code] = rgroup.name if rgroup.code != WHOLE_NETWORK else "Gesamtnetzwerk"
    _agreements(result, by_type.get("vereinbarung", []), [i.code for i in institutions])
    _reviews(result, by_type.get("rueckmeldung", []), institution_of, state)
    _examples(result, needs, by_type, institution_of, requirements)
    return result


def _agreements(result: LearningResult, needs: Sequence[NeedMap], members: Sequence[str]) -> None:
    versions = []
    for need in needs:
        adopted = split_codes(need.get("angenommen_von"))
        versions.append(
            AgreementVersion(
                id=_text(need, "id"),
                title=_text(need, "title"),
                docname=_text(need, "docname"),
                version=_text(need, "fassung"),
                valid_from=parse_date(need.get("gueltig_ab")),
                meeting=next(iter(_links(need, "aus_treffen")), ""),
                adopted_by=adopted,
                missing=tuple(c for c in members if c not in adopted),
            )
        )
    versions.sort(key=lambda v: (v.valid_from or dt.date.min, v.version))
    in_force = [v for v in versions if v.valid_from is not None and v.valid_from <= result.as_of]
    current = in_force[-1].id if in_force else ""
    result.agreements = [replace(v, current=v.id == current) for v in versions]


def _reviews(
    result: LearningResult,
    needs: Sequence[NeedMap],
    institution_of: Callable[[str], Institution | None],
    state: Callable[[NeedMap], tuple[dt.date | None, bool, bool]],
) -> None:
    given: dict[str, list[PeerReview]] = defaultdict(list)
    received: dict[str, list[PeerReview]] = defaultdict(list)
    for need in needs:
        reviewer = institution_of(_text(need, "docname"))
        due, done, overdue = state(need)
        review = PeerReview(
            id=_text(need, "id"),
            title=_text(need, "title"),
            docname=_text(need, "docname"),
            reviewer=reviewer.code if reviewer else "",
            reviewed=split_codes(need.get("fuer")),
            kind=_text(need, "befundart"),
            found_on=parse_date(need.get("festgestellt_am")),
            due=due,
            status=_text(need, "status"),
            done=done,
            overdue=overdue,
            requirements=_links(need, "verbessert"),
        )
        given[review.reviewer].append(review)
        for code in review.reviewed:
            received[code].append(review)
    result.reviews_given = dict(given)
    result.reviews_received = dict(received)


def _examples(
    result: LearningResult,
    needs: Mapping[str, NeedMap],
    by_type: Mapping[str, list[NeedMap]],
    institution_of: Callable[[str], Institution | None],
    requirements: Mapping[str, tuple[Catalog, Requirement]],
) -> None:
    titles = {"umsetzung": "Umsetzung", "nachweis": "Nachweis"}
    examples: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for type_name in ("umsetzung", "nachweis"):
        for need in by_type.get(type_name, []):
            if _text(need, "gute_praxis") != "ja":
                continue
            inst = institution_of(_text(need, "docname"))
            if inst is None:
                continue
            reqs: list[str] = []
            for target in _links(need, "setzt_um") + _links(need, "belegt"):
                if target in requirements:
                    reqs.append(target)
                else:
                    reqs += [t for t in _links(needs.get(target, {}), "setzt_um") if t in requirements]
            for req in dict.fromkeys(reqs):
                catalog, requirement = requirements[req]
                examples[(catalog.key, requirement.area)].append(
                    Example(
                        id=_text(need, "id"),
                        title=_text(need, "title"),
                        docname=_text(need, "docname"),
                        type_title=titles[type_name],
                        institution=inst.code,
                        requirement=req,
                        number=requirement.number,
                        area=requirement.area,
                    )
                )
    result.examples = dict(examples)
