"""Writing a whole population at once, as the demo does: thousands of travel documents in a
few statements, and the note that the hub holds that population.

``record_document`` validates and writes one document and is too slow for ten thousand made
by a program that already knows them valid; these write the same rows, audit entries and
change-feed entries in bulk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.store import audit, feed, meta
from policenet.store import documents as documents_store

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from policenet.store.documents import NewDocument

_DEMO_SEED = "demo_seed"


def record_documents(
    session: Session, batch: Sequence[NewDocument], detail: dict[str, Any]
) -> list[int]:
    """Write ``batch`` (valid, numbers normalised), each document audited as recorded by its
    reporting officer with ``detail`` added; their ids, in order."""
    ids = documents_store.add_many(session, batch)
    if not ids:
        return ids
    audit.append_many(
        session,
        [
            (
                d.reported_by,
                d.owner_country,
                "document.record",
                f"travel_document:{i}",
                {
                    "issuing_country": d.issuing_country,
                    "document_type": d.document_type,
                    "number": d.number,
                    "status": d.status,
                    "visibility": d.visibility.scope,
                    **detail,
                },
            )
            for i, d in zip(ids, batch, strict=True)
        ],
    )
    feed.changed(session, feed.TRAVEL_DOCUMENTS, min(ids), max(ids))
    return ids


def demo_seed(session: Session) -> int | None:
    """The seed of the demo population this hub holds, or None: a hub holds one at most."""
    value = meta.get_value(session, _DEMO_SEED)
    return None if value is None else int(value)


def note_demo_seed(session: Session, seed: int) -> None:
    """Note that the hub now holds the demo population made with ``seed``."""
    meta.set_value(session, _DEMO_SEED, str(seed))
