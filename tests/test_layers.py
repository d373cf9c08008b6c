"""Layers import one way (DESIGN.md): a rule broken here is a design broken everywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "policenet"
ALLOWED = {
    "domain": {"domain"},
    "matching": {"domain", "formats", "matching"},
    "formats": {"domain", "formats"},
    "store": {"domain", "formats", "matching", "store"},
    "screening": {"domain", "formats", "matching", "store", "screening"},
    "events": {"domain", "store", "events"},
    "actions": {
        "domain",
        "matching",
        "formats",
        "store",
        "screening",
        "events",
        "actions",
        "access",
        "sealing",
    },
}
FRAMEWORKS = {"fastapi", "sqlalchemy", "starlette", "typer", "alembic"}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    broken = []
    for path in (PACKAGE / layer).rglob("*.py"):
        for name in imports_of(path):
            parts = name.split(".")
            if parts[0] == "policenet" and len(parts) > 1 and parts[1] not in ALLOWED[layer]:
                broken.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if layer in ("domain", "matching", "formats") and parts[0] in FRAMEWORKS:
                broken.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert broken == []
