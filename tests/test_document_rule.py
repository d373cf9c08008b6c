"""One rule records a travel document: a bad report is refused with the same sentence, for the
same field, whether a bureau sends it through the API or in an imported file."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from policenet.actions.exchange import ImportRejected, import_file
from policenet.domain.principals import Role
from policenet.domain.records import Database as RecordDatabase
from policenet.store.db import Database
from tests.conftest import World

COLUMNS = (
    "external_ref",
    "issuing_country",
    "document_type",
    "number",
    "status",
    "event_date",
    "review_date",
    "visibility",
    "visibility_countries",
)
GOOD = {
    "issuing_country": "FR",
    "document_type": "passport",
    "number": "61RU10001",
    "status": "stolen",
    "event_date": "2026-01-15",
}
# Each report breaks the rule once; the code is the API's.
BAD = {
    "country_unknown": {"issuing_country": "XX"},
    "not_own_country": {"issuing_country": "DE"},
    "date_in_future": {"event_date": "2999-01-01"},
    "document_number_invalid": {"number": "AB#12"},
    "review_date_invalid": {"review_date": "2020-01-01"},
    "visibility_invalid": {"visibility": {"scope": "all", "countries": ["DE"]}},
}


def csv_line(report: dict[str, Any]) -> str:
    visibility = report.get("visibility", {})
    cells = {
        **report,
        "visibility": visibility.get("scope", ""),
        "visibility_countries": "|".join(visibility.get("countries", [])),
    }
    return ",".join(str(cells.get(column, "")) for column in COLUMNS)


def test_a_bad_document_is_refused_alike_by_the_api_and_by_an_import(
    client: TestClient, world: World, database: Database
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "FR")
    reports = [GOOD | {"external_ref": f"FR-RULE-{i}"} | bad for i, bad in enumerate(BAD.values())]
    by_api = []
    for code, report in zip(BAD, reports, strict=True):
        answer = client.post("/v1/documents", json=report, headers=officer.headers)
        assert answer.status_code in (403, 422), answer.text
        error = answer.json()["error"]
        assert error["code"] == code, error
        by_api.append((error.get("field"), error["message"]))

    content = "\n".join([",".join(COLUMNS), *map(csv_line, reports)]) + "\n"
    with pytest.raises(ImportRejected) as refused:
        import_file(database, officer.principal, RecordDatabase.TRAVEL_DOCUMENTS, content, "csv")
    by_import = [(error.field, error.message) for error in refused.value.errors]
    assert [error.line for error in refused.value.errors] == list(range(2, 2 + len(BAD)))
    assert by_import == by_api
