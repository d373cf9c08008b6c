"""The API fuzzed from its own OpenAPI description (schemathesis): every operation, with
generated paths, queries and bodies, as an NCB officer of a hub with records in it. No answer
may be a server error, every status an operation answers must be documented in its schema,
and every error must have the one shape clients branch on.

The budget is bounded (EXAMPLES a operation, on SQLite): about a minute. The examples are not
derandomised, so each run tries new inputs; a failure names the operation and the request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from policenet.actions.hub import initialise
from policenet.api.app import create_app
from policenet.domain.principals import Role
from policenet.settings import Settings
from policenet.store.db import Database
from tests.conftest import Actor, World
from tests.test_documents import report
from tests.test_records import person

EXAMPLES = 8


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Actor]]:
    data = tmp_path_factory.mktemp("fuzz")
    database = Database(f"sqlite:///{data / 'hub.db'}")
    done = initialise(database, admin_name="GS admin", ttl_days=30)
    assert done.first_admin is not None
    world = World(database, Actor(*done.first_admin))
    officer = world.principal(Role.NCB_OFFICER, "FR")
    # The limits would answer the fuzzer 429 for its own pace, not for its inputs.
    settings_ = Settings(
        data_dir=data,
        database_url=database.url,
        escalation_interval=600,
        auth_failures=0,
        check_rate=0,
        address_check_rate=0,
    )
    app = create_app(settings_, database)
    with TestClient(app) as client:
        # Something to find: a person, a document, so that paths can meet real ids.
        client.post("/v1/persons", json=person(), headers=officer.headers)
        client.post("/v1/documents", json=report("FZ1000001"), headers=officer.headers)
        yield app, officer
    database.dispose()


def test_no_operation_answers_a_server_error_or_an_undocumented_status(
    hub: tuple[Any, Actor],
) -> None:
    app, officer = hub
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    examples = [0]
    for result in schema.get_all_operations():
        try:
            _fuzz(result.ok(), officer, failures, examples)
        except Unsatisfiable:
            continue  # an operation whose parameters no example could satisfy
    print(f"\napi fuzzing: {examples[0]} requests")
    assert examples[0] > 100
    assert failures == [], "\n".join(sorted(set(failures))[:30])


def _fuzz(
    operation: Any,
    officer: Actor,
    failures: list[str],
    examples: list[int],
) -> None:
    documented = set(operation.definition.raw.get("responses", {}))
    where = f"{operation.method.upper()} {operation.path}"

    @given(operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def ask(case: Any) -> None:
        examples[0] += 1
        # Its own headers, then the officer's token (a generated token would be answered 401,
        # documented like every other error, and test nothing behind it).
        answer = case.call(headers={**(case.headers or {}), **officer.headers})
        if answer.status_code >= 500:
            failures.append(f"{where}: {answer.status_code} for {case.as_curl_command()}")
        elif str(answer.status_code) not in documented:
            failures.append(f"{where}: {answer.status_code} is not documented")
        elif answer.status_code >= 400 and _json(answer):
            body = answer.json()
            if not (isinstance(body, dict) and {"code", "message"} <= set(body["error"])):
                failures.append(f"{where}: an error of another shape: {answer.text[:200]}")

    ask()


def _json(answer: Any) -> bool:
    kind = answer.headers.get("content-type") or [""]
    return str(kind[0] if isinstance(kind, list) else kind).startswith("application/json")


def test_the_error_shape_is_documented(hub: tuple[Any, Actor]) -> None:
    app, _ = hub
    paths = app.openapi()["paths"]
    read = paths["/v1/persons/{record_id}"]["get"]["responses"]
    assert {"401", "403", "404", "413", "422", "429"} <= set(read)
    error = app.openapi()["components"]["schemas"]["ErrorAnswer"]
    assert error["required"] == ["error"]
