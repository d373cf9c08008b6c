"""DNA searches: a profile against every stored profile the caller may see, by the Prüm
exchange rules or at a CODIS stringency, each match with its random match probability; and
familial searches where the bureau's national policy allows them.

Every match with a stored profile becomes a hit, alerted to the owner and to the searching
bureau and confirmed by the owner like any other. A ``hit_only`` profile (the default for DNA)
tells the searcher only that its owner holds a matching profile, the reference to quote and
whom to ask.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from policenet.access import (
    dna_match_shown,
    is_owner,
    may_learn_of_answering,
    may_manage_country,
    require,
    sees_details,
)
from policenet.actions.checks import keep_hits
from policenet.actions.hits import new_hit
from policenet.actions.probing import counted_since, limit_variants, refuse_if_limited
from policenet.actions.verbs import refused
from policenet.domain.dna import DnaEntry, FamilialSearch, Relationship, Stringency
from policenet.domain.errors import Forbidden, InvalidInput, NotFound
from policenet.domain.members import ncb_id
from policenet.domain.principals import Principal, Right
from policenet.domain.probing import SHARED_LOCI, VARIANTS
from policenet.domain.records import Database, Record
from policenet.matching.dna import (
    PRUM_MIN_LOCI,
    Genotypes,
    MatchProbability,
    codis,
    designated_loci,
    kinship_ratio,
    mixed,
    populations,
    prum,
    random_match_probability,
)
from policenet.matching.records import prepare
from policenet.store import audit, registry
from policenet.store import records as record_store

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from policenet.domain.dna import DnaPolicy, DnaSearch
    from policenet.domain.shown import DnaMatchShown
    from policenet.screening.service import Screening

# The index hands at most this many candidates to the exact rules (a search past it is told
# to narrow); familial candidates are the profiles sharing the most alleles.
CANDIDATES = 20_000
KIN_CANDIDATES = 5000


@dataclass(frozen=True, slots=True)
class DnaResult:
    reference: str
    searched_at: datetime
    rules: str
    matches: list[DnaMatchShown]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Query:
    loci: Genotypes
    mixture: bool
    own_id: int | None


def _genotypes(data: dict[str, Any]) -> Genotypes:
    return {locus: tuple(alleles) for locus, alleles in data["loci"].items()}


def _query(
    session: Session, actor: Principal, profile_id: int | None, profile: DnaEntry | None
) -> _Query:
    if (profile_id is None) == (profile is None):
        raise InvalidInput(
            "Give either 'profile_id' (one of your bureau's stored profiles) or 'profile' (a "
            "profile to search once), not both.",
            code="dna_query_missing",
            field="profile",
        )
    if profile is not None:
        data = prepare(profile).data
        return _Query(_genotypes(data), mixed(data), None)
    assert profile_id is not None  # noqa: S101 - one of the two is given
    record = record_store.get_active(session, profile_id, Database.DNA)
    if record is None or not is_owner(actor, record.owner_bureau_id):
        missing = NotFound(
            f"No active DNA profile {profile_id} of your bureau: search with a profile you own, "
            "or send the profile itself.",
            code="record_not_found",
        )
        raise refused(missing, actor, "dna.search", f"record:{profile_id}")
    return _Query(_genotypes(record.data), mixed(record.data), record.id)


def _probabilities(
    query: _Query,
    stored: Genotypes,
    stored_mixture: bool,
    loci: set[str],
    population: str | None,
    theta: float,
) -> tuple[MatchProbability, ...]:
    """The match probability of the single-source profile of the two, at the loci compared."""
    if not query.mixture:
        source = query.loci
    elif not stored_mixture:
        source = stored
    else:
        return ()
    genotypes = {locus: source[locus] for locus in loci if locus in source}
    tables = populations()
    chosen = [tables[population]] if population else list(tables.values())
    return tuple(random_match_probability(genotypes, table, theta) for table in chosen)


def _hit_row(
    actor: Principal,
    record: Record,
    match: str,
    check_reference: str,
    asked: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    return new_hit(
        actor,
        record,
        database=Database.DNA,
        check_reference=check_reference,
        match=match,
        score=None,
        asked={"dna": asked},
        place=None,
        now=now,
    )


def _check_population(population: str | None, field_name: str) -> None:
    if population is not None and population not in populations():
        raise InvalidInput(
            f"No allele frequencies for population {population!r}: use one of "
            f"{', '.join(populations())} (NIST 1036).",
            code="population_unknown",
            field=field_name,
        )


def search_dna(
    session: Session, actor: Principal, search: DnaSearch, screening: Screening, now: datetime
) -> DnaResult:
    """Search a profile against every stored profile the actor may see; audit the search,
    keep its hits and alert their owners."""
    require(actor, Right.CHECK_RECORDS)
    if not sees_details(actor):
        raise Forbidden("Carriers do not search DNA.", code="right_missing")
    _check_population(search.population, "population")
    refuse_if_limited(session, actor, Database.DNA, now)
    query = _query(session, actor, search.profile_id, search.profile)
    # The searches before a limit was lifted were judged honest: they count no more.
    window = now - counted_since(session, actor, Database.DNA, now)
    variants = screening.probes.variants(actor.id, query.loci, now, window, SHARED_LOCI)
    if variants >= VARIANTS:
        # Not run: the same answer whatever it would have found, and a limit from now on.
        limit_variants(session, actor, variants, now)
        note = (
            f"This search was not run: it is the {variants + 1}th variant of one profile you "
            f"searched within a day, which reads as an attempt to rebuild a record from the "
            "answers. Your DNA searches are refused for a day; the data protection officers "
            "were told."
        )
        return DnaResult(uuid.uuid4().hex, now, search.rules, [], [note])
    screening.refresh(session)
    notes: list[str] = []
    if search.rules == "prum":
        if query.mixture:
            raise InvalidInput(
                "A mixed profile is not exchanged under the Prüm rules: search it at a CODIS "
                "stringency (moderate or low) instead.",
                code="prum_mixture",
                field="profile",
            )
        designated = designated_loci(query.loci)
        if designated < PRUM_MIN_LOCI:
            raise InvalidInput(
                f"The profile has {designated} fully designated loci; the Prüm rules compare "
                f"profiles on at least {PRUM_MIN_LOCI}.",
                code="prum_too_few_loci",
                field="profile.loci",
            )
        found, cut = screening.dna.prum_candidates(
            query.loci, min_loci=PRUM_MIN_LOCI, limit=CANDIDATES
        )
    else:
        found, cut = screening.dna.search(
            query.loci, search.stringency, min_loci=search.min_loci, limit=CANDIDATES
        )
    if cut:
        notes.append(
            f"More than {CANDIDATES:,} profiles match this query: only those sharing the most "
            "loci were compared. Search with more loci or at a higher stringency."
        )
    today = now.date()
    reference = uuid.uuid4().hex
    asked = {
        "rules": search.rules,
        "stringency": search.stringency.value if search.rules == "codis" else None,
        "loci": len(query.loci),
    }
    matches: list[DnaMatchShown] = []
    rows: list[dict[str, Any]] = []
    refs: list[str | None] = []
    records = {r.id: r for r in record_store.answering(session, [i for i, _ in found], today)}
    for profile_id, _ in found:
        record = records.get(profile_id)
        if (
            record is None
            or profile_id == query.own_id
            or not may_learn_of_answering(actor, record)
        ):
            continue
        stored = _genotypes(record.data)
        differing = None
        if search.rules == "prum":
            result = prum(query.loci, stored)
            if result is None:
                continue
            kind, compared, differing = result.kind, result.compared, result.differing_locus
        else:
            counted = codis(query.loci, stored, search.stringency)
            if counted is None or counted < search.min_loci:
                continue
            kind, compared = search.stringency.value, counted
        loci = {locus for locus in query.loci.keys() & stored.keys() if locus != differing}
        row = _hit_row(actor, record, kind, reference, asked, now)
        rows.append(row)
        refs.append(record.external_ref)
        # hit_only: the owner and the reference to quote, nothing of the profile (its loci,
        # how it matched, a probability computed on it).
        matches.append(
            dna_match_shown(
                actor,
                record,
                row["reference"],
                today,
                match=kind,
                loci_compared=compared,
                differing_locus=differing,
                probabilities=partial(
                    _probabilities,
                    query,
                    stored,
                    mixed(record.data),
                    loci,
                    search.population,
                    search.theta,
                ),
            )
        )
        if len(matches) >= search.limit:
            notes.append(f"Only the first {search.limit} matches are listed: raise 'limit'.")
            break
    keep_hits(session, actor, rows, refs, now)
    audit.append_by(
        session,
        actor,
        "dna.search",
        "dna",
        {
            "reference": reference,
            "asked": asked,
            "hits": [{"record": r["record_id"], "match": r["match"]} for r in rows],
        },
    )
    return DnaResult(reference, now, search.rules, matches, notes)


def _policy_bureau(actor: Principal) -> str | None:
    """Whose national policy governs the actor: its bureau's, or its agency's NCB's."""
    return actor.bureau_id or (None if actor.country is None else ncb_id(actor.country))


def familial_search(
    session: Session,
    actor: Principal,
    search: FamilialSearch,
    screening: Screening,
    now: datetime,
) -> DnaResult:
    """Look for relatives of a profile's donor, where national law allows it; audited with
    its reason. Candidates are the profiles sharing the most alleles with it (parent and
    child share one at every locus); the ratio is computed for each."""
    require(actor, Right.CHECK_RECORDS)
    bureau = _policy_bureau(actor)
    if bureau is None or not registry.familial_search_allowed(session, bureau):
        raise Forbidden(
            "Familial searching is off for your bureau: national law must allow it, and your "
            "NCB's administrator records that (PUT /v1/bureaus/{id}/dna-policy).",
            code="familial_search_not_allowed",
        )
    _check_population(search.population, "population")
    refuse_if_limited(session, actor, Database.DNA, now)
    query = _query(session, actor, search.profile_id, search.profile)
    if query.mixture:
        raise InvalidInput(
            "A kinship ratio needs a single-source profile; this one is a mixture.",
            code="familial_mixture",
            field="profile",
        )
    screening.refresh(session)
    if search.relationship is Relationship.PARENT_CHILD:
        shared, _ = screening.dna.search(
            query.loci, Stringency.LOW, min_loci=PRUM_MIN_LOCI, limit=KIN_CANDIDATES
        )
        found = [i for i, _ in shared]
    else:
        found = screening.dna.most_shared(query.loci, KIN_CANDIDATES, min_loci=PRUM_MIN_LOCI)
    table = populations()[search.population]
    reference = uuid.uuid4().hex
    asked = {
        "relationship": search.relationship.value,
        "population": search.population,
        "reason": search.reason,
    }
    scored: list[tuple[float, int, Record]] = []
    for record in record_store.answering(session, found, now.date()):
        if (
            record.id == query.own_id
            or not may_learn_of_answering(actor, record)
            or mixed(record.data)
        ):
            continue
        ratio, used = kinship_ratio(query.loci, _genotypes(record.data), search.relationship, table)
        if used >= PRUM_MIN_LOCI and ratio >= search.min_lr:
            scored.append((ratio, used, record))
    scored.sort(key=lambda item: -item[0])
    matches: list[DnaMatchShown] = []
    rows: list[dict[str, Any]] = []
    refs: list[str | None] = []
    for ratio, used, record in scored[: search.limit]:
        row = _hit_row(actor, record, search.relationship.value, reference, asked, now)
        rows.append(row)
        refs.append(record.external_ref)
        matches.append(
            dna_match_shown(
                actor,
                record,
                row["reference"],
                now.date(),
                match=search.relationship.value,
                loci_compared=used,
                likelihood_ratio=ratio,
            )
        )
    keep_hits(session, actor, rows, refs, now)
    audit.append_by(
        session,
        actor,
        "dna.familial",
        "dna",
        {
            "reference": reference,
            "asked": asked,
            "hits": [{"record": r["record_id"], "match": r["match"]} for r in rows],
        },
    )
    return DnaResult(reference, now, "familial", matches)


def set_dna_policy(session: Session, actor: Principal, bureau_id: str, policy: DnaPolicy) -> bool:
    """An NCB's administrator records what its national law allows (the GS may too)."""
    bureau = registry.get_bureau(session, bureau_id)
    if bureau is None or bureau.kind.is_gs:
        raise NotFound(f"No member bureau {bureau_id!r}.", code="bureau_not_found")
    if not may_manage_country(actor, bureau.country):
        raise Forbidden(
            f"Only {bureau_id}'s administrator records its national DNA policy.",
            code="right_missing",
        )
    registry.set_familial_search(session, bureau_id, policy.familial_search)
    audit.append_by(
        session,
        actor,
        "dna.policy",
        f"bureau:{bureau_id}",
        {"familial_search": policy.familial_search},
    )
    return policy.familial_search


def dna_policy(session: Session, actor: Principal, bureau_id: str) -> bool:
    require(actor, Right.CHECK_RECORDS)
    return registry.familial_search_allowed(session, bureau_id)
