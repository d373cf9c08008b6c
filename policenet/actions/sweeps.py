"""What the hub does by itself on a clock: escalate overdue hits, end notices past their
validity (with the reminders before)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from policenet.actions.hits import ESCALATION_BATCH, escalate_overdue
from policenet.actions.notices import sweep_validity
from policenet.domain.clock import utcnow

if TYPE_CHECKING:
    from policenet.store.db import Database

SWEEP_PAUSE = 0.02  # seconds between two batches of overdue hits


def sweep(database: Database) -> int:
    """Escalate every overdue hit, and end the notices past their validity (with the
    reminders before); returns how many were handled.

    Overdue hits go in short transactions with a pause between them: a backlog (after an
    outage) is worked off without holding up the checks, which wait for the write lock."""
    escalated = 0
    while True:
        with database.transaction() as session:
            batch = len(escalate_overdue(session, utcnow()))
        escalated += batch
        if batch < ESCALATION_BATCH:
            break
        time.sleep(SWEEP_PAUSE)
    with database.transaction() as session:
        report = sweep_validity(session, utcnow())
    return escalated + len(report.expired) + len(report.reminded)
