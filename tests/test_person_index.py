"""The person index finds records under other spellings, and follows changes at once."""

from __future__ import annotations

from policenet.matching.names import parse_name
from policenet.matching.persons import PartialDate, PersonQuery, PersonRecord
from policenet.screening.persons import SCORED_NAMES, PersonIndex, _clues, _scored

RECORDS = [
    PersonRecord(
        1, ("Владимир Путин", "Vladimir Vladimirovich Putin"), (PartialDate(1952, 10, 7),)
    ),
    PersonRecord(2, ("Володимир Зеленський",), (PartialDate(1978, 1, 25),)),
    PersonRecord(3, ("محمد علي",)),
    PersonRecord(4, ("John Smith",), (PartialDate(1974, 8, 12),)),
    PersonRecord(5, ("Jane Smith",)),
    PersonRecord(6, ("김정은",)),
    PersonRecord(7, ("Juan de la Cruz",)),
]


def ids(index: PersonIndex, *names: str, birth: str | None = None) -> list[int | str]:
    date = None if birth is None else PartialDate.parse(birth)
    return [m.record_id for m in index.search(PersonQuery(names, date))]


def test_finds_records_under_other_spellings_and_scripts() -> None:
    index = PersonIndex.build(RECORDS)
    assert ids(index, "Putin, Vladimir") == [1]
    assert ids(index, "Zelenskyy Volodymyr") == [2]
    assert ids(index, "Muhammad Ali") == [3]
    assert ids(index, "Kim Jong-un") == [6]
    assert ids(index, "Dr. Juan Cruz") == [7]
    assert ids(index, "Jon Smith", birth="1974-08-12")[0] == 4
    assert ids(index, "Nobody Known") == []


def test_every_match_carries_its_explanation() -> None:
    index = PersonIndex.build(RECORDS)
    (match,) = index.search(PersonQuery(("Vladimir Putin",)))
    assert match.explanation
    assert match.matched_name in RECORDS[0].names


def test_add_update_and_remove_are_seen_by_the_next_search() -> None:
    index = PersonIndex.build(RECORDS)
    index.add(PersonRecord(8, ("Sergei Lavrov",)))
    assert ids(index, "Sergey Lavrov") == [8]
    index.update(PersonRecord(8, ("Maria Zakharova",)))
    assert ids(index, "Sergey Lavrov") == []
    assert ids(index, "Mariya Zakharova") == [8]
    index.remove(8)
    assert ids(index, "Mariya Zakharova") == []
    assert len(index) == len(RECORDS)


def test_limit_and_threshold() -> None:
    index = PersonIndex.build(RECORDS)
    loose = index.search(PersonQuery(("J Smith",)), limit=5, threshold=0.5)
    assert {m.record_id for m in loose} >= {4, 5}
    assert [m.score for m in loose] == sorted((m.score for m in loose), reverse=True)
    assert len(index.search(PersonQuery(("J Smith",)), limit=1, threshold=0.5)) == 1


def test_a_name_kept_as_one_part_is_found_when_written_in_two() -> None:
    """ "Abdul Ahmed" is one name (Abd al-X); "AHMED, Abdul" is two parts. The exact namesakes
    come first, not crowded out by the many who share both words' keys (Abdullah Ahmed)."""
    namesakes = [PersonRecord(n, ("Abdul আহম্মেদ",)) for n in range(1, 6)]
    near = [PersonRecord(100 + n, ("Abdullah আহম্মেদ",)) for n in range(40)]
    index = PersonIndex.build([*near, *namesakes])
    found = index.search(PersonQuery(("আহম্মেদ, Abdul",)), limit=10)
    assert {m.record_id for m in found[:5]} == {1, 2, 3, 4, 5}
    assert all(m.score == 1.0 for m in found[:5])


def test_the_birth_year_singles_out_one_of_many_namesakes_of_a_compound_name() -> None:
    """Among hundreds of "Abdul আহম্মেদ" (one compound name), "আহম্মেদ, Abdul" (two parts)
    born in 1951 finds the one born then, first, though it was filed last."""
    others = [
        PersonRecord(n, ("Abdul আহম্মেদ",), (PartialDate(1960 + n % 40, 1 + n % 12, 1),))
        for n in range(1, 301)
    ]
    wanted = PersonRecord(999, ("Abdul আহম্মেদ",), (PartialDate(1951, 10, 26),))
    index = PersonIndex.build([*others, wanted])
    found = index.search(PersonQuery(("আহম্মেদ, Abdul",), PartialDate(1951, 10, 26)))
    assert [m.record_id for m in found[:1]] == [999]
    assert found[0].score == 1.0


def test_an_initial_finds_a_name_that_holds_one_word_twice_among_many_namesakes() -> None:
    """ "A. Ali" is found as "Ali Ali" though 1,600 others are called Ali: the key of
    Ali with the initial of the other part is filed for a name holding Ali twice."""
    others = ("Hassan", "Karim", "Mustafa", "Nasser", "Omar", "Rashid", "Saleh", "Tariq")
    many = [PersonRecord(n, (f"Ali {others[n % len(others)]}",)) for n in range(1, 1601)]
    wanted = PersonRecord(9999, ("Ali Ali",))
    index = PersonIndex.build([*many, wanted])
    assert ids(index, "A. Ali") == [9999]


def test_a_transposition_in_a_popular_name_beside_another_popular_name_is_found() -> None:
    """ "Victoria Geroge" finds Victoria George, filed last, among 1,600 Victorias whose
    family names start with G and 1,600 Georges: every key of either part is held by too
    many records to block on, but not Victoria with George's letters."""
    g_names = ("Garcia", "Gomez", "Gray", "Green", "Gruber", "Gallo", "Grant", "Gordon")
    given = ("Anna", "Maria", "Peter", "Omar", "Ivan", "Lucas", "Sofia", "Karim")
    victorias = [PersonRecord(n, (f"Victoria {g_names[n % 8]}",)) for n in range(1, 1601)]
    georges = [PersonRecord(2000 + n, (f"{given[n % 8]} George",)) for n in range(1, 1601)]
    wanted = PersonRecord(9999, ("Victoria George",))
    index = PersonIndex.build([*victorias, *georges, wanted])
    assert ids(index, "Victoria Geroge")[:1] == [9999]


def test_the_nationality_singles_out_one_of_many_namesakes_of_an_initial() -> None:
    """ "B. Omar" of Egypt, without a birth date, finds the Egyptian Bassem Omar, filed last,
    among 600 B. Omars of other countries: every key of the name is shared by all of them."""
    given = ("Bilal", "Basem", "Bashir", "Badr", "Bakr", "Bassam")
    countries = ("SA", "JO", "SY", "IQ", "LB", "MA", "DZ", "TN", "LY", "SD", "YE", "QA")
    others = [
        PersonRecord(n, (f"{given[n % 6]} Omar",), nationalities=(countries[n % 12],))
        for n in range(1, 601)
    ]
    wanted = PersonRecord(9999, ("Bassem Omar",), nationalities=("EG",))
    index = PersonIndex.build([*others, wanted])
    found = index.search(PersonQuery(("B. Omar",), nationality="EG"))
    assert [m.record_id for m in found[:1]] == [9999]
    assert "nationality equal" in found[0].explanation


def test_a_record_of_many_names_is_scored_on_those_that_share_most_with_the_query() -> None:
    """Cost limit: of a record's 31 names (its name and 30 aliases, as the schema allows), a
    search scores the SCORED_NAMES that share most with the query, so a long alias list
    cannot make every check against it costly; the alias that is the person's, last of all
    and in another script, is still among them and scores as if alone."""
    fillers = tuple(
        f"Zebulon{chr(97 + i % 26)}{chr(97 + i // 26)} Quarrington Fotheringay" for i in range(29)
    )
    many = PersonRecord(9, ("Ignatius Wolstenholme", *fillers, "Владимир Путин"))
    index = PersonIndex.build([*RECORDS[1:], many])
    alone = PersonIndex.build([PersonRecord(9, ("Владимир Путин",))])
    (found,) = index.search(PersonQuery(("Vladimir Putin",)))
    (expected,) = alone.search(PersonQuery(("Vladimir Putin",)))
    assert found.record_id == 9 and found.matched_name == "Владимир Путин"
    assert found.score == expected.score
    parsed = tuple(parse_name(n) for n in many.names)
    kept = _scored(parsed, _clues(parse_name("Vladimir Putin")))
    assert len(kept) == SCORED_NAMES and parsed[-1] in kept and parsed[0] in kept
