"""The publishing templates in ``vorlagen/``: valid for their CI system, only real sessions, only the public folder.

The schemas are the ones check-jsonschema ships (``--builtin-schema vendor.…``), so the
test needs no network. The sessions a template calls are compared with the sessions
``noxfile.py`` defines (read from its source, not from a list in this test).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import REPO
from qm_handbook.pdf._plan import part_of

TEMPLATES = {
    "gitlab-ci.yml": "vendor.gitlab-ci",
    "github-pages.yml": "vendor.github-workflows",
}
_SESSION_CALL = re.compile(r"noxfile\.py\s+-s\s+([\w-]+)")


def nox_sessions() -> set[str]:
    """Names of the functions in noxfile.py decorated with ``nox.session``."""
    tree = ast.parse((REPO / "noxfile.py").read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Attribute) and target.attr == "session":
                    names.add(node.name)
    return names


def load(name: str) -> Any:
    return YAML(typ="safe").load((REPO / "vorlagen" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "schema"), sorted(TEMPLATES.items()))
def test_template_validates_against_its_schema(name: str, schema: str) -> None:
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool is not None
    done = subprocess.run(
        [tool, "--builtin-schema", schema, str(REPO / "vorlagen" / name)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  bauen:\n    steps: nicht-eine-liste\n", encoding="utf-8")
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool is not None
    done = subprocess.run([tool, "--builtin-schema", "vendor.github-workflows", str(broken)], capture_output=True)
    assert done.returncode != 0


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_templates_call_only_existing_sessions(name: str) -> None:
    called = set(_SESSION_CALL.findall((REPO / "vorlagen" / name).read_text(encoding="utf-8")))
    assert called, name
    assert called <= nox_sessions(), called - nox_sessions()


def test_gitlab_pages_publishes_only_the_public_folder() -> None:
    data = load("gitlab-ci.yml")
    assert data["pages"]["artifacts"]["paths"] == ["public"]
    assert "mv _build/oeffentlich public" in " ".join(data["pages"]["script"])
    for job in ("intern", "pdf"):
        assert data[job]["artifacts"]["access"] == "developer"
    assert data["pdf"]["parallel"] > 1


def test_github_pages_uploads_only_the_public_folder() -> None:
    jobs = load("github-pages.yml")["jobs"]
    uploads = [
        step["with"]["path"]
        for job in jobs.values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("actions/upload-pages-artifact")
    ]
    assert uploads == ["_build/oeffentlich"]
    assert jobs["veroeffentlichen"]["needs"] == "oeffentlich"
    assert len(jobs["pdf"]["strategy"]["matrix"]["teil"]) > 1


def test_pdf_jobs_split_all_pdfs_into_parts() -> None:
    """Each PDF job sets one part (``--teil k/n``): no institution is listed by hand, none is missing."""
    gitlab = load("gitlab-ci.yml")["pdf"]
    assert gitlab["script"] == ["python3 noxfile.py -s pdf -- --teil $CI_NODE_INDEX/$CI_NODE_TOTAL"]
    github = load("github-pages.yml")["jobs"]["pdf"]
    parts = github["strategy"]["matrix"]["teil"]
    assert parts == list(range(1, len(parts) + 1))
    runs = [step["run"] for step in github["steps"] if "run" in step]
    assert runs == ["python3 noxfile.py -s pdf -- --teil ${{ matrix.teil }}/${{ strategy.job-total }}"]
    # With the demo network every job of both templates has PDFs to set, and together they set all.
    folders = sorted(p.parent.name for p in (REPO / "institutions").glob("*/einrichtung.toml"))
    for total in (gitlab["parallel"], len(parts)):
        chunks = [part_of(["netzwerk", *folders], f"{k}/{total}") for k in range(1, total + 1)]
        assert all(chunks)
        assert sorted(n for c in chunks for n in c) == sorted(["netzwerk", *folders])
