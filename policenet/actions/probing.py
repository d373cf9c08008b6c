"""Probing detection (domain/probing.py): a principal whose searches keep hitting one
``hit_only`` record of another bureau is limited, and the owner and the data protection
officers are told."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.access.rates import RateLimited
from policenet.domain.classification import Classification
from policenet.domain.databases import Database
from policenet.domain.errors import Refusal
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.probing import LIMITED_FOR, LIMITS, WINDOW
from policenet.domain.terms import Disclosure
from policenet.store import audit, events
from policenet.store import probing as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.principals import Principal

# The data protection officers read the General Secretariat's mailbox.
DATA_PROTECTION_MAILBOX = "GS-HQ"


class ProbingLimited(RateLimited):
    """The principal's searches of a database are limited for probing: answered 429."""

    code = "probing_limited"
    status = 429


def refuse_if_limited(
    session: Session, actor: Principal, database: Database, now: datetime
) -> None:
    """Raise ProbingLimited (audited) while a limit is in force on the actor's searches of
    ``database``: every search, hit or not, so that the refusal tells nothing."""
    found = store.active(session, actor.id, database, now)
    if found is None:
        return
    wait = max(1, int((found.until - now).total_seconds()))
    hours = f"{WINDOW.total_seconds() / 3600:g} hours"
    until = f"{found.until:%Y-%m-%d %H:%M} UTC"
    why = (
        f"hit one record of {found.owner_bureau_id} that it shares as hit only {found.hits} "
        f"times in {hours}"
        if found.owner_bureau_id
        else f"were {found.hits} variants of one profile in {hours}"
    )
    raise ProbingLimited(
        f"Your searches of {database} {why}, which reads as an attempt to rebuild a record "
        f"from the answers: they are refused until {until}. The data protection officers "
        "(and the record's owner, when it is known) were told; ask the owner bureau directly.",
        wait,
    ).audited(
        Refusal.by(actor, "probing.refused", f"{database}:limited", {"until": str(found.until)})
    )


def watch(session: Session, actor: Principal, rows: list[dict[str, Any]], now: datetime) -> None:
    """After hits are kept: limit the actor if one of them makes too many on one ``hit_only``
    record of another bureau, and tell its owner and the data protection officers."""
    seen: set[tuple[str, int]] = set()
    for row in rows:
        database = Database(row["database"])
        limit = LIMITS.get(database)
        key = (row["database"], row["record_id"])
        if (
            limit is None
            or key in seen
            or row["disclosure"] != Disclosure.HIT_ONLY.value
            or row["owner_bureau_id"] == actor.bureau_id
        ):
            continue
        seen.add(key)
        hits = store.hits_on(session, actor.id, row["record_id"], database, now - WINDOW)
        if hits < limit or store.active(session, actor.id, database, now) is not None:
            continue
        until = now + LIMITED_FOR
        store.add(
            session,
            store.ProbingLimit(
                actor.id, database.value, row["record_id"], row["owner_bureau_id"], hits, until
            ),
            now - WINDOW,
        )
        payload = {
            "database": database.value,
            "record": row["record_id"],
            "principal": actor.id,
            "bureau": actor.bureau_id,
            "country": actor.country,
            "hits": hits,
            "hours": WINDOW.total_seconds() / 3600,
            "limited_until": until.isoformat(),
        }
        events.publish(
            session,
            [
                NewEvent(
                    mailbox,
                    EventKind.PROBING_SUSPECTED,
                    f"record:{row['record_id']}",
                    Classification.RESTRICTED,
                    payload,
                )
                for mailbox in (row["owner_bureau_id"], DATA_PROTECTION_MAILBOX)
            ],
            now,
        )
        audit.append_by(session, actor, "probing.limited", f"record:{row['record_id']}", payload)


def limit_variants(session: Session, actor: Principal, variants: int, now: datetime) -> None:
    """Limit a principal whose DNA searches are a family of near-identical variants, hit or
    not, and tell the data protection officers (the profile aimed at is not known)."""
    until = now + LIMITED_FOR
    store.add(
        session,
        store.ProbingLimit(actor.id, Database.DNA.value, 0, "", variants, until),
        now - WINDOW,
    )
    payload = {
        "database": Database.DNA.value,
        "principal": actor.id,
        "bureau": actor.bureau_id,
        "country": actor.country,
        "variants": variants,
        "hours": WINDOW.total_seconds() / 3600,
        "limited_until": until.isoformat(),
    }
    events.publish(
        session,
        [
            NewEvent(
                DATA_PROTECTION_MAILBOX,
                EventKind.PROBING_SUSPECTED,
                f"principal:{actor.id}",
                Classification.RESTRICTED,
                payload,
            )
        ],
        now,
    )
    audit.append_by(session, actor, "probing.limited", f"principal:{actor.id}", payload)
