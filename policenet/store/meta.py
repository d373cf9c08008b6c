"""The hub's facts about itself (the ``hub_meta`` table): one value under each key, such as
the seed its demo population was made with."""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.store.tables import HubMetaRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def get_value(session: Session, key: str) -> str | None:
    row = session.get(HubMetaRow, key)
    return None if row is None else row.value


def set_value(session: Session, key: str, value: str) -> None:
    """``key`` holds ``value`` from now on, whatever it held before."""
    session.merge(HubMetaRow(key=key, value=value))
