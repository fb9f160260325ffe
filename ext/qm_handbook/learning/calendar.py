"""Calendar files (iCalendar, RFC 5545) for the network and every institution.

Written at the end of a website build into ``_build/html/kalender/``:

* ``netzwerk.ics``: all network meetings and the due dates of all action items;
* ``einrichtung-<kürzel>.ics``: the meetings of the institution's rotation groups (and
  network-wide ones), its next external and internal audit, the expiry of its
  certificate and the due dates of its open measures (including action items and
  peer-review findings assigned to it, read from the one report result).

Events are all-day events. UIDs are derived from IDs (``<art>-<kennung>@qm-handbuch``),
never random, and DTSTAMP is the build's as-of date, so two builds of the same sources
give byte-identical files and calendar programs update events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..background import connect_output
from ..compat.builder_output import SITE_BUILDERS
from ..compat.reuse import note_written, still_written
from ..model.labels import format_date
from .rotation import WHOLE_NETWORK

if TYPE_CHECKING:
    from sphinx.application import Sphinx

    from ..model.institutions import Institution
    from ..reports.coverage_model import CoverageResult
    from .network_result import LearningResult

#: folder of the calendar files in the website output
CALENDAR_DIR = "kalender"
UID_DOMAIN = "qm-handbuch"
PRODID = "-//qm-handbuch//Qualitätshandbuch im Netzwerk//DE"


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One all-day event."""

    uid: str
    date: dt.date
    summary: str
    description: str = ""


def calendar_name(code: str) -> str:
    """File name of an institution's calendar ("" → the network's)."""
    return f"einrichtung-{code.lower()}.ics" if code else "netzwerk.ics"


def _uid(kind: str, key: str) -> str:
    return f"{kind}-{key}@{UID_DOMAIN}".replace(" ", "_")


def network_events(learning: LearningResult) -> list[Event]:
    """Meetings and action-item due dates of the whole network."""
    events = [
        Event(uid=_uid("treffen", m.id), date=m.date, summary=m.title, description=f"Gastgeber: {m.host}")
        for m in learning.meetings
        if m.date is not None
    ]
    events += [
        Event(
            uid=_uid("aufgabe", i.id),
            date=i.due,
            summary=f"Fällig: {i.title}",
            description=f"Zuständig: {', '.join(i.assignees)}; Stand: {i.status}",
        )
        for i in learning.items
        if i.due is not None and not i.done
    ]
    return events


def institution_events(
    inst: Institution, groups: Iterable[str], learning: LearningResult, result: CoverageResult
) -> list[Event]:
    """Meetings, audits, certificate expiry and open measures of one institution."""
    wanted = set(groups)
    events = [
        Event(uid=_uid("treffen", m.id), date=m.date, summary=m.title, description=f"Gastgeber: {m.host}")
        for m in learning.meetings
        if m.date is not None and (m.group in wanted or m.group == WHOLE_NETWORK or m.host == inst.code)
    ]
    code = inst.code
    for kind, date, summary in (
        ("audit", inst.next_audit, "Externes Audit"),
        ("internes-audit", inst.next_internal_audit, "Internes Audit"),
        ("zertifikat", inst.certificate_valid_until, "Zertifikat läuft ab"),
    ):
        if date is not None:
            events.append(Event(uid=_uid(kind, code), date=date, summary=f"{summary} ({code})"))
    member = result.institutions.get(code)
    for ms in member.measures if member else ():
        if ms.due is not None and not ms.done:
            events.append(
                Event(
                    uid=_uid("massnahme", f"{code}-{ms.id}"),
                    date=ms.due,
                    summary=f"Fällig: {ms.title}",
                    description=f"Quelle: {ms.source}; Stand: {ms.status}; fällig am {format_date(ms.due)}",
                )
            )
    return events


def to_ical(name: str, events: Iterable[Event], as_of: dt.date) -> bytes:
    """The iCalendar file of ``events`` (sorted; DTSTAMP = ``as_of``)."""
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    for ev in sorted(events, key=lambda e: (e.date, e.uid)):
        item = IcsEvent()
        item.add("uid", ev.uid)
        item.add("dtstamp", stamp)
        item.add("dtstart", ev.date)
        item.add("dtend", ev.date + dt.timedelta(days=1))
        item.add("summary", ev.summary)
        if ev.description:
            item.add("description", ev.description)
        item.add("transp", "TRANSPARENT")
        cal.add_component(item)
    return bytes(cal.to_ical())


def write_calendars(app: Sphinx, exception: Exception | None) -> None:
    """Write the network's and every institution's calendar after a website build."""
    from ..compat.preview_mode import is_preview

    if exception is not None or app.builder.name not in SITE_BUILDERS or is_preview(app.config):
        return  # the live preview leaves the calendars as they are (see compat.preview_mode)
    from ..model.context import handbook_context
    from ..reports.result import get_result
    from .directives import get_learning

    ctx = handbook_context(app)
    folder = Path(app.outdir) / CALENDAR_DIR
    names = [calendar_name(""), *(calendar_name(inst.code) for inst in ctx.institutions)]
    if still_written(app, CALENDAR_DIR) and all((folder / name).is_file() for name in names):
        return  # written from the same needs and data before
    learning = get_learning(app)
    result = get_result(app)
    folder.mkdir(parents=True, exist_ok=True)
    network_name = ctx.network.name if ctx.network else "Netzwerk"
    files = {calendar_name(""): to_ical(network_name, network_events(learning), ctx.as_of)}
    for inst in ctx.institutions:
        groups = [g.code for g in ctx.rotation.groups if inst.code in g.order]
        events = institution_events(inst, groups, learning, result)
        files[calendar_name(inst.code)] = to_ical(f"{inst.short_name} ({inst.code})", events, ctx.as_of)
    for name, data in files.items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)
    note_written(app, CALENDAR_DIR)


def setup_calendar(app: Sphinx) -> None:
    """Write the calendar files at the end of every website build."""
    connect_output(app, write_calendars)
