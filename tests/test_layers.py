"""Layers import one way (DESIGN.md, as docs/architecture.md says the code has it): a rule
broken here is a design broken everywhere.

One table covers every package and top-level module of ``policenet``; a new one fails the
test until it is given its place in the table.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "policenet"

# What each layer may import of policenet (itself always). The composition root builds the
# store, screening and event objects and hands them to the rest: it may import anything.
BELOW_ACTIONS = {"domain", "matching", "formats", "sealing", "access", "store", "screening"}
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    # Matching reads biometric templates through their formats; formats never need matching.
    "formats": {"domain"},
    "matching": {"domain", "formats"},
    "sealing": {"domain"},
    "access": {"domain"},
    "store": {"domain"},
    "screening": {"domain", "matching", "formats", "store"},
    "events": {"domain", "store"},
    "actions": BELOW_ACTIONS | {"events"},
    "demo": BELOW_ACTIONS | {"events", "actions"},
    # The hub the composition root hands to the API and the web pages, and how a request
    # runs a verb on it.
    "hub": BELOW_ACTIONS | {"events", "actions", "settings"},
    "api": {"actions", "access", "domain", "hub"},
    "web": {"actions", "access", "domain", "hub"},
    # A bureau's own command line seals and opens its messages itself (sealing), and the
    # demo command builds the demo population.
    "cli": {"actions", "access", "domain", "sealing", "demo"},
    "settings": set(),
}
COMPOSITION_ROOT = {"api/app.py", "cli/main.py"}
# The pure layers know no framework: they are used by the hub, the CLI and the benchmarks.
PURE = {"domain", "matching", "formats", "access", "sealing"}
FRAMEWORKS = {"fastapi", "sqlalchemy", "starlette", "typer", "alembic"}
# Routers, web pages and commands run a verb through the hub (act, look, in_transaction),
# never open a transaction themselves.
EDGES = {"api", "web", "cli"}
TRANSACTIONS = {"transaction", "reading", "at_once", "begin"}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "policenet":
            # "from policenet import store" imports the package policenet.store.
            names.update(f"policenet.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def layer_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE
    )


def test_every_package_has_its_place_in_the_table() -> None:
    assert {layer_of(p) for p in modules()} - set(ALLOWED) == set()


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    broken = []
    for path in modules():
        if layer_of(path) != layer or path.relative_to(PACKAGE).as_posix() in COMPOSITION_ROOT:
            continue
        for name in imports_of(path):
            parts = name.split(".")
            ours = parts[0] == "policenet" and len(parts) > 1
            if ours and parts[1] != layer and parts[1] not in ALLOWED[layer]:
                broken.append(f"{path.relative_to(PACKAGE)} imports {name}")
            if layer in PURE and parts[0] in FRAMEWORKS:
                broken.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert broken == []


@pytest.mark.parametrize("layer", sorted(EDGES))
def test_edges_run_verbs_through_the_hub(layer: str) -> None:
    broken = []
    for path in (PACKAGE / layer).rglob("*.py"):
        if path.relative_to(PACKAGE).as_posix() in COMPOSITION_ROOT:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in TRANSACTIONS
            ):
                broken.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {ast.unparse(node)}")
    assert broken == []
