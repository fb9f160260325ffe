"""Page structure: unclosed header and blocks, duplicate header keys, long IDs (no Sphinx)."""

from __future__ import annotations

import pytest

from qm_handbook.checks.page_structure import check_structure


def found(text: str) -> list[tuple[str, int | None]]:
    return [(p.code, p.line) for p in check_structure(text)]


@pytest.mark.parametrize(
    "text",
    [
        "# Titel\n\n````{note}\n```{warning}\nx\n```\n````\n",  # nested with a longer outer fence
        "# Titel\n\n```python\n:::{note}\n~~~\n```\n",  # inside a code block everything is text
        "# Titel\n\n:::{note}\n```{warning}\nx\n```\n:::\n",  # colon fence around a backtick fence
        "---\nstatus: a\nfassung: b\n---\n# Titel\n",
        "# Titel\n\nText mit ```inline``` Code.\n",
        "# Titel\n\n~~~markdown\n```{umsetzung} Beispiel\n~~~\n",  # an example inside a tilde fence
    ],
)
def test_well_formed_pages_have_no_problems(text: str) -> None:
    assert found(text) == []


def test_next_block_swallowed_by_an_unclosed_one() -> None:
    text = "# T\n\n```{umsetzung} A\n:id: W1_A\n\n```{nachweis} B\n:id: W1_B\n```\n"
    problems = check_structure(text)
    assert [(p.code, p.line) for p in problems] == [("fence_unclosed", 3)]
    assert "„umsetzung“" in problems[0].message and "Zeile 6" in problems[0].message


def test_block_open_at_the_end_of_the_page() -> None:
    assert found("# T\n\ntext\n\n:::{note}\nx\n") == [("fence_unclosed", 5)]


def test_header_problems_name_their_line() -> None:
    assert found("---\nstatus: a\n# T\n") == [("frontmatter_unclosed", 1)]
    assert found("---\nstatus: a\nfassung: 1\n'status': b\n---\n# T\n") == [("frontmatter_duplicate", 4)]


def test_id_length_limit() -> None:
    ok = "W1_" + "A" * 61
    assert found(f"# T\n```{{x}} y\n:id: {ok}\n```\n") == []
    assert found(f"# T\n```{{x}} y\n:id: {ok}B\n```\n") == [("id_too_long", 3)]
