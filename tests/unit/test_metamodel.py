"""The metamodel is consistent and drives the sphinx-needs configuration."""

from __future__ import annotations

import re

import pytest

from qm_handbook.model.metamodel import ID_REGEX, MetamodelError, load_metamodel, needs_config, parse_metamodel


def test_every_type_becomes_a_need_type_with_german_title() -> None:
    model = load_metamodel()
    cfg = needs_config(model)
    by_directive = {t["directive"]: t for t in cfg["needs_types"]}
    assert set(by_directive) == set(model.types)
    assert by_directive["massnahme"]["title"] == "Maßnahme"
    assert by_directive["pruefkriterium"]["title"] == "Prüfkriterium"


def test_required_types_of_the_qm_model_exist() -> None:
    model = load_metamodel()
    for name in ("anforderung", "pruefkriterium", "umsetzung", "nachweis", "massnahme", "befund", "prozess"):
        assert name in model.types
    assert model.types["umsetzung"].status == ("umgesetzt", "teilweise", "geplant", "nicht anwendbar")
    assert "wirksam geprüft" in model.types["massnahme"].status


def test_links_have_german_titles_in_both_directions_and_valid_types() -> None:
    model = load_metamodel()
    cfg = needs_config(model)
    for name, link in model.links.items():
        assert cfg["needs_links"][name] == {"outgoing": link.outgoing, "incoming": link.incoming}
        assert link.outgoing != link.incoming
        assert set(link.sources) <= set(model.types)
    assert model.links["setzt_um"].targets == ("anforderung",)


def test_every_field_is_nullable_and_labelled() -> None:
    model = load_metamodel()
    cfg = needs_config(model)
    assert set(cfg["needs_fields"]) == set(model.fields)
    assert all(spec["nullable"] for spec in cfg["needs_fields"].values())
    assert all(f.label for f in model.fields.values())


def test_layout_shows_german_labels_of_all_fields() -> None:
    model = load_metamodel()
    meta = needs_config(model)["needs_layouts"]["qm"]["layout"]["meta"]
    joined = "\n".join(meta)
    assert 'prefix="Gültig bis: "' in joined
    assert 'prefix="Fällig am: "' in joined


@pytest.mark.parametrize("good", ["DQE_E1_1", "W1_DQE_E1_1", "W1_NW_LEITBILD", "NETZ_TR_2026_1_WEST"])
def test_id_regex_accepts_namespaced_ids(good: str) -> None:
    assert re.match(ID_REGEX, good)


@pytest.mark.parametrize("bad", ["DQE.E1.1", "w1_nw", "W1-NW-X", "LEITBILD"])
def test_id_regex_rejects_other_ids(bad: str) -> None:
    assert not re.match(ID_REGEX, bad)


def test_unknown_field_in_type_is_a_developer_error() -> None:
    data = {"fields": {}, "types": {"x": {"title": "X", "plural": "X", "scope": "network", "required": ["nope"]}}}
    with pytest.raises(MetamodelError, match="unknown fields"):
        parse_metamodel(data)
