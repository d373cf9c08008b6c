"""Notices: a bureau drafts and submits a request, the automated screening flags what the
reviewer must look at, a GS reviewer takes it from the queue, may question the bureau, and
publishes or refuses it; a published notice goes to every member, makes its subject answer
checks, and lasts 5 years unless renewed.

Every move is one transaction holding the move, its history line, its audit entry and its
events. What a request may become, and who may move it, is ``domain.notices.TRANSITIONS``.

``requests`` holds what every verb shares (who requests, who reads, a request's file) and
``subjects`` the person a request is about; ``drafting``, ``reading``, ``moves`` (with
``submission`` and ``publication``, what each move does), ``review`` (the queue and the
questions), ``validity`` (the expiry sweep) and ``terms`` (the screening's words) hold the
verbs. Callers import from here.
"""

from policenet.actions.notices.drafting import change_draft, draft_notice
from policenet.actions.notices.moves import move_notice
from policenet.actions.notices.publication import renew_notice
from policenet.actions.notices.reading import list_notices, read_notice
from policenet.actions.notices.requests import (
    NOTICE_CLASSIFICATION,
    member_ncbs,
    not_found,
    requesting_ncb,
)
from policenet.actions.notices.review import QueueItem, answer_question, ask_question, review_queue
from policenet.actions.notices.subjects import owned_person, snapshot
from policenet.actions.notices.terms import (
    add_term,
    list_terms,
    matcher,
    remove_term,
    seed_terms,
    shipped_terms,
)
from policenet.actions.notices.validity import SWEEP_BATCH, SweepReport, sweep_validity

__all__ = [
    "NOTICE_CLASSIFICATION",
    "SWEEP_BATCH",
    "QueueItem",
    "SweepReport",
    "add_term",
    "answer_question",
    "ask_question",
    "change_draft",
    "draft_notice",
    "list_notices",
    "list_terms",
    "matcher",
    "member_ncbs",
    "move_notice",
    "not_found",
    "owned_person",
    "read_notice",
    "remove_term",
    "renew_notice",
    "requesting_ncb",
    "review_queue",
    "seed_terms",
    "shipped_terms",
    "snapshot",
    "sweep_validity",
]
