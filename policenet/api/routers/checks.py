"""The one check across every database, batches of checks, and the hits they made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Response

from policenet.actions.checks import (
    check_batch_with_token,
    check_beside_a_writer,
    check_with_token,
)
from policenet.api.deps import Token
from policenet.api.schemas import BatchPublic, CheckPublic
from policenet.domain.checks import BatchCheckRequest, CheckRequest
from policenet.hub import HubDep, in_transaction

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from policenet.domain.checks import CheckResult
    from policenet.domain.principals import Principal

router = APIRouter(tags=["checks"])

# A check on the event loop files at most this many changed rows into the screening indexes
# first (a few milliseconds at most: a person's names are parsed); more (an import from the
# command line, say) are filed in a thread while the loop serves others.
LOOP_FILING = 100


# The checks are the hot path: the token is checked in the check's own transaction (lazy if
# the hub says so: a check that found nothing need not wait for the disk, see store.db), and
# the answer, built from the response model, is sent as it is (FastAPI would validate it).
# A single check is answered on the event loop when the write lock is free (in_transaction);
# when another writer holds it (an import), in a thread, from a read, without waiting for it
# unless it hit (check_beside_a_writer); a batch, which may take a tenth of a second, always
# in a thread.


@router.post(
    "/v1/checks",
    summary="Check a person, document, vehicle, firearm, vessel or work of art in every database",
    response_model=CheckPublic,
)
async def run_check(request: CheckRequest, hub: HubDep, presented: Token) -> Response:
    def answer(session: Session, on_loop: bool) -> tuple[Principal, CheckResult]:
        most = LOOP_FILING if on_loop else None
        return check_with_token(
            session, presented, request, hub.screening, most_to_file=most, rates=hub.rates
        )

    def beside_a_writer() -> tuple[Principal, CheckResult]:
        return check_beside_a_writer(
            hub.database,
            presented,
            request,
            hub.screening,
            rates=hub.rates,
            lazy=hub.settings.lazy_checks,
        )

    _, result = await in_transaction(
        hub, answer, lazy=hub.settings.lazy_checks, beside_a_writer=beside_a_writer
    )
    checked = CheckPublic.of(result)
    return Response(checked.model_dump_json(), media_type="application/json")


@router.post(
    "/v1/checks/batch",
    summary="Up to 1,000 checks (a passenger list), in order",
    response_model=BatchPublic,
)
def run_batch(batch: BatchCheckRequest, hub: HubDep, presented: Token) -> Response:
    _, answers = hub.on_store(
        check_batch_with_token,
        presented,
        batch,
        hub.screening,
        rates=hub.rates,
        lazy=hub.settings.lazy_checks,
    )
    answer = BatchPublic.of(answers)
    return Response(answer.model_dump_json(), media_type="application/json")
