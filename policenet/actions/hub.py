"""Setting up a hub and checking its audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from policenet.access import require
from policenet.actions.notices import seed_terms
from policenet.actions.principals import IssuedToken, create_first_admin
from policenet.domain.audit import AuditEntry, AuditFilter, ChainBreak, verify_chain
from policenet.domain.checkpoints import EVERY, check_checkpoints
from policenet.domain.clock import utcnow
from policenet.domain.principals import Principal, Right, Role
from policenet.store import audit, migrate, registry
from policenet.store import principals as principals_store

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy.orm import Session

    from policenet.domain.checkpoints import Checkpoint
    from policenet.domain.listing import Page, Window
    from policenet.store.db import Database


@dataclass(frozen=True, slots=True)
class InitReport:
    revision: str | None
    registry_rows_added: int
    first_admin: tuple[Principal, IssuedToken] | None


def initialise(database: Database, *, admin_name: str, ttl_days: int) -> InitReport:
    """Create or upgrade the schema, write the member registry, and create the first GS admin."""
    migrate.upgrade(database)
    with database.transaction() as session:
        added = registry.seed(session)
        seed_terms(session, utcnow())
        first = None
        if principals_store.first_with_role(session, Role.GS_ADMIN) is None:
            first = create_first_admin(session, admin_name, ttl_days=ttl_days)
    return InitReport(
        revision=migrate.current_revision(database), registry_rows_added=added, first_admin=first
    )


def first_gs_admin(session: Session) -> Principal | None:
    """The first GS administrator (``initialise`` makes one): the principal on whose authority
    the command line acts for the hub itself, as when it seeds a demo."""
    return principals_store.first_with_role(session, Role.GS_ADMIN)


@dataclass(frozen=True, slots=True)
class AuditVerification:
    checked: int
    written: int
    problem: ChainBreak | None
    checkpoints: int | None = None  # signed checkpoints verified; None: no key to verify with


def verify_audit(
    database: Database,
    actor: Principal | None,
    *,
    public: Ed25519PublicKey | None = None,
    every: int = EVERY,
    published: Sequence[Checkpoint] = (),
) -> AuditVerification:
    """Walk the whole chain; name the first entry that was altered or removed. With the hub's
    public key, check the signed checkpoints too (those held and those ``published``): a
    chain rewritten and rehashed no longer matches them.

    The verification is itself audited, by the principal who asked (None: the command line)."""
    with database.reading() as session:
        found = audit.head(session)
        if found is None:
            result = AuditVerification(
                0, 0, ChainBreak(1, "the head of the chain is missing: the log was tampered with")
            )
        else:
            head_seq, head_hash = found
            checked, problem = verify_chain(
                audit.entries(session, upto=head_seq), head_seq, head_hash
            )
            signed: int | None = None
            if public is not None:
                held = audit.checkpoints(session)
                seqs = sorted({c.seq for c in held} | {c.seq for c in published})
                signed, broken = check_checkpoints(
                    held,
                    audit.hashes_at(session, seqs),
                    public,
                    head=head_seq,
                    every=every,
                    published=published,
                )
                problem = problem or broken
            result = AuditVerification(
                checked=checked, written=head_seq, problem=problem, checkpoints=signed
            )
    if found is not None:
        with database.transaction() as session:
            audit.append_by(
                session,
                actor,
                "audit.verify",
                "audit_log",
                {"checked": result.checked, "intact": result.problem is None},
            )
    return result


def read_audit(
    session: Session,
    actor: Principal,
    *,
    window: Window,
    chosen: AuditFilter,
) -> Page[AuditEntry]:
    """The newest audit entries, those chosen (by principal, bureau, subject, action or
    time), for the GS administrators and the data protection officer."""
    require(actor, Right.READ_AUDIT)
    entries = audit.recent(session, window=window, chosen=chosen)
    audit.append_by(
        session,
        actor,
        "audit.read",
        "audit_log",
        {"count": len(entries.items), **window.described(), **chosen.as_json()},
    )
    return entries


def start_audit_export(session: Session, actor: Principal, chosen: AuditFilter) -> None:
    """May the actor export the audit log? Audited before any entry leaves the hub."""
    require(actor, Right.READ_AUDIT)
    audit.append_by(session, actor, "audit.export", "audit_log", chosen.as_json())


def exported_audit(database: Database, chosen: AuditFilter) -> Iterator[AuditEntry]:
    """Every entry chosen, oldest first (after ``start_audit_export``), read in a session of
    its own that holds no write lock while it streams."""
    with database.reading() as session:
        yield from audit.matching(session, chosen)
