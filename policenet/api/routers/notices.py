"""Notices: drafting, submission, the GS review queue and questions, publication, renewal,
cancellation; and the screening terms the GS keeps."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from policenet.actions.notices import (
    add_term,
    answer_question,
    ask_question,
    change_draft,
    draft_notice,
    list_notices,
    list_terms,
    move_notice,
    read_notice,
    remove_term,
    renew_notice,
    review_queue,
)
from policenet.api.deps import CurrentPrincipal
from policenet.api.paging import Paged, envelope
from policenet.api.schemas import (
    NoticePagePublic,
    NoticePublic,
    QueueItemPublic,
    ScreeningTermPublic,
)
from policenet.domain.clock import utcnow
from policenet.domain.ids import MAX_ID
from policenet.domain.notices import (
    NoticeContent,
    NoticeMove,
    NoticeState,
    NoticeType,
    QuestionAnswer,
    QuestionAsk,
    Renewal,
    TermCreate,
)
from policenet.hub import HubDep

router = APIRouter(tags=["notices"])

NoticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="The request's id.")]


@router.post("/v1/notices", status_code=201, summary="Draft a notice request for your NCB")
def draft(content: NoticeContent, hub: HubDep, principal: CurrentPrincipal) -> NoticePublic:
    now = utcnow()
    file = hub.act(draft_notice, principal, content, now)
    return NoticePublic.of(file)


@router.get("/v1/notices", summary="Your bureau's requests and every published notice")
def notices(
    request: Request,
    hub: HubDep,
    principal: CurrentPrincipal,
    window: Paged,
    state: NoticeState | None = None,
    type: NoticeType | None = None,
) -> NoticePagePublic:
    now = utcnow()
    found = hub.act(list_notices, principal, now, state=state, notice_type=type, window=window)
    items = [NoticePublic.of(n) for n in found.items]
    return NoticePagePublic(items=items, **envelope(found, request))


@router.get(
    "/v1/notices/review-queue",
    summary="Requests waiting for GS review: urgent first, then oldest; late ones flagged",
)
def queue(
    hub: HubDep, principal: CurrentPrincipal, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[QueueItemPublic]:
    now = utcnow()
    items = hub.act(review_queue, principal, now, limit)
    return [QueueItemPublic.of(i) for i in items]


@router.get("/v1/notices/screening-terms", summary="The words and patterns the screening flags")
def terms(hub: HubDep, principal: CurrentPrincipal) -> list[ScreeningTermPublic]:
    found = hub.look(list_terms, principal)
    return [ScreeningTermPublic.of(t) for t in found]


@router.post("/v1/notices/screening-terms", status_code=201, summary="Add a word or pattern (GS)")
def term_add(term: TermCreate, hub: HubDep, principal: CurrentPrincipal) -> ScreeningTermPublic:
    added = hub.act(add_term, principal, term, utcnow())
    return ScreeningTermPublic.of(added)


@router.delete("/v1/notices/screening-terms/{term_id}", summary="Remove a word or pattern (GS)")
def term_remove(
    term_id: Annotated[int, Path(ge=1, le=MAX_ID)], hub: HubDep, principal: CurrentPrincipal
) -> ScreeningTermPublic:
    removed = hub.act(remove_term, principal, term_id)
    return ScreeningTermPublic.of(removed)


@router.get("/v1/notices/{notice_id}", summary="One request, with its history and questions")
def notice(notice_id: NoticeId, hub: HubDep, principal: CurrentPrincipal) -> NoticePublic:
    now = utcnow()
    file = hub.act(read_notice, principal, notice_id, now)
    return NoticePublic.of(file)


@router.put("/v1/notices/{notice_id}", summary="Replace a draft's content")
def change(
    notice_id: NoticeId, content: NoticeContent, hub: HubDep, principal: CurrentPrincipal
) -> NoticePublic:
    now = utcnow()
    file = hub.act(change_draft, principal, notice_id, content, now)
    return NoticePublic.of(file)


@router.post(
    "/v1/notices/{notice_id}/transitions",
    summary="Move a request: submit, take for review, publish, refuse, withdraw, cancel",
    description="A move the workflow does not allow from the current state is answered 409 "
    "`notice_transition_refused` with `allowed`, the states it may move to.",
)
def transition(
    notice_id: NoticeId, move: NoticeMove, hub: HubDep, principal: CurrentPrincipal
) -> NoticePublic:
    now = utcnow()
    file = hub.act(move_notice, principal, notice_id, move, now)
    return NoticePublic.of(file)


@router.post("/v1/notices/{notice_id}/renewal", summary="Renew a published notice for 5 years")
def renew(
    notice_id: NoticeId, renewal: Renewal, hub: HubDep, principal: CurrentPrincipal
) -> NoticePublic:
    now = utcnow()
    file = hub.act(renew_notice, principal, notice_id, renewal, now)
    return NoticePublic.of(file)


@router.post(
    "/v1/notices/{notice_id}/questions",
    status_code=201,
    summary="A GS reviewer asks the requesting bureau",
)
def question(
    notice_id: NoticeId, ask: QuestionAsk, hub: HubDep, principal: CurrentPrincipal
) -> NoticePublic:
    now = utcnow()
    file = hub.act(ask_question, principal, notice_id, ask, now)
    return NoticePublic.of(file)


@router.post(
    "/v1/notices/{notice_id}/questions/{question_id}/answer",
    summary="The requesting bureau answers a reviewer's question",
)
def answer(
    notice_id: NoticeId,
    question_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    reply: QuestionAnswer,
    hub: HubDep,
    principal: CurrentPrincipal,
) -> NoticePublic:
    now = utcnow()
    file = hub.act(answer_question, principal, notice_id, question_id, reply, now)
    return NoticePublic.of(file)
