"""Probing detection (domain/probing.py): a principal whose searches keep hitting one
``hit_only`` record of another bureau is limited, and the owner and the data protection
officers are told; a data protection officer sees the limits and lifts one found to be honest
work."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from anyascii import anyascii

from policenet.access import require
from policenet.access.rates import RateLimited
from policenet.domain.classification import Classification
from policenet.domain.databases import Database
from policenet.domain.errors import Conflict, NotFound, Refusal
from policenet.domain.events import EventKind, NewEvent
from policenet.domain.principals import Right
from policenet.domain.probing import LIMITED_FOR, LIMITS, PERSON_VARIANTS, WINDOW
from policenet.domain.terms import Disclosure
from policenet.store import audit, events
from policenet.store import principals as principal_store
from policenet.store import probing as store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.listing import Page, Window
    from policenet.domain.principals import Principal
    from policenet.domain.probing import ProbingLift, StoredLimit
    from policenet.screening.probes import PersonWatch

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
        f"aimed {found.hits} times in {hours} at one record of {found.owner_bureau_id} that "
        "it shares as hit only (hits on it, or one name asked with as many birth dates)"
        if found.owner_bureau_id
        else f"were {found.hits} variants of one profile in {hours}"
    )
    raise ProbingLimited(
        f"Your searches of {database} {why}, which reads as an attempt to rebuild a record "
        f"from the answers: they are refused until {until}. The data protection officers "
        "(and the record's owner, when it is known) were told: if this was honest work, ask "
        "them to lift the limit; for the record itself, ask the owner bureau directly.",
        wait,
    ).audited(
        Refusal.by(actor, "probing.refused", f"{database}:limited", {"until": str(found.until)})
    )


def _aimed_at(actor: Principal, rows: list[dict[str, Any]]) -> set[tuple[str, int]]:
    """The hit_only records of other bureaus, of a database with a limit, these hits are on."""
    return {
        (str(row["database"]), int(row["record_id"]))
        for row in rows
        if Database(row["database"]) in LIMITS
        and row["disclosure"] == Disclosure.HIT_ONLY.value
        and row["owner_bureau_id"] != actor.bureau_id
    }


def refuse_if_journalled_limit(
    session: Session,
    actor: Principal,
    rows: list[dict[str, Any]],
    journalled: list[str],
    now: datetime,
) -> None:
    """For a check answered beside a long writer, whose hits wait in the check journal: raise
    ProbingLimited (audited) if the hits on one of the records it hit, stored and journalled
    (``journalled``: the actor's filings, JSON), already make the limit, as ``watch`` would
    have put it had they been stored. The limit itself is put when they are."""
    aimed = _aimed_at(actor, rows)
    if not aimed:
        return
    waiting: dict[tuple[str, int], int] = {}
    for filing in journalled:
        for hit in json.loads(filing)["hits"]:
            key = (str(hit["database"]), int(hit["record_id"]))
            waiting[key] = waiting.get(key, 0) + 1
    for database_name, record_id in aimed:
        database = Database(database_name)
        since = counted_since(session, actor, database, now)
        stored = store.hits_on(session, actor.id, record_id, database, since)
        if stored + waiting.get((database_name, record_id), 0) >= LIMITS[database]:
            wait = int(LIMITED_FOR.total_seconds())
            raise ProbingLimited(
                f"Your searches of {database} hit one record that another bureau shares as "
                "hit only too many times within a day, which reads as an attempt to rebuild "
                "it from the answers: they are refused for a day. The data protection "
                "officers and the record's owner are told: if this was honest work, ask them "
                "to lift the limit.",
                wait,
            ).audited(Refusal.by(actor, "probing.refused", f"{database}:limited", {}))


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
        if hits >= limit:
            # The hits before a limit was lifted were judged honest: they count no more.
            since = counted_since(session, actor, database, now)
            if since > now - WINDOW:
                hits = store.hits_on(session, actor.id, row["record_id"], database, since)
        if hits < limit or store.active(session, actor.id, database, now) is not None:
            continue
        _limit_on_record(
            session, actor, database, row["record_id"], row["owner_bureau_id"], {"hits": hits}, now
        )


def note_person_check(
    watch: PersonWatch,
    actor: Principal,
    asked: dict[str, Any],
    rows: list[dict[str, Any]],
    now: datetime,
) -> set[str]:
    """Note each person a check asked with a birth date (given, and read from an MRZ), and
    the hit_only person of another bureau it hit, if any; the names asked, folded."""
    hit = next(
        (
            (int(row["record_id"]), str(row["owner_bureau_id"]))
            for row in rows
            if row["database"] == Database.PERSONS.value
            and row["disclosure"] == Disclosure.HIT_ONLY.value
            and row["owner_bureau_id"] != actor.bureau_id
        ),
        None,
    )
    person, zone = asked.get("person") or {}, asked.get("mrz") or {}
    noted = set()
    for name, birth in (
        (person.get("name"), person.get("birth_date")),
        (zone.get("holder"), zone.get("birth_date")),
    ):
        if not name or not birth:
            continue
        folded = " ".join(sorted(anyascii(str(name)).casefold().replace(",", " ").split()))
        watch.note(actor.id, folded, str(birth), hit, now, WINDOW)
        noted.add(folded)
    return noted


def narrowing(watch: PersonWatch, actor: Principal, name: str, now: datetime) -> bool:
    """Whether the actor's checks of this name look like a birth date being narrowed (from
    memory alone; ``limit_narrowing`` decides, with what the store says)."""
    dates, target = watch.dates(actor.id, name, now - WINDOW)
    return dates >= PERSON_VARIANTS and target is not None


def narrowing_refused(actor: Principal) -> ProbingLimited:
    """The refusal of a check that narrows a birth date while the limit cannot be stored yet
    (a long writer holds a SQLite hub's write lock): refused all the same, audited."""
    wait = int(LIMITED_FOR.total_seconds())
    return ProbingLimited(
        "Your person checks asked one name with many birth dates after one of them hit a "
        "record another bureau shares as hit only, which reads as an attempt to learn its "
        "birth date from the answers: they are refused for a day. The data protection "
        "officers are told: if this was honest work, ask them to lift the limit.",
        wait,
    ).audited(Refusal.by(actor, "probing.refused", "persons:narrowing", {}))


def limit_narrowing(
    session: Session, watch: PersonWatch, actor: Principal, name: str, now: datetime
) -> None:
    """Limit the actor's person checks when they asked one name with ``PERSON_VARIANTS``
    birth dates (since a limit was last lifted) after one hit a hit_only person of another
    bureau, and tell the owner and the data protection officers."""
    if not narrowing(watch, actor, name, now):
        return
    if store.active(session, actor.id, Database.PERSONS, now) is not None:
        return
    dates, target = watch.dates(
        actor.id, name, counted_since(session, actor, Database.PERSONS, now)
    )
    if dates < PERSON_VARIANTS or target is None:
        return
    record_id, owner = target
    _limit_on_record(
        session, actor, Database.PERSONS, record_id, owner, {"birth_dates": dates}, now
    )


def _limit_on_record(
    session: Session,
    actor: Principal,
    database: Database,
    record_id: int,
    owner: str,
    counted: dict[str, int],
    now: datetime,
) -> None:
    """Limit the actor's searches of ``database`` for aiming at one hit_only record of
    ``owner`` (``counted``: the hits on it, or the birth dates asked), and tell the owner and
    the data protection officers."""
    until = now + LIMITED_FOR
    (count,) = counted.values()
    store.add(
        session,
        store.ProbingLimit(actor.id, database.value, record_id, owner, count, until),
        now - WINDOW,
    )
    payload = {
        "database": database.value,
        "record": record_id,
        "principal": actor.id,
        "bureau": actor.bureau_id,
        "country": actor.country,
        **counted,
        "hours": WINDOW.total_seconds() / 3600,
        "limited_until": until.isoformat(),
    }
    events.publish(
        session,
        [
            NewEvent(
                mailbox,
                EventKind.PROBING_SUSPECTED,
                f"record:{record_id}",
                Classification.RESTRICTED,
                payload,
            )
            for mailbox in (owner, DATA_PROTECTION_MAILBOX)
        ],
        now,
    )
    audit.append_by(session, actor, "probing.limited", f"record:{record_id}", payload)


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


def counted_since(
    session: Session, actor: Principal, database: Database, now: datetime
) -> datetime:
    """Where the searches that count towards a limit start: a day ago, or when a limit on the
    actor's searches of the database was last lifted, whichever is later."""
    lifted = store.last_lifted(session, actor.id, database)
    start = now - WINDOW
    return start if lifted is None or lifted < start else lifted


def list_limits(
    session: Session, actor: Principal, now: datetime, *, in_force: bool, window: Window
) -> Page[StoredLimit]:
    """A page of the probing limits (only those in force, if asked): the data protection
    officers' to look into."""
    require(actor, Right.LIFT_PROBING_LIMITS)
    return store.listing(session, in_force_at=now if in_force else None, window=window)


def lift_limit(
    session: Session, actor: Principal, limit_id: int, data: ProbingLift, now: datetime
) -> StoredLimit:
    """Lift a limit in force, with the officer's reason: audited, and told to the limited
    principal's bureau or agency and to the record's owner."""
    require(actor, Right.LIFT_PROBING_LIMITS)
    found = store.get(session, limit_id)
    if found is None:
        raise NotFound(
            f"No probing limit {limit_id}: GET /v1/data-protection/probing-limits lists them.",
            code="probing_limit_not_found",
        )
    if not found.in_force(now):
        ended = "was lifted" if found.lifted_at is not None else "has run out"
        raise Conflict(
            f"Probing limit {limit_id} {ended} already: the principal may search; nothing to lift.",
            code="probing_limit_not_in_force",
        )
    lifted = store.lift(session, limit_id, actor.id, data.reason, now)
    limited = principal_store.get_principal(session, found.principal_id)
    payload: dict[str, Any] = {
        "limit": limit_id,
        "database": found.database,
        "principal": found.principal_id,
        "lifted_by": actor.id,
        "reason": data.reason,
    }
    told = [
        NewEvent(
            mailbox,
            EventKind.PROBING_LIFTED,
            f"principal:{found.principal_id}",
            Classification.RESTRICTED,
            payload,
        )
        for mailbox in {limited.mailbox if limited else None, found.owner_bureau_id}
        if mailbox
    ]
    events.publish(session, sorted(told, key=lambda event: event.mailbox), now)
    audit.append_by(
        session,
        actor,
        "probing.lifted",
        f"principal:{found.principal_id}",
        payload | {"record": found.record_id, "until": found.until.isoformat()},
    )
    return lifted
