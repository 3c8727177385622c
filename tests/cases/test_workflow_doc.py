"""docs/workflow.md lists exactly the transitions the models allow, so the document a newcomer
reads cannot drift from the code."""

import re
from pathlib import Path

import pytest

from cases.models import Document, HardshipCase, Offer

DOC = Path(__file__).resolve().parents[2] / "docs" / "workflow.md"


def _documented(heading: str) -> set[tuple[str, str, str]]:
    section = DOC.read_text().split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows: set[tuple[str, str, str]] = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.fullmatch(r"[a-z_]+", cells[0]) or cells[0] == "transition":
            continue
        name, sources, target = cells[:3]
        rows.update((name, source.strip(), target) for source in sources.split(","))
    return rows


def _in_code(model) -> set[tuple[str, str, str]]:
    field = model._meta.get_field("status")
    return {(t.name, str(t.source), str(t.target)) for t in field.get_all_transitions(model)}


@pytest.mark.parametrize(
    ("heading", "model"),
    [
        ("Case (`HardshipCase.status`)", HardshipCase),
        ("Offer (`Offer.status`)", Offer),
        ("Document (`Document.status`)", Document),
    ],
)
def test_the_workflow_document_lists_every_transition(heading, model):
    assert _documented(heading) == _in_code(model)
