"""The databases one check asks at once (and the DNA and fingerprint databases, searched on
their own)."""

from __future__ import annotations

from enum import StrEnum


class Database(StrEnum):
    """The databases one check asks at once."""

    PERSONS = "persons"
    TRAVEL_DOCUMENTS = "travel_documents"
    VEHICLES = "vehicles"
    ART = "art"
    FIREARMS = "firearms"
    VESSELS = "vessels"
    DNA = "dna"
    FINGERPRINTS = "fingerprints"
