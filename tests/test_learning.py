"""The learning network on a small one-group test root (``tests/roots/test-learning``).

The root has two institutions (L1, L2) in one rotation group without regions, one
meeting with two action items (NETZ_AUF_1 for L1 and L2, due 31.03.2026, open;
NETZ_AUF_2 for L1, done), a peer review L1 → L2 (L1_RM_1, due 30.06.2026), an
agreement in two versions (1.0 in force since 01.01.2026; 2.0 from 2027, adopted by L1
only) and one good-practice statement (L1 fully implements E1.1, which L2 lacks).
The root is built once before and once after the action item's due date.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import vobject
from sphinx.testing.util import SphinxTestApp

from conftest import soup, text_of, warnings_of
from qm_handbook.learning.rotation import RotationChange, RotationGroup, load_rotation, plan_rotation, rotation_problems

ROOT = Path(__file__).parent / "roots" / "test-learning"
BEFORE, AFTER = "2026-03-01", "2026-04-15"


@dataclass(frozen=True)
class Built:
    """What the tests read of one build (the app is cleaned up right after building)."""

    outdir: Path
    warnings: str


def _build(workdir: Path, as_of: str) -> Built:
    src = workdir / "src"
    shutil.copytree(ROOT, src)
    app = SphinxTestApp("html", srcdir=src, freshenv=True, confoverrides={"handbook_as_of": as_of})
    try:
        app.build(force_all=True)
        return Built(outdir=Path(app.outdir), warnings=warnings_of(app))
    finally:
        app.cleanup()


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("before"), BEFORE)


@pytest.fixture(scope="module")
def after(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory.mktemp("after"), AFTER)


def metrics(app: Built, code: str) -> dict[str, Any]:
    data = json.loads((Path(app.outdir) / "metrics.json").read_text(encoding="utf-8"))
    return next(i for i in data["institutions"] if i["code"] == code)  # type: ignore[no-any-return]


def page(app: Built, docname: str) -> Any:
    return soup(Path(app.outdir) / f"{docname}.html")


def test_builds_without_warnings(before: Built, after: Built) -> None:
    assert before.warnings == ""
    assert after.warnings == ""


def test_action_item_is_a_measure_of_each_assignee(before: Built) -> None:
    for code in ("L1", "L2"):
        plan = text_of(
            page(before, f"institutions/lern-{'eins' if code == 'L1' else 'zwei'}/stand").find(
                class_="qm-massnahmenplan"
            )
        )
        assert "Jahresziele gemeinsam abstimmen" in plan
        assert "Netzwerk" in plan
    # Not yet overdue: no gap, in no view.
    gaps = [g["need_id"] for g in metrics(before, "L1")["gaps"]]
    assert "NETZ_AUF_1" not in gaps


def test_overdue_action_item_is_a_gap_of_each_assignee(after: Built) -> None:
    for code, slug in (("L1", "eins"), ("L2", "zwei")):
        overdue = [g for g in metrics(after, code)["gaps"] if g["kind"] == "massnahme_ueberfaellig"]
        assert [g["need_id"] for g in overdue if g["need_id"].startswith("NETZ")] == ["NETZ_AUF_1"]
        gap_list = text_of(page(after, f"institutions/lern-{slug}/stand").find(class_="qm-luecken"))
        assert "Jahresziele gemeinsam abstimmen" in gap_list
        assert "fällig am 31.03.2026" in gap_list
    # The finished item is never overdue.
    assert all(g["need_id"] != "NETZ_AUF_2" for g in metrics(after, "L1")["gaps"])


def test_meeting_page_lists_its_items_with_current_status(before: Built, after: Built) -> None:
    for app, overdue in ((before, False), (after, True)):
        table = page(app, "netzwerk/treffen").find(class_="qm-aufgaben")
        rows = [text_of(r) for r in table.find("tbody").find_all("tr")]
        assert len(rows) == 2
        assert rows[0].startswith("Jahresziele gemeinsam abstimmen L1, L2 (QMB) 31.03.2026 offen")
        assert ("überfällig" in rows[0]) is overdue
        assert rows[1] == "Protokoll versenden L1 20.02.2026 erledigt"


def test_peer_review_is_a_measure_of_the_reviewed_institution(before: Built) -> None:
    plan = text_of(page(before, "institutions/lern-zwei/stand").find(class_="qm-massnahmenplan"))
    assert "Ziele ohne Kennzahlen" in plan
    assert "kollegiale Beratung" in plan
    assert "Ziele ohne Kennzahlen" not in text_of(
        page(before, "institutions/lern-eins/stand").find(class_="qm-massnahmenplan")
    )
    # Shown on both sides: received by L2, given by L1.
    received = [text_of(t) for t in page(before, "institutions/lern-zwei/stand").find_all(class_="qm-rueckmeldungen")]
    given = [text_of(t) for t in page(before, "institutions/lern-eins/stand").find_all(class_="qm-rueckmeldungen")]
    assert len(received) == 1 and "Ziele ohne Kennzahlen L1 Hinweis 30.06.2026 offen" in received[0]
    assert len(given) == 1 and "Ziele ohne Kennzahlen L2 Hinweis" in given[0]


def test_good_practice_partners_next_to_a_gap(before: Built) -> None:
    gap_list = page(before, "institutions/lern-zwei/stand").find(class_="qm-luecken")
    row = next(r for r in gap_list.find_all("tr") if "E1.1 Leitbild vorhanden" in text_of(r))
    link = row.find(class_="qm-partner").find("a")
    assert link.get_text() == "L1"
    assert link["href"].endswith("lern-eins/umsetzung.html#L1_MINI_E1_1")
    assert [g["partners"] for g in metrics(before, "L2")["gaps"] if g["requirement"] == "MINI_E1_1"] == [["L1"]]
    examples = text_of(page(before, "netzwerk/gute-praxis"))
    assert "L1: Leitbild L1 (Umsetzung zu E1.1)" in examples


def test_agreement_shows_version_in_force_and_history(before: Built) -> None:
    view = page(before, "netzwerk/vereinbarung")
    assert "Gültig ist Fassung 1.0 seit 01.01.2026." in text_of(view.find(class_="qm-vereinbarung-aktuell"))
    rows = [text_of(r) for r in view.find(class_="qm-vereinbarung").find("tbody").find_all("tr")]
    assert rows[0].startswith("2.0 01.01.2027 Erstes Treffen L1 noch nicht: L2")
    assert rows[1].startswith("1.0 (gültig) 01.01.2026 Erstes Treffen L1, L2")


def test_rotation_of_a_network_without_regions(before: Built) -> None:
    rows = [
        text_of(r) for r in page(before, "netzwerk/treffen").find(class_="qm-rotation").find("tbody").find_all("tr")
    ]
    # L1 hosted in Q1 2026, so the plan starts in Q2 with L2.
    assert rows == ["2. Quartal 2026 L2 –", "3. Quartal 2026 L1 –", "4. Quartal 2026 L2 –", "1. Quartal 2027 L1 –"]


def test_rotation_across_a_year_with_swap_and_skip() -> None:
    group = RotationGroup(code="west", name="West", order=("W1", "W2", "W3", "W4"), pauses=frozenset({3}))
    held = [(dt.date(2026, 2, 18), "W1")]
    changes = [
        RotationChange(quarter=(2026, 2), group="west", kind="tausch", host="W2", other="W3"),
        RotationChange(quarter=(2026, 4), group="west", kind="aussetzen", host="W4"),
        RotationChange(quarter=(2026, 2), group="ost", kind="aussetzen", host="W3"),  # other group: ignored
    ]
    plan = plan_rotation(group, held, changes, dt.date(2026, 3, 10), count=5)
    assert [(t.quarter, t.host) for t in plan] == [
        ((2026, 2), "W3"),  # swapped with W2
        ((2026, 4), "W2"),  # Q3 is a pause
        ((2027, 1), "W1"),  # W4 skips its turn
        ((2027, 2), "W2"),
        ((2027, 4), "W3"),
    ]
    assert plan[0].note == "getauscht mit W2"
    assert plan[2].note == "W4 setzt aus"
    # Without changes the order simply continues after the last host.
    plain = plan_rotation(group, held, [], dt.date(2026, 3, 10))
    assert [t.host for t in plain] == ["W2", "W3", "W4", "W1"]
    # A change in a quarter already past (before the last meeting) no longer applies.
    later = plan_rotation(group, [*held, (dt.date(2026, 5, 20), "W3")], changes[:1], dt.date(2026, 6, 1))
    assert [t.host for t in later][:2] == ["W4", "W1"]


def test_bad_rotation_code_gets_a_german_message_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "netzwerk.toml"
    path.write_text(
        'name = "Netz"\n\n[[region]]\nkuerzel = "west"\nname = "West"\nrotation = ["W1", "W9"]\n'
        '\n[[region]]\nkuerzel = "ost"\nname = "Ost"\nrotation = ["O1"]\n',
        encoding="utf-8",
    )
    rotation, problems = load_rotation(path)
    assert problems == []
    found = rotation_problems(rotation, ["W1", "W2", "O1"], path)
    assert [(p.code, p.line) for p in found] == [("rotation_unknown_code", 6), ("rotation_missing", 6)]
    assert found[0].text() == (
        "Die Rotation „west“ nennt „W9“; keine Einrichtung hat dieses Kürzel. "
        "Entfernen Sie das Kürzel oder legen Sie die Einrichtung an."
    )
    assert found[0].location(tmp_path) == "netzwerk.toml:6"
    assert "W2 kommt in keiner Gastgeber-Rotation vor" in found[1].text()


def test_bad_rotation_change_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "netzwerk.toml"
    path.write_text(
        'name = "Netz"\nrotation = ["A1", "B1"]\n\n[[rotation_aenderung]]\nquartal = "2027-2"\nart = "tauschen"\n'
        'gastgeber = "A1"\nmit = "B1"\n',
        encoding="utf-8",
    )
    _rotation, problems = load_rotation(path)
    assert [(p.code, p.line) for p in problems] == [("rotation_change", 4)]
    assert "„art“ hat den Wert „tauschen“" in problems[0].text()


def _events(app: Built, name: str) -> dict[str, tuple[str, dt.date]]:
    text = (Path(app.outdir) / "kalender" / name).read_text(encoding="utf-8")
    cal = vobject.readOne(text)
    return {ev.uid.value: (ev.summary.value, ev.dtstart.value) for ev in cal.vevent_list}


def test_calendars_parse_and_have_stable_uids(tmp_path: Path, before: Built) -> None:
    network = _events(before, "netzwerk.ics")
    assert network == {
        "treffen-NETZ_TR_1@qm-handbuch": ("Erstes Treffen", dt.date(2026, 2, 10)),
        "aufgabe-NETZ_AUF_1@qm-handbuch": ("Fällig: Jahresziele gemeinsam abstimmen", dt.date(2026, 3, 31)),
    }
    l2 = _events(before, "einrichtung-l2.ics")
    assert l2 == {
        "treffen-NETZ_TR_1@qm-handbuch": ("Erstes Treffen", dt.date(2026, 2, 10)),
        "internes-audit-L2@qm-handbuch": ("Internes Audit (L2)", dt.date(2026, 10, 15)),
        "massnahme-L2-NETZ_AUF_1@qm-handbuch": ("Fällig: Jahresziele gemeinsam abstimmen", dt.date(2026, 3, 31)),
        "massnahme-L2-L1_RM_1@qm-handbuch": ("Fällig: Ziele ohne Kennzahlen", dt.date(2026, 6, 30)),
    }
    # A second build of the same sources writes byte-identical files (same UIDs, DTSTAMP = as-of date).
    again = _build(tmp_path, BEFORE)
    for name in ("netzwerk.ics", "einrichtung-l1.ics", "einrichtung-l2.ics"):
        first = (before.outdir / "kalender" / name).read_bytes()
        assert (again.outdir / "kalender" / name).read_bytes() == first
    assert b"DTSTAMP:20260301T000000Z" in first
    link = page(before, "institutions/lern-zwei/stand").find("a", string="Kalender der Einrichtung L2")
    assert link["href"] == "../../kalender/einrichtung-l2.ics"


def test_learning_cycle_counts_measures_by_phase_and_quarter(before: Built) -> None:
    view = page(before, "institutions/lern-zwei/stand")
    svg = view.find("svg", class_="qm-lernzyklus")
    assert svg["role"] == "img" and svg.find("title").get_text() == "Lernzyklus L2"
    assert "1/2026: Planen 1, Umsetzen 0, Prüfen 0, Verankern 0" in svg.find("desc").get_text()
    rows = {text_of(r).split(" ")[0]: text_of(r) for r in view.find(class_="qm-lernzyklus-tabelle").find_all("tr")}
    # The action item (due 31.03.2026) and the peer review (due 30.06.2026), both still to plan.
    assert rows["1/2026"] == "1/2026 1 0 0 0 1"
    assert rows["2/2026"] == "2/2026 1 0 0 0 1"
    assert rows["4/2024"] == "4/2024 0 0 0 0 0"
