"""The table of error codes is true: every code the hub raises is in it, with the status its
exception class answers, and every code in it is answered somewhere.

Clients branch on codes and statuses; a code raised with a class of another status would
answer a status the table does not promise, and a code missing from the table is one no
reader can find."""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from policenet.api import errors as api_errors
from policenet.domain.error_codes import CODES
from policenet.domain.errors import PolicenetError

PACKAGE = Path(__file__).resolve().parent.parent / "policenet"


@dataclass(frozen=True, slots=True)
class Raised:
    """A code as one place in ``policenet/`` raises it."""

    code: str
    error_class: str
    where: str


def _trees() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(PACKAGE.parent)): ast.parse(path.read_text("utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _error_classes(trees: dict[str, ast.Module]) -> dict[str, type[PolicenetError]]:
    """Every subclass of PolicenetError defined in the package, by name, found in the source
    and then imported (so that its status is the one Python sees)."""
    modules: dict[str, list[str]] = {"PolicenetError": ["policenet.domain.errors"]}
    grown = True
    while grown:
        grown = False
        for where, tree in trees.items():
            module = where.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and any(_name(base) in modules for base in node.bases)
                    and module not in modules.setdefault(node.name, [])
                ):
                    modules[node.name].append(module)
                    grown = True
    ambiguous = {name: found for name, found in modules.items() if len(found) > 1}
    assert ambiguous == {}, "error classes must have one name each, to be told apart"
    classes = {name: getattr(importlib.import_module(m), name) for name, (m,) in modules.items()}
    assert all(issubclass(c, PolicenetError) for c in classes.values())
    return classes


def _raised(trees: dict[str, ast.Module], classes: set[str]) -> list[Raised]:
    """The codes given as ``code="..."`` to an error class, and its class-level ``code``."""
    found: list[Raised] = []
    for where, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in classes:
                for keyword in node.keywords:
                    if keyword.arg != "code":
                        continue
                    place = f"{where}:{node.lineno}"
                    assert isinstance(keyword.value, ast.Constant), f"{place}: a code is a literal"
                    found.append(Raised(keyword.value.value, str(_name(node.func)), place))
            if isinstance(node, ast.ClassDef) and node.name in classes:
                for statement in node.body:
                    target, value = None, None
                    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                        target, value = statement.targets[0], statement.value
                    elif isinstance(statement, ast.AnnAssign):
                        target, value = statement.target, statement.value
                    if target is not None and _name(target) == "code":
                        assert isinstance(value, ast.Constant), f"{where}: {node.name}.code"
                        found.append(Raised(value.value, node.name, f"{where}:{node.lineno}"))
    return found


def _all_raised() -> tuple[list[Raised], dict[str, type[PolicenetError]]]:
    trees = _trees()
    classes = _error_classes(trees)
    return _raised(trees, set(classes)), classes


def test_every_raised_code_is_registered_with_the_status_of_its_class() -> None:
    raised, classes = _all_raised()
    assert len(raised) > 100  # the scan finds the hub's codes, not an empty package
    unregistered = sorted(f"{r.where}: {r.code}" for r in raised if r.code not in CODES)
    assert unregistered == [], "add these codes to policenet/domain/error_codes.py"
    mismatched = sorted(
        f"{r.where}: {r.code} is raised as {r.error_class} ({classes[r.error_class].status}), "
        f"registered {CODES[r.code].status}"
        for r in raised
        if classes[r.error_class].status != CODES[r.code].status
    )
    assert mismatched == [], "raise each code with a class of its registered status"


def test_every_registered_code_is_answered_somewhere() -> None:
    raised, _ = _all_raised()
    # The HTTP layer answers some codes itself: its error handlers, and the guard every
    # request passes first (a body too large, a NUL, an address shut out).
    http_layer = [Path(api_errors.__file__), Path(api_errors.__file__).with_name("guard.py")]
    named_by_http_layer = {
        node.value
        for file in http_layer
        for node in ast.walk(ast.parse(file.read_text("utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    unused = sorted(set(CODES) - {r.code for r in raised} - named_by_http_layer)
    assert unused == [], "remove codes that nothing raises from policenet/domain/error_codes.py"


def test_an_error_answers_with_the_status_registered_for_its_code() -> None:
    """The status follows the code, even raised with the base class (whose default is 400)."""
    app = FastAPI()
    api_errors.install(app)

    @app.get("/term")
    def _term() -> None:
        raise PolicenetError("The screening already has that word.", code="term_exists")

    answer = TestClient(app).get("/term")
    assert answer.status_code == CODES["term_exists"].status == 409
    assert answer.json() == {
        "error": {"code": "term_exists", "message": "The screening already has that word."}
    }


def test_the_hub_refuses_a_request_without_token_with_its_registered_status(
    client: TestClient,
) -> None:
    answer = client.get("/v1/notices")
    assert answer.status_code == CODES["token_missing"].status
    assert answer.json()["error"]["code"] == "token_missing"
