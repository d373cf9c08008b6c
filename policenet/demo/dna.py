"""Demo DNA profiles: a few hundred drawn from the NIST 1036 frequencies, owned by several
bureaus, and a cross-border match: a French reference profile found in a German crime-scene
mixture (moderate stringency) and in a Spanish unidentified body (Prüm near match)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from policenet.actions.dna import search_dna
from policenet.actions.records import record_entry
from policenet.domain.dna import LOCI, DnaEntry, DnaSearch, ProfileKind, Stringency
from policenet.domain.principals import Principal, Role
from policenet.matching.dna import populations
from policenet.screening.service import Screening

if TYPE_CHECKING:
    import random
    from datetime import datetime

    from sqlalchemy.orm import Session

PROFILES = 240
# A single-source profile on the 12 European Standard Set loci: the first profile of
# ``examples/dna.an2`` (``scripts/make_dna_example.py``), and the donor of the tests.
DONOR: dict[str, list[str]] = {
    "D3S1358": ["15", "16"],
    "vWA": ["17", "18"],
    "D8S1179": ["13", "14"],
    "D21S11": ["29", "30"],
    "D18S51": ["14", "15"],
    "TH01": ["7", "9.3"],
    "FGA": ["21", "22"],
    "D1S1656": ["12", "15"],
    "D2S441": ["10", "11"],
    "D10S1248": ["13", "14"],
    "D12S391": ["18", "19"],
    "D22S1045": ["15", "16"],
}


def _genotype(rng: random.Random, locus: str) -> list[str]:
    table = populations()["Cauc"].alleles[locus]
    alleles, weights = list(table), list(table.values())
    return sorted(set(rng.choices(alleles, weights, k=2)), key=float)


def _profile(rng: random.Random, loci: int) -> dict[str, list[str]]:
    chosen = [locus for locus in LOCI if locus in populations()["Cauc"].alleles][:loci]
    return {locus: _genotype(rng, locus) for locus in chosen}


def seed_dna(
    session: Session, rng: random.Random, principals: list[Principal], now: datetime
) -> dict[str, Any]:
    officers = {
        p.country: p for p in principals if p.role is Role.NCB_OFFICER and p.country is not None
    }
    owners = [officers[c] for c in ("DE", "GB", "US", "BR", "JP", "NG", "IN") if c in officers]
    kinds = list(ProfileKind)
    for i in range(PROFILES):
        owner = owners[i % len(owners)]
        record_entry(
            session,
            owner,
            DnaEntry(
                external_ref=f"DEMO-DNA-{i:04d}",
                kind=kinds[i % len(kinds)],
                loci=_profile(rng, 12 + i % 12),
            ),
        )
    # The suspect: a French reference profile on 20 loci.
    suspect = _profile(rng, 20)
    fr, de = officers["FR"], officers["DE"]
    reference = record_entry(
        session,
        fr,
        DnaEntry(external_ref="FR-PTS-2026-0815", kind=ProfileKind.REFERENCE, loci=suspect),
    )
    # In Germany: a crime-scene mixture holding the suspect's alleles and another person's.
    other = _profile(rng, 20)
    mixture = {
        locus: sorted(set(alleles) | set(other[locus]), key=float)
        for locus, alleles in suspect.items()
    }
    record_entry(
        session,
        de,
        DnaEntry(
            external_ref="DE-BKA-2026-4711",
            kind=ProfileKind.CRIME_SCENE,
            loci=mixture,
            mixture=True,
            case_ref="Jewellery robbery, Cologne",
        ),
    )
    # In Spain (if seeded): an unidentified body, one allele read differently.
    spain = officers.get("ES")
    if spain is not None:
        body = dict(suspect)
        first = next(iter(body))
        body[first] = [body[first][0], "99"]  # an unreadable allele: a wildcard
        record_entry(
            session,
            spain,
            DnaEntry(external_ref="ES-2026-0099", kind=ProfileKind.UNIDENTIFIED_BODY, loci=body),
        )
    screening = Screening()
    found = search_dna(
        session,
        fr,
        DnaSearch(profile_id=reference.id, stringency=Stringency.MODERATE),
        screening,
        now,
    )
    return {
        "profiles": PROFILES + 2 + (spain is not None),
        "search": {"profile_id": reference.id, "stringency": "moderate"},
        "matches": [
            {"hit": m.hit_reference, "owner": m.owner_bureau_id, "match": m.match}
            for m in found.matches
        ],
    }
