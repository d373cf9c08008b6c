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


# Each database's collection in the API: /v1/{path}.
PATHS = {
    Database.PERSONS: "persons",
    Database.TRAVEL_DOCUMENTS: "documents",
    Database.VEHICLES: "vehicles",
    Database.ART: "art",
    Database.FIREARMS: "firearms",
    Database.VESSELS: "vessels",
    Database.DNA: "dna",
    Database.FINGERPRINTS: "fingerprints",
}
