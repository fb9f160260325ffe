"""Examples on generated pages name the current network's institutions and catalog."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from qm_handbook.model.catalog import load_catalog
from qm_handbook.model.institutions import Institution
from qm_handbook.model.metamodel import load_metamodel
from qm_handbook.site.examples import localize

REPO = Path(__file__).resolve().parents[2]
TEXT = (
    "institutions/vhs/anforderungen/e1.md:14: W1_DQE_E1_1 verweist bei „setzt um“ auf „DQE_E1_9“, die es nicht gibt. "
    "Katalog „DQE 1.0“; _build/html/pdf/vhs-leipziger-land.pdf; W9; institutions/b/einrichtung.toml"
)


OTHER = """[katalog]
kuerzel = "LQX"
name = "Lernorientiert"
version = "2"

[[bereich]]
kennung = "QB1"
titel = "Leitbild"

[[bereich.anforderung]]
nummer = "QB1.1"
titel = "Leitbild beschlossen"
text = "Die Organisation hat ein Leitbild."
"""


def _ctx(institutions: list[Institution], catalog_path: Path) -> Any:
    catalog, problems = load_catalog(catalog_path, load_metamodel())
    assert catalog is not None and problems == []
    return SimpleNamespace(
        institutions=institutions,
        by_code={i.code: i for i in institutions},
        catalogs={catalog.key: catalog},
        institutions_dir="institutions",
    )


def _inst(code: str, slug: str, catalog: str) -> Institution:
    return Institution(
        slug=slug, code=code, name=slug, short_name=slug, region="", kind="", fictional=True, status="", catalog=catalog
    )


def test_demo_examples_stay_in_the_demo() -> None:
    people = [_inst("O1", "bz-zittauer-bergland", "DQE 1.0"), _inst("W1", "vhs-leipziger-land", "DQE 1.0")]
    text = localize(TEXT, _ctx(people, REPO / "handbook/katalog/demo-qe-1.0.toml"))
    assert "W1_DQE_E1_1" in text and "„DQE_E1_9“" in text and "vhs-leipziger-land.pdf" in text
    assert text.startswith("institutions/vhs-leipziger-land/anforderungen/e1.md")


def test_examples_follow_another_network(tmp_path: Path) -> None:
    path = tmp_path / "lqx-2.toml"
    path.write_text(OTHER, encoding="utf-8")
    people = [_inst("V1", "bildungshaus-a", "LQX 2"), _inst("V2", "bildungshaus-b", "LQX 2")]
    text = localize(TEXT, _ctx(people, path))
    for demo in ("W1", "DQE", "vhs", "leipziger", "W9"):
        assert demo not in text, text
    assert "V1_LQX_QB1_1" in text and "„LQX_QB1_9“" in text and "Katalog „LQX 2“" in text
    assert "pdf/bildungshaus-a.pdf" in text and "institutions/bildungshaus-b/einrichtung.toml" in text
    assert "X9" in text
