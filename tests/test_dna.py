"""DNA profiles: each matching rule on hand-checked examples (Prüm full and near matches, the
6-locus floor, wildcards, mixtures; the three CODIS stringencies), match probabilities
against hand computations, kinship ratios, familial search policy, hits and their alerts,
import with errors naming profile and locus."""

from __future__ import annotations

import hashlib
import io
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nistitl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from policenet.actions.exchange import ImportRejected, ImportReport, import_file
from policenet.demo.dna import DONOR
from policenet.domain.dna import DnaEntry, Relationship, Stringency, canonical_locus
from policenet.domain.errors import InvalidInput
from policenet.domain.principals import Role
from policenet.domain.probing import LIMITS, PERSON_VARIANTS, SHARED_LOCI, VARIANTS
from policenet.domain.records import Database
from policenet.formats import ansi_nist
from policenet.formats.ansi_nist import MalformedTransaction, Type18Reading, load_locus_numbers
from policenet.matching.dna import (
    Frequencies,
    codis,
    kinship_ratio,
    locus_probability,
    normalise,
    populations,
    prum,
    random_match_probability,
)
from policenet.screening.dna import DnaIndex
from policenet.store.db import Database as Store
from tests.conftest import Actor, World
from tests.test_exchange import EXAMPLES, environment, importing, run_all, succeeded
from tests.test_network import events_of
from tests.test_records import answered, check, enter, person, refused


def g(loci: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return normalise(loci)


def only(loci: dict[str, list[str]], n: int) -> dict[str, list[str]]:
    return dict(list(loci.items())[:n])


# --- Prüm ----------------------------------------------------------------------------------


def test_prum_full_match() -> None:
    result = prum(g(DONOR), g(DONOR))
    assert result is not None
    assert (result.kind, result.designated, result.differing_locus) == ("full", 12, None)


def test_prum_near_match_is_exactly_one_allele() -> None:
    one = DONOR | {"FGA": ["21", "23"]}
    result = prum(g(DONOR), g(one))
    assert result is not None and (result.kind, result.differing_locus) == ("near", "FGA")
    # A homozygote against a heterozygote sharing one allele: one allele differs too.
    homozygote = DONOR | {"TH01": ["7"]}
    near = prum(g(DONOR), g(homozygote))
    assert near is not None and near.kind == "near"
    # Two alleles differing (at one locus or at two) is no match.
    assert prum(g(DONOR), g(DONOR | {"FGA": ["24", "25"]})) is None
    assert prum(g(DONOR), g(one | {"vWA": ["17", "19"]})) is None


def test_prum_needs_six_fully_designated_loci_in_common() -> None:
    assert prum(g(only(DONOR, 6)), g(DONOR)) is not None
    assert prum(g(only(DONOR, 5)), g(DONOR)) is None


@pytest.mark.parametrize("wildcard", ["0", "1", "99", "OL", ">30"])
def test_prum_wildcards_match_any_allele_but_do_not_count_as_designated(wildcard: str) -> None:
    six = only(DONOR, 6)
    stored = six | {"D3S1358": ["15", wildcard]}
    result = prum(g(DONOR), g(stored))
    assert result is None  # 5 designated loci left: below the floor
    seven = only(DONOR, 7) | {"D3S1358": ["15", wildcard]}
    result = prum(g(DONOR), g(seven))
    assert result is not None
    assert (result.kind, result.designated, result.compared) == ("full", 6, 7)
    # The wildcard stands for one allele: the other still has to agree.
    wrong = only(DONOR, 7) | {"D3S1358": ["12", wildcard]}
    mismatch = prum(g(DONOR), g(wrong))
    assert mismatch is not None and mismatch.kind == "near"


def test_prum_a_third_allele_makes_a_wildcard_locus() -> None:
    stored = only(DONOR, 7) | {"vWA": ["17", "18", "19"]}
    result = prum(g(DONOR), g(stored))
    assert result is not None
    assert (result.kind, result.designated, result.compared) == ("full", 6, 7)


# --- CODIS ---------------------------------------------------------------------------------

MIXTURE = {locus: [*alleles, str(int(float(alleles[0])) + 3)] for locus, alleles in DONOR.items()}


def test_codis_stringencies() -> None:
    assert codis(g(DONOR), g(DONOR), Stringency.HIGH) == 12
    # A reference inside a mixture: moderate and low, never high.
    assert codis(g(DONOR), g(MIXTURE), Stringency.HIGH) is None
    assert codis(g(DONOR), g(MIXTURE), Stringency.MODERATE) == 12
    assert codis(g(MIXTURE), g(DONOR), Stringency.MODERATE) == 12
    assert codis(g(DONOR), g(MIXTURE), Stringency.LOW) == 12
    # One allele shared at every locus: low only.
    cousin = {locus: [alleles[0], "40"] for locus, alleles in DONOR.items()}
    assert codis(g(DONOR), g(cousin), Stringency.MODERATE) is None
    assert codis(g(DONOR), g(cousin), Stringency.LOW) == 12
    # A locus sharing nothing excludes at every stringency.
    excluded = DONOR | {"FGA": ["30", "31"]}
    assert all(codis(g(DONOR), g(excluded), s) is None for s in Stringency)


def ids(found: tuple[list[tuple[int, int]], bool]) -> list[int]:
    return [i for i, _ in found[0]]


def test_the_index_agrees_with_the_rules() -> None:
    index = DnaIndex(capacity=2)
    index.add(1, g(DONOR), mixture=False)
    index.add(2, g(MIXTURE), mixture=True)
    index.add(3, g(only(DONOR, 4)), mixture=False)  # too few loci in common
    found = {s: ids(index.search(g(DONOR), s, min_loci=6, limit=10)) for s in Stringency}
    assert found == {
        Stringency.HIGH: [1],
        Stringency.MODERATE: [1, 2],
        Stringency.LOW: [1, 2],
    }
    # A profile committed late (a lower id after higher ones) is found like the others.
    index.add(0, g(DONOR), mixture=False)
    assert sorted(ids(index.search(g(DONOR), Stringency.HIGH, min_loci=6, limit=10))) == [0, 1]
    index.remove(0)
    index.remove(1)
    assert ids(index.search(g(DONOR), Stringency.HIGH, min_loci=6, limit=10)) == []
    index.add(1, g(DONOR), mixture=False)  # changed, or filed again: the same row
    assert len(index) == 3  # 1 again, 2 and 3; 0 withdrawn
    # An allele no stored profile holds matches nothing at high stringency.
    unseen = DONOR | {"FGA": ["21", "47.2"]}
    assert index.search(g(unseen), Stringency.HIGH, min_loci=6, limit=10) == ([], False)
    # More matches than asked for: said so.
    assert index.search(g(DONOR), Stringency.LOW, min_loci=6, limit=1)[1] is True


def test_the_prum_candidates_hold_every_prum_match() -> None:
    index = DnaIndex()
    near = DONOR | {"FGA": ["21", "23"]}
    far = DONOR | {"FGA": ["24", "25"]}
    triallelic = only(DONOR, 7) | {"vWA": ["10", "12", "13"]}  # a wildcard locus
    for number, loci in enumerate((DONOR, near, far, triallelic), start=1):
        index.add(number, g(loci), mixture=False)
    index.add(5, g(MIXTURE), mixture=True)  # never exchanged
    found = ids(index.prum_candidates(g(DONOR), min_loci=6, limit=10))
    assert sorted(found) == [1, 2, 4]
    for number in found:
        stored = (DONOR, near, far, triallelic)[number - 1]
        assert prum(g(DONOR), g(stored)) is not None
    assert prum(g(DONOR), g(far)) is None


def test_a_full_vocabulary_never_hides_a_match() -> None:
    index = DnaIndex()
    for number in range(70):  # 70 designations at SE33: past the 62 bits
        index.add(number + 1, {"SE33": (f"{10 + number // 10}.{number % 10}",)}, mixture=False)
    profile = only(DONOR, 5) | {"SE33": ["29.9", "30.9"]}
    index.add(100, g(profile), mixture=False)
    assert ids(index.search(g(profile), Stringency.HIGH, min_loci=6, limit=10)) == [100]


# --- match probability ---------------------------------------------------------------------

HAND = Frequencies("hand", {"L": {"10": 0.1, "11": 0.2}}, {"L": 1000})


def test_rmp_by_the_nrc_ii_formulas_against_a_hand_computation() -> None:
    assert locus_probability(("10", "11"), "L", HAND, 0.0) == pytest.approx(2 * 0.1 * 0.2)
    assert locus_probability(("10",), "L", HAND, 0.0) == pytest.approx(0.01)
    theta = 0.01
    denominator = (1 + theta) * (1 + 2 * theta)
    hetero = 2 * (theta + 0.99 * 0.1) * (theta + 0.99 * 0.2) / denominator
    homo = (2 * theta + 0.99 * 0.1) * (3 * theta + 0.99 * 0.1) / denominator
    assert locus_probability(("10", "11"), "L", HAND, theta) == pytest.approx(hetero)
    assert locus_probability(("10",), "L", HAND, theta) == pytest.approx(homo)
    # 4.1: the product rule, with the homozygote corrected by θ.
    assert locus_probability(("10",), "L", HAND, theta, conditional=False) == pytest.approx(
        0.01 + 0.1 * 0.9 * theta
    )
    assert locus_probability(("10", "11"), "L", HAND, theta, conditional=False) == (
        pytest.approx(0.04)
    )
    # An allele never seen is floored at 5/2N.
    assert locus_probability(("12",), "L", HAND, 0.0) == pytest.approx((5 / 1000) ** 2)


def test_rmp_of_a_known_profile_from_the_shipped_nist_table() -> None:
    afam = populations()["AfAm"]
    # NIST 1036 African American TH01 (684 alleles): 7 = 0.407895, 9.3 = 0.096491.
    assert locus_probability(("7", "9.3"), "TH01", afam, 0.0) == pytest.approx(
        2 * 0.407895 * 0.096491, rel=1e-5
    )
    profile = g({"TH01": ["7", "9.3"], "D3S1358": ["15", "16"]})
    rmp = random_match_probability(profile, afam, 0.0)
    d3 = afam.alleles["D3S1358"]
    assert rmp.loci == 2
    assert rmp.product_rule == pytest.approx(
        2 * 0.407895 * 0.096491 * 2 * d3["15"] * d3["16"], rel=1e-5
    )
    assert set(populations()) == {"AfAm", "Asian", "Cauc", "Hisp"}


def test_kinship_ratio_against_a_hand_computation() -> None:
    table = Frequencies("hand", {"L": {"10": 0.1, "11": 0.2, "12": 0.3}}, {"L": 1000})
    parent = {"L": ("10", "11")}
    # Parent ab, child ac: 1 / (4 p_a).
    ratio, used = kinship_ratio(parent, {"L": ("10", "12")}, Relationship.PARENT_CHILD, table)
    assert (ratio, used) == (pytest.approx(1 / (4 * 0.1)), 1)
    # Parent ab, child ab: (p_a + p_b) / (4 p_a p_b).
    ratio, _ = kinship_ratio(parent, {"L": ("10", "11")}, Relationship.PARENT_CHILD, table)
    assert ratio == pytest.approx((0.1 + 0.2) / (4 * 0.1 * 0.2))
    # No shared allele: not a parent (mutation is not modelled).
    ratio, _ = kinship_ratio(parent, {"L": ("12",)}, Relationship.PARENT_CHILD, table)
    assert ratio == 0
    # Full siblings, identical heterozygotes: 1/4 + (p_a + p_b)/(8 p_a p_b) + 1/(8 p_a p_b).
    ratio, _ = kinship_ratio(parent, parent, Relationship.FULL_SIBLINGS, table)
    expected = 0.25 + 0.5 * (0.1 + 0.2) / (4 * 0.1 * 0.2) + 0.25 / (2 * 0.1 * 0.2)
    assert ratio == pytest.approx(expected)


# --- through the hub -----------------------------------------------------------------------


def profile(loci: dict[str, list[str]], **changes: Any) -> dict[str, Any]:
    return {"kind": "crime_scene", "loci": loci} | changes


def search(client: TestClient, actor: Any, body: dict[str, Any]) -> dict[str, Any]:
    return answered(client.post("/v1/dna/search", json=body, headers=actor.headers))


def test_a_cross_border_match_is_a_hit_alerted_to_the_owner(
    client: TestClient, world: World
) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    fr = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, de, "dna", profile(DONOR, external_ref="DE-BKA-2026-0042"))
    assert stored["disclosure"] == "hit_only"  # the default for DNA
    body = {"profile": profile(DONOR | {"FGA": ["21", "23"]}), "rules": "prum"}
    answer = search(client, fr, body)
    (match,) = answer["matches"]
    # hit_only: the owner and the reference to quote, nothing of the profile.
    assert match == {
        "hit_reference": match["hit_reference"],
        "owner_bureau": "NCB-DE",
        "disclosure": "hit_only",
        "match": None,
        "loci_compared": None,
        "differing_locus": None,
        "random_match_probability": [],
        "likelihood_ratio": None,
        "profile": None,
    }
    # The owner is alerted, sees how it matched, and confirms it like any other hit.
    (alert,) = [e for e in events_of(client, de) if e["kind"] == "hit.alert"]
    assert alert["payload"]["hit"] == match["hit_reference"]
    assert alert["payload"]["external_ref"] == "DE-BKA-2026-0042"
    assert alert["payload"]["database"] == "dna" and alert["payload"]["match"] == "near"
    (told,) = [e for e in events_of(client, fr) if e["kind"] == "hit.recorded"]
    assert told["payload"]["owner_bureau"] == "NCB-DE"
    decided = client.post(
        f"/v1/hits/{match['hit_reference']}/decision",
        json={"decision": "confirmed", "reason": "Same donor on the full profile."},
        headers=de.headers,
    )
    assert decided.status_code == 200, decided.text


def test_a_full_profile_match_shows_how_it_matched_and_its_probability(
    client: TestClient, world: World
) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    fr = world.principal(Role.NCB_OFFICER, "FR")
    enter(client, de, "dna", profile(DONOR, disclosure="full"))
    body = {"profile": profile(DONOR | {"FGA": ["21", "23"]}), "rules": "prum"}
    (match,) = search(client, fr, body)["matches"]
    assert match["match"] == "near" and match["differing_locus"] == "FGA"
    assert match["loci_compared"] == 12 and match["profile"]["data"]["loci"]["FGA"] == [
        "21",
        "22",
    ]
    (cauc,) = [p for p in match["random_match_probability"] if p["population"] == "Cauc"]
    assert cauc["loci"] == 11  # the differing locus does not enter the probability
    assert 0 < cauc["product_rule"] < cauc["with_theta"] < 1e-9
    refused(
        client.post(
            "/v1/dna/search",
            json={"profile": profile(DONOR), "min_loci": 1},
            headers=fr.headers,
        ),
        422,
        "invalid_request",
    )
    refused(
        client.post("/v1/dna/search", json={"profile_id": 2**70}, headers=fr.headers),
        422,
        "invalid_request",
    )


def test_a_mixture_is_found_only_at_moderate_or_low_and_never_under_prum(
    client: TestClient, world: World
) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    fr = world.principal(Role.NCB_OFFICER, "FR")
    enter(client, de, "dna", profile(MIXTURE, mixture=True, disclosure="full"))
    reference = {"profile": profile(DONOR, kind="reference")}
    assert search(client, fr, reference | {"stringency": "high"})["hit"] is False
    moderate = search(client, fr, reference | {"stringency": "moderate"})
    (match,) = moderate["matches"]
    assert match["profile"]["data"]["mixture"] is True  # a full profile is shown
    # The reference is the single source: its probability is given.
    assert match["random_match_probability"]
    assert search(client, fr, reference | {"stringency": "low"})["hit"] is True
    assert search(client, fr, reference | {"rules": "prum"})["hit"] is False
    refused(
        client.post(
            "/v1/dna/search",
            json={"profile": profile(MIXTURE, mixture=True), "rules": "prum"},
            headers=fr.headers,
        ),
        422,
        "prum_mixture",
    )


def test_prum_refuses_a_profile_below_six_loci(client: TestClient, world: World) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    answer = client.post(
        "/v1/dna/search",
        json={"profile": profile(only(DONOR, 5)), "rules": "prum"},
        headers=fr.headers,
    )
    refused(answer, 422, "prum_too_few_loci")


def test_a_restricted_profile_is_not_found_outside_its_countries(
    client: TestClient, world: World
) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    enter(
        client,
        de,
        "dna",
        profile(DONOR, visibility={"scope": "only_listed", "countries": ["AT"]}),
    )
    body = {"profile": profile(DONOR)}
    assert search(client, world.principal(Role.NCB_OFFICER, "FR"), body)["hit"] is False
    assert search(client, world.principal(Role.NCB_OFFICER, "AT"), body)["hit"] is True
    refused(
        client.post(
            "/v1/dna/search", json=body, headers=world.principal(Role.CARRIER, "FR").headers
        ),
        403,
        "right_missing",
    )


def test_familial_search_only_where_national_law_allows_it(
    client: TestClient, world: World
) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    fr = world.principal(Role.NCB_OFFICER, "FR")
    # A child of the donor: one allele from the donor at every locus.
    child = {locus: [alleles[0], "8"] for locus, alleles in DONOR.items()}
    enter(client, de, "dna", profile(child, kind="reference", disclosure="full"))
    body = {
        "profile": profile(DONOR),
        "relationship": "parent_child",
        "reason": "Unsolved homicide, case FR-2026-17, all other leads exhausted.",
        "min_lr": 2,
    }
    refused(
        client.post("/v1/dna/familial-search", json=body, headers=fr.headers),
        403,
        "familial_search_not_allowed",
    )
    refused(
        client.put(
            "/v1/bureaus/NCB-FR/dna-policy", json={"familial_search": True}, headers=fr.headers
        ),
        403,
        "right_missing",
    )
    allowed = client.put(
        "/v1/bureaus/NCB-FR/dna-policy",
        json={"familial_search": True},
        headers=world.ncb_admin("FR").headers,
    )
    assert allowed.status_code == 200 and allowed.json()["familial_search"] is True
    answer = client.post("/v1/dna/familial-search", json=body, headers=fr.headers)
    assert answer.status_code == 200, answer.text
    (relative,) = answer.json()["matches"]
    assert relative["match"] == "parent_child" and relative["likelihood_ratio"] > 2
    audit = client.get("/v1/audit", headers=world.gs_admin.headers).json()["items"]
    (entry,) = [e for e in audit if e["action"] == "dna.familial"]
    assert "FR-2026-17" in entry["detail"]["asked"]["reason"]


def test_import_names_the_profile_and_the_locus(world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    good = (
        "external_ref,kind,D3S1358,vWA,TH01,FGA,Penta D,amelogenin\n"
        'DE-1,crime_scene,"15,16","17,18","7,9.3","21,22","9,12",XY\n'
    )
    report = import_file(world.database, officer.principal, Database.DNA, good, "csv")
    assert report.written == 1
    bad = 'external_ref,kind,D3S1358,TH01\nDE-2,crime_scene,"15,16","7,x.9"\n'
    with pytest.raises(ImportRejected) as raised:
        import_file(world.database, officer.principal, Database.DNA, bad, "csv")
    (error,) = raised.value.errors
    message = str(error)
    assert "DE-2" in message and "TH01" in message and "line 2" in message


def test_the_match_probability_is_tiny_for_a_full_profile() -> None:
    rmp = random_match_probability(g(DONOR), populations()["Cauc"], 0.01)
    assert rmp.loci == 12
    assert -20 < math.log10(rmp.with_theta) < -10


def test_every_allele_of_the_shipped_table_is_accepted() -> None:
    for table in populations().values():
        for locus, alleles in table.alleles.items():
            if canonical_locus(locus) is not None:
                for allele in alleles:
                    DnaEntry(kind="reference", loci={locus: [allele]})


def test_alleles_have_one_spelling() -> None:
    entry = DnaEntry(kind="reference", loci={"vwa": ["017", "18"], "TH01": ["07", "9.3"]})
    assert entry.loci == {"vWA": ["17", "18"], "TH01": ["7", "9.3"]}
    assert DnaEntry(kind="reference", loci={"FGA": ["00", "ol"]}).loci == {"FGA": ["0", "OL"]}
    with pytest.raises(ValueError, match="TH01"):
        DnaEntry(kind="reference", loci={"TH01": ["٧"]})  # an Arabic-Indic seven


def test_a_profile_corrected_is_no_longer_a_mixture(client: TestClient, world: World) -> None:
    de = world.principal(Role.NCB_OFFICER, "DE")
    three_at_two = DONOR | {"FGA": ["21", "22", "23"], "vWA": ["17", "18", "19"]}
    stored = enter(client, de, "dna", profile(three_at_two))
    assert stored["data"]["mixture_inferred"] is True
    corrected = client.patch(f"/v1/dna/{stored['id']}", json={"loci": DONOR}, headers=de.headers)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["data"]["mixture_inferred"] is False
    fr = world.principal(Role.NCB_OFFICER, "FR")
    assert search(client, fr, {"profile": profile(DONOR), "rules": "prum"})["hit"] is True


def test_two_columns_for_one_locus_are_refused(world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    text = 'external_ref,kind,vWA,VWA\nDE-3,crime_scene,"17,18","17,19"\n'
    with pytest.raises(ImportRejected) as raised:
        import_file(world.database, officer.principal, Database.DNA, text, "csv")
    assert "vWA" in str(raised.value.errors[0])


# --- ANSI/NIST-ITL Type-18 -------------------------------------------------------------------


def type_18(profiles: dict[int, list[list[str]]], tcn: str = "DE-LAB-7") -> str:
    """A transaction built item by item with nistitl (not with policenet's reader), as the
    import takes it: its bytes as Latin-1 text."""
    message = nistitl.Message()
    message[0].TCN = tcn
    for idc, subfields in profiles.items():
        record = nistitl.AsciiRecord(18)
        record.IDC = idc
        str_field = nistitl.Field(18, 16)
        str_field.add_subfields(*(nistitl.SubField(items) for items in subfields))
        record += str_field
        message += record
    data: bytes = message.NIST
    return data.decode("latin-1")


def str_items(locus: str, *alleles: str, called: str = "1") -> list[str]:
    """One 18.016 subfield: DST, DLR, ALL, two indicators, then AL1-AL3."""
    return ["0", locus, called, "", "", *alleles]


def stored_profiles(world: World) -> dict[str, dict[str, Any]]:
    with world.database.reading() as session:
        rows = session.execute(
            text("SELECT external_ref, data FROM records WHERE database = 'dna'")
        ).all()
    return {ref: data if isinstance(data, dict) else json.loads(data) for ref, data in rows}


def import_type_18(
    world: World, officer: Actor, transaction: str, reading: Type18Reading
) -> ImportReport:
    """The transaction imported in-process for the officer's bureau, read as ``reading`` says."""
    return import_file(
        world.database, officer.principal, Database.DNA, transaction, "nist", nist=reading
    )


def test_a_type_18_transaction_imports_its_str_profiles(world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    subfields = [str_items(locus, *alleles) for locus, alleles in DONOR.items()]
    subfields += [
        str_items("AMEL", "X", "Y"),
        str_items("SE33", called="0"),  # not typed
        str_items("D16S539", "9", "11", "12"),  # a tri-allele, in AL3
    ]
    transaction = type_18({1: subfields, 2: [str_items("TH01", "6", "9.3")]})
    reading = Type18Reading("reference")
    report = import_type_18(world, officer, transaction, reading)
    assert report.written == 2
    assert report.digest == hashlib.sha256(transaction.encode("latin-1")).hexdigest()
    profiles = stored_profiles(world)
    first = profiles["DE-LAB-7/1"]
    assert first["kind"] == "reference" and first["amelogenin"] == "XY"
    assert first["loci"] == DONOR | {"D16S539": ["9", "11", "12"]}
    assert profiles["DE-LAB-7/2"]["loci"] == {"TH01": ["6", "9.3"]}
    again = import_type_18(world, officer, transaction, reading)
    assert again.written == 2 and len(stored_profiles(world)) == 2  # updated, not added


def test_type_18_loci_may_be_numbered_by_the_laboratorys_table(world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    transaction = type_18({5: [str_items("7", "15", "16"), str_items("12", "7", "9.3")]})
    with pytest.raises(ImportRejected) as raised:
        import_type_18(world, officer, transaction, Type18Reading("crime_scene"))
    (error,) = raised.value.errors
    assert str(error).startswith("record 2: profile DE-LAB-7/5: field 18.016, subfield 1")
    assert "'7'" in str(error) and "--locus-table" in str(error)
    table = load_locus_numbers("# our system\n7,D3S1358\n12,th01\n")
    report = import_type_18(world, officer, transaction, Type18Reading("crime_scene", table))
    assert report.written == 1
    assert stored_profiles(world)["DE-LAB-7/5"]["loci"] == {
        "D3S1358": ["15", "16"],
        "TH01": ["7", "9.3"],
    }
    with pytest.raises(InvalidInput, match="line 2"):
        load_locus_numbers("7,D3S1358\n8,D99S1\n")


@pytest.mark.parametrize(
    ("subfield", "named"),
    [
        (str_items("D99S1", "10", "11"), "locus 'D99S1': it is not one of the 24"),
        (str_items("TH01", "7", "x.9"), "TH01"),
        (str_items("FGA", "21", called="2"), "locus FGA: the allele indicator (item 3, ALL)"),
        (str_items("FGA"), "locus FGA: the allele indicator is 1 but no allele"),
        (["0", ""], "the locus reference (item 2, DLR) is empty"),
    ],
)
def test_type_18_errors_name_the_record_the_profile_and_the_locus(
    world: World, subfield: list[str], named: str
) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    good = [str_items(locus, *alleles) for locus, alleles in DONOR.items()]
    transaction = type_18({1: good, 2: [*good[:6], subfield]})
    with pytest.raises(ImportRejected) as raised:
        import_type_18(world, officer, transaction, Type18Reading("reference"))
    (error,) = raised.value.errors
    assert str(error).startswith("record 3") and "DE-LAB-7/2" in str(error), str(error)
    assert named in str(error)
    assert "1 of 2 records are not valid" in raised.value.message
    assert stored_profiles(world) == {}  # the good profile was not written either


def test_a_malformed_or_empty_transaction_is_refused(world: World) -> None:
    officer = world.principal(Role.NCB_OFFICER, "DE")
    transaction = type_18({1: [str_items("TH01", "7", "8")]})

    def importing(content: str) -> None:
        import_type_18(world, officer, content, Type18Reading("reference"))

    with pytest.raises(MalformedTransaction, match=r"record 2 \(Type-18\).* cut short"):
        importing(transaction[:-5])
    with pytest.raises(MalformedTransaction, match=r"begin with the Type-1 record"):
        importing("external_ref,kind\n")
    with pytest.raises(InvalidInput) as raised:
        importing(type_18({}))
    assert raised.value.code == "nist_no_profiles"
    assert stored_profiles(world) == {}


class Counted(io.BytesIO):
    """A file that counts the bytes read from it."""

    taken = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


def test_a_laboratorys_batch_is_read_a_record_at_a_time() -> None:
    """A transaction of many profiles is read from its file as its profiles are validated:
    the first one comes before the next records are read, and the rows are those of the
    transaction read whole."""
    batch = type_18(
        {
            idc: [str_items("TH01", "6", str(7 + idc % 5)), str_items("FGA", "21", "22")]
            for idc in range(1, 401)
        }
    ).encode("latin-1")
    file = Counted(batch)
    rows = ansi_nist.dna_rows(file, Type18Reading("reference"))
    number, first = next(rows)
    assert number == 2 and isinstance(first, dict) and first["external_ref"] == "DE-LAB-7/1"
    header = int(batch[6 : batch.index(b"\x1d")])  # 1.001, the Type-1 record's length
    assert file.taken < header + 200  # the Type-1 record, one profile and a look ahead
    rest = list(rows)
    assert file.taken == len(batch)
    assert [first, *(row for _, row in rest)] == [
        row for _, row in ansi_nist.dna_rows(batch, Type18Reading("reference"))
    ]
    assert len(rest) == 399 and rest[-1][1]["external_ref"] == "DE-LAB-7/400"


def test_records_other_than_profiles_are_passed_over_whatever_their_kind() -> None:
    message = nistitl.Message()
    message[0].TCN = "DE-LAB-8"
    for idc in (1, 2):
        profile = nistitl.AsciiRecord(18)
        profile.IDC = idc
        profile += nistitl.Field(18, 16, [str_items("TH01", "6", "9.3")])
        message += profile
        image = nistitl.BinaryRecord(4)
        image.IDC = idc
        image.value = bytes(18) + b"pixels"
        message += image
    rows = list(ansi_nist.dna_rows(message.NIST, Type18Reading("reference")))
    assert [(n, row["external_ref"]) for n, row in rows] == [(2, "DE-LAB-8/1"), (4, "DE-LAB-8/2")]
    # What an import job counts before it runs: from the Type-1 record alone.
    file = Counted(message.NIST)
    assert ansi_nist.announced(file, ansi_nist.DNA_RECORD) == 2
    assert file.taken < len(message.NIST) / 2


def _lie(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1
    return data.replace(old, new)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d + b"18.001:9", r"8 bytes follow the 3 records that field 1\.003 \(CNT\)"),
        (
            lambda d: _lie(d, b"\x1e18\x1f1\x1e", b"\x1e17\x1f1\x1e"),
            r"CNT\) announces a Type-17 record",
        ),
        (lambda d: _lie(d, b"18.002:2", b"18.002:B"), r"18\.002 \(IDC\) must be one whole"),
        (lambda d: _lie(d, b"18.016:0\x1fFGA", b"17.016:0\x1fFGA"), r"record 3 .*field 3 does"),
        (lambda d: d.replace(b"1.003:", b"1.033:"), r"1\.003 \(CNT, the file content\) is"),
        (lambda d: d.replace(b"\x1c18.001:", b"\x1c18.001:x", 1), r"record 2 .*first field"),
    ],
)
def test_a_broken_frame_is_named_when_the_reading_reaches_it(
    change: Callable[[bytes], bytes], named: str
) -> None:
    two = type_18({1: [str_items("TH01", "6", "7")], 2: [str_items("FGA", "21", "22")]})
    data = change(two.encode("latin-1"))
    with pytest.raises(MalformedTransaction, match=named):
        list(ansi_nist.dna_rows(data, Type18Reading("reference")))


def test_a_record_whose_length_stops_short_of_its_separator_is_refused() -> None:
    one = type_18({1: [str_items("TH01", "6", "7")]}).encode("latin-1")
    length = int(one.split(b"\x1c18.001:")[1].split(b"\x1d")[0])
    shorter = one.replace(f"18.001:{length}".encode(), f"18.001:{length - 1}".encode())
    with pytest.raises(MalformedTransaction, match="last byte is not the record separator"):
        list(ansi_nist.dna_rows(shorter, Type18Reading("reference")))


def test_the_example_files_import_from_the_command_line(
    world: World, database: Store, tmp_path: Path
) -> None:
    env = environment(database, tmp_path)
    officer = world.principal(Role.NCB_OFFICER, "FR")
    table = tmp_path / "loci.csv"
    table.write_text("1,D3S1358\n2,D99S1\n", "utf-8")
    csv_done, nist_done, kindless, bad_table = run_all(
        [
            importing("dna", EXAMPLES / "dna.csv", officer),
            importing("dna", EXAMPLES / "dna.an2", officer, "--profile-kind", "reference"),
            importing("dna", EXAMPLES / "dna.an2", officer),
            importing(
                "dna",
                EXAMPLES / "dna.an2",
                officer,
                "--profile-kind",
                "relative",
                "--locus-table",
                str(table),
            ),
        ],
        env,
    )
    assert "Imported 3 dna records from dna.csv" in succeeded(csv_done)
    assert "Imported 2 dna records from dna.an2" in succeeded(nist_done)
    assert kindless.returncode == 2 and "--profile-kind" in kindless.stdout
    assert bad_table.returncode == 2 and "error [locus_table_invalid]" in bad_table.stderr
    profiles = stored_profiles(world)
    assert profiles["FR-DNA-0002"]["mixture"] is True
    assert profiles["FR-LAB-2026-0042/2"]["loci"]["D16S539"] == ["9", "11", "12"]
    assert "SE33" not in profiles["FR-LAB-2026-0042/1"]["loci"]


def test_searches_that_keep_hitting_one_hit_only_profile_are_limited_and_reported(
    client: TestClient, world: World
) -> None:
    """Varying one allele at a time and watching which searches hit rebuilds a hit_only
    profile. After LIMITS[DNA] hits on one profile within a day, every DNA search of that
    principal is refused, hit or not (a refusal only for hits would answer the question), and
    the owner and the data protection officers are told."""
    de = world.principal(Role.NCB_OFFICER, "DE")
    fr = world.principal(Role.NCB_OFFICER, "FR")
    colleague = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, de, "dna", profile(DONOR, external_ref="DE-BKA-2026-0099"))
    assert stored["disclosure"] == "hit_only"
    locus = next(iter(DONOR))
    probes = [
        DONOR | {locus: [str(a), DONOR[locus][1]]} for a in range(5, 5 + LIMITS[Database.DNA])
    ]
    for probe in probes:
        search(client, fr, {"profile": profile(probe), "rules": "prum"})
    unrelated = {k: [str(int(float(a[0])) + 3)] * 2 for k, a in DONOR.items()}
    elsewhere = {"profile": profile(unrelated), "rules": "prum"}
    limited = client.post("/v1/dna/search", json=elsewhere, headers=fr.headers)
    refused(limited, 429, "probing_limited")
    assert int(limited.headers["Retry-After"]) > 3600
    assert "NCB-DE" in limited.json()["error"]["message"]
    again = client.post(
        "/v1/dna/search", json={"profile": profile(DONOR), "rules": "prum"}, headers=fr.headers
    )
    refused(again, 429, "probing_limited")
    # Its colleague's work goes on; the owner and the data protection officers are told once.
    assert search(client, colleague, elsewhere)["hit"] is False
    (told,) = [e for e in events_of(client, de) if e["kind"] == "probing.suspected"]
    assert told["payload"]["principal"] == fr.principal.id
    assert told["payload"]["record"] == stored["id"]
    assert told["payload"]["hits"] == LIMITS[Database.DNA]
    dpo = world.principal(Role.DATA_PROTECTION)
    assert [e["kind"] for e in events_of(client, dpo)] == ["probing.suspected"]
    entries = client.get("/v1/audit", headers=dpo.headers).json()["items"]
    actions = [e["action"] for e in entries]
    assert "probing.limited" in actions and actions.count("probing.refused") == 2


def test_a_family_of_near_identical_searches_is_limited_whether_they_hit_or_not(
    client: TestClient, world: World
) -> None:
    """The probes that do not hit teach as much as those that do: a principal whose DNA
    searches are VARIANTS variants of one core of loci is limited, and the data protection
    officers are told, though nothing hit."""
    fr = world.principal(Role.NCB_OFFICER, "FR")
    core = dict(list(DONOR.items())[:SHARED_LOCI])
    locus = list(DONOR)[SHARED_LOCI]
    for allele in range(5, 5 + VARIANTS):
        probe = core | {locus: [str(allele), str(allele + 1)]}
        answer = search(client, fr, {"profile": profile(probe), "rules": "prum"})
        assert answer["hit"] is False and not answer["notes"]
    probe = core | {locus: ["40", "41"]}
    stopped = search(client, fr, {"profile": profile(probe), "rules": "prum"})
    assert stopped["hit"] is False and "not run" in stopped["notes"][0]
    refused(
        client.post(
            "/v1/dna/search", json={"profile": profile(DONOR), "rules": "prum"}, headers=fr.headers
        ),
        429,
        "probing_limited",
    )
    dpo = world.principal(Role.DATA_PROTECTION)
    (told,) = [e for e in events_of(client, dpo) if e["kind"] == "probing.suspected"]
    assert told["payload"]["principal"] == fr.principal.id
    assert told["payload"]["variants"] == VARIANTS


def limit_probes(client: TestClient, world: World) -> tuple[Any, Any, dict[str, Any], Any]:
    """An FR officer limited for hitting DE's hit_only profile LIMITS times: the officer, the
    owner, the profile stored and the probes' search (which hits)."""
    de = world.principal(Role.NCB_OFFICER, "DE")
    fr = world.principal(Role.NCB_OFFICER, "FR")
    stored = enter(client, de, "dna", profile(DONOR, external_ref="DE-BKA-2026-0101"))
    body = {"profile": profile(DONOR), "rules": "prum"}
    for _ in range(LIMITS[Database.DNA]):
        assert search(client, fr, body)["hit"] is True
    refused(client.post("/v1/dna/search", json=body, headers=fr.headers), 429, "probing_limited")
    return fr, de, stored, body


def test_a_data_protection_officer_lifts_a_limit_found_to_be_honest_work(
    client: TestClient, world: World
) -> None:
    """A limit is a suspicion: the data protection officer sees it, lifts it with a reason,
    and the principal searches again at once; the searches before the lift count no more (one
    more hit does not limit it again), the lift is audited and told to both bureaus."""
    fr, de, stored, body = limit_probes(client, world)
    dpo = world.principal(Role.DATA_PROTECTION)
    (limit,) = client.get(
        "/v1/data-protection/probing-limits", params={"in_force": "true"}, headers=dpo.headers
    ).json()["items"]
    assert limit["principal_id"] == fr.principal.id and limit["in_force"] is True
    assert limit["record_id"] == stored["id"] and limit["owner_bureau_id"] == "NCB-DE"
    assert limit["hits"] == LIMITS[Database.DNA]
    reason = {"reason": "Laboratory re-ran one stain after a calibration fault; checked."}
    lifted = client.post(
        f"/v1/data-protection/probing-limits/{limit['id']}/lift", json=reason, headers=dpo.headers
    )
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["in_force"] is False and lifted.json()["lifted_by"] == dpo.principal.id
    assert search(client, fr, body)["hit"] is True
    assert search(client, fr, body)["hit"] is True
    assert (
        client.get(
            "/v1/data-protection/probing-limits", params={"in_force": "true"}, headers=dpo.headers
        ).json()["items"]
        == []
    )
    # Lifted once: lifting again is refused and changes nothing.
    again = client.post(
        f"/v1/data-protection/probing-limits/{limit['id']}/lift", json=reason, headers=dpo.headers
    )
    refused(again, 409, "probing_limit_not_in_force")
    for bureau in (fr, de):
        (told,) = [e for e in events_of(client, bureau) if e["kind"] == "probing.lifted"]
        assert told["payload"]["reason"] == reason["reason"]
    entries = client.get(
        "/v1/audit", params={"action": "probing.lifted"}, headers=dpo.headers
    ).json()["items"]
    assert [e["subject"] for e in entries] == [f"principal:{fr.principal.id}"]


def test_after_a_lift_the_variants_searched_before_it_count_no_more(
    client: TestClient, world: World
) -> None:
    fr = world.principal(Role.NCB_OFFICER, "FR")
    core = dict(list(DONOR.items())[:SHARED_LOCI])
    locus = list(DONOR)[SHARED_LOCI]
    for allele in range(5, 6 + VARIANTS):
        search(client, fr, {"profile": profile(core | {locus: [str(allele)] * 2}), "rules": "prum"})
    dpo = world.principal(Role.DATA_PROTECTION)
    (limit,) = client.get("/v1/data-protection/probing-limits", headers=dpo.headers).json()["items"]
    assert limit["record_id"] is None and limit["hits"] == VARIANTS
    lifted = client.post(
        f"/v1/data-protection/probing-limits/{limit['id']}/lift",
        json={"reason": "Proficiency test of the laboratory, announced beforehand."},
        headers=dpo.headers,
    )
    assert lifted.status_code == 200, lifted.text
    probe = core | {locus: ["40", "41"]}
    answer = search(client, fr, {"profile": profile(probe), "rules": "prum"})
    assert answer["hit"] is False and not answer["notes"]


def test_only_data_protection_officers_see_and_lift_probing_limits(
    client: TestClient, world: World
) -> None:
    fr, de, _, body = limit_probes(client, world)
    dpo = world.principal(Role.DATA_PROTECTION)
    (limit,) = client.get("/v1/data-protection/probing-limits", headers=dpo.headers).json()["items"]
    lift = f"/v1/data-protection/probing-limits/{limit['id']}/lift"
    reason = {"reason": "I am sure this was honest work, really."}
    admin = world.principal(Role.GS_ADMIN)
    for who in (fr, de, admin):
        refused(
            client.get("/v1/data-protection/probing-limits", headers=who.headers),
            403,
            "right_missing",
        )
        refused(client.post(lift, json=reason, headers=who.headers), 403, "right_missing")
    refused(client.post(lift, json={"reason": "ok"}, headers=dpo.headers), 422, "invalid_request")
    refused(
        client.post(
            "/v1/data-protection/probing-limits/999999/lift", json=reason, headers=dpo.headers
        ),
        404,
        "probing_limit_not_found",
    )
    refused(client.post("/v1/dna/search", json=body, headers=fr.headers), 429, "probing_limited")


# --- probing a hit_only person ----------------------------------------------------------------


def hidden_person(client: TestClient, owner: Actor) -> dict[str, Any]:
    """A person the owner shares as hit only: others learn that it holds them, no more."""
    body = person(name="Marc LEBLANC", birth_date="1980-02-02", disclosure="hit_only")
    return enter(client, owner, "persons", body)


def test_checks_that_keep_hitting_one_hit_only_person_are_limited(
    client: TestClient, world: World
) -> None:
    """The same rule for persons: LIMITS[PERSONS] hits on one hit_only person of another
    bureau within a day, and every person check of that principal is refused."""
    fr, it = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "IT")
    hidden = hidden_person(client, fr)
    asked = {"person": {"name": "Marc Leblanc", "birth_date": "1980-02-02"}}
    for _ in range(LIMITS[Database.PERSONS]):
        assert check(client, it, asked)["hit"] is True
    other = {"person": {"name": "Somebody Else", "birth_date": "1970-01-01"}}
    refused(client.post("/v1/checks", json=other, headers=it.headers), 429, "probing_limited")
    (told,) = [e for e in events_of(client, fr) if e["kind"] == "probing.suspected"]
    assert told["payload"]["record"] == hidden["id"]
    assert told["payload"]["hits"] == LIMITS[Database.PERSONS]


def test_a_birth_date_narrowed_down_check_by_check_is_limited_hit_or_not(
    client: TestClient, world: World
) -> None:
    """A hit_only person's birth date is learned by asking the name with a year, a month, a
    day, and watching which checks hit: the misses teach as much as the hits. After one hit,
    PERSON_VARIANTS birth dates for one name within a day limit the principal's person checks,
    and the owner and the data protection officers are told; another name asked with many
    dates, none of which hit a hit_only person, is honest work (a mistyped date tried again)."""
    fr, it = world.principal(Role.NCB_OFFICER, "FR"), world.principal(Role.NCB_OFFICER, "IT")
    hidden = hidden_person(client, fr)
    # Honest: one traveller's date typed several ways, never a hit_only record hit.
    for day in range(1, PERSON_VARIANTS + 3):
        check(client, it, {"person": {"name": "Jean Dupont", "birth_date": f"1975-05-{day:02d}"}})
    # The probe: the year first, then months and days, each a distinct date.
    dates = ["1980", "1979", "1981", "1980-01", "1980-02", "1980-02-01"]
    assert len(dates) == PERSON_VARIANTS
    answers = [
        check(client, it, {"person": {"name": "Marc LEBLANC", "birth_date": d}})["hit"]
        for d in dates
    ]
    assert answers[0] is True  # the name is there: the narrowing starts
    # Limited now: every person check is refused, whatever it would find.
    for date in ("1980-02-02", "1990-01-01"):
        refused(
            client.post(
                "/v1/checks",
                json={"person": {"name": "Marc Leblanc", "birth_date": date}},
                headers=it.headers,
            ),
            429,
            "probing_limited",
        )
    (told,) = [e for e in events_of(client, fr) if e["kind"] == "probing.suspected"]
    assert told["payload"]["record"] == hidden["id"]
    assert told["payload"]["birth_dates"] == PERSON_VARIANTS
    dpo = world.principal(Role.DATA_PROTECTION)
    assert [e["kind"] for e in events_of(client, dpo)] == ["probing.suspected"]
    # A colleague of the same bureau is not limited.
    colleague = world.principal(Role.NCB_OFFICER, "IT")
    assert check(client, colleague, {"person": {"name": "Jean Dupont"}})["hit"] is False
