"""The words and patterns the automated screening looks for: shipped with the hub, written
once at its first start, and edited by the GS after."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from policenet.access import require
from policenet.domain.errors import Conflict, InvalidInput, NotFound
from policenet.domain.notices import ScreeningTerm, TermCreate, TermKind
from policenet.domain.principals import Principal, Right
from policenet.matching.notices import TermMatcher, compile_pattern, word_terms
from policenet.store import audit
from policenet.store import notices as store

if TYPE_CHECKING:
    import re
    from datetime import datetime

    from sqlalchemy.orm import Session


@cache
def shipped_terms() -> tuple[dict[str, str], ...]:
    """The screening terms shipped with the hub, written once at its first start."""
    text = (
        resources.files("policenet.domain")
        .joinpath("data/notice_screening_terms.json")
        .read_text("utf-8")
    )
    return tuple(
        {k: str(t[k]) for k in ("category", "language", "kind", "text")}
        for t in json.loads(text)["terms"]
    )


def seed_terms(session: Session, now: datetime) -> int:
    """Write the shipped terms if the hub never had any; the GS's edits are kept after."""
    if store.terms_seeded(session):
        return 0
    added = store.add_terms(session, shipped_terms(), at=now, by=None)
    store.mark_terms_seeded(session)
    return added


def matcher(session: Session) -> TermMatcher:
    return TermMatcher(store.terms(session))


def list_terms(session: Session, actor: Principal) -> list[ScreeningTerm]:
    require(actor, Right.REVIEW_NOTICES)
    return store.terms(session)


def add_term(session: Session, actor: Principal, term: TermCreate, now: datetime) -> ScreeningTerm:
    """The GS adds a word or pattern to the screening."""
    require(actor, Right.REVIEW_NOTICES)
    if term.kind is TermKind.PATTERN:
        _compiled(term.text)
    elif not word_terms(term.text):
        raise InvalidInput(
            f"The word {term.text!r} has no letter or digit, so it could never match: give "
            "words, or a pattern with kind 'pattern'.",
            code="term_word_invalid",
            field="text",
        )
    if store.find_term(session, term.category, term.language, term.kind, term.text):
        raise Conflict(
            f"The screening already has the {term.kind} {term.text!r} ({term.category}, "
            f"{term.language}).",
            code="term_exists",
        )
    store.add_terms(session, [term.model_dump(mode="json")], at=now, by=actor.id)
    found = store.find_term(session, term.category, term.language, term.kind, term.text)
    assert found is not None  # noqa: S101 - just written
    audit.append_by(session, actor, "notice.term.add", f"term:{found.id}", term.model_dump())
    return found


def _compiled(text: str) -> re.Pattern[str]:
    import re

    try:
        return compile_pattern(text)
    except (re.error, OverflowError, RecursionError, ValueError) as error:
        raise InvalidInput(
            f"The pattern {text!r} is not a valid regular expression ({error}): fix it, or add "
            "the words with kind 'word'.",
            code="term_pattern_invalid",
            field="text",
        ) from None


def remove_term(session: Session, actor: Principal, term_id: int) -> ScreeningTerm:
    require(actor, Right.REVIEW_NOTICES)
    found = store.get_term(session, term_id)
    if found is None:
        raise NotFound(f"No screening term {term_id}.", code="term_not_found")
    store.remove_term(session, term_id)
    audit.append_by(
        session,
        actor,
        "notice.term.remove",
        f"term:{term_id}",
        {"category": found.category, "language": found.language, "text": found.text},
    )
    return found
