"""The demo population, seeded by the hub's first GS administrator in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.actions.hub import first_gs_admin
from policenet.demo.population import DemoReport, seed_demo

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def seed_by_first_admin(
    session: Session, *, seed: int, documents: int, ttl_days: int
) -> DemoReport:
    """``seed_demo`` as the first GS administrator, whom ``initialise`` created."""
    admin = first_gs_admin(session)
    assert admin is not None  # noqa: S101 - initialise created one
    return seed_demo(session, admin, seed=seed, documents=documents, ttl_days=ttl_days)
