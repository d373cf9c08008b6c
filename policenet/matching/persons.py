"""How a person query compares with a person record: a score from 0 to 1, and the reasons.

Names are compared part by part, in any order (swapped given and family names), with the best
of: equal Latin forms, the variant table (the same name in another script or system),
initials, Jaro-Winkler similarity (rapidfuzz), the consonant skeleton and the phonetic key.
Parts the other name lacks (a middle name) cost a little. Birth dates and sex then raise or
lower the score, and a shared nationality raises the score of a match a little; a missing one
changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from policenet.matching.name_variants import NameVariants, shipped_variants
from policenet.matching.names import (
    NamePart,
    ParsedName,
    consonants,
    loose_script,
    parse_name,
    script_of,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_THRESHOLD = 0.85
EXTRA_PART_COST = 0.03
# A part less alike than this is evidence of another person, not noise: it costs extra.
WEAK_PART = 0.8
# Two names the variant table files apart, in two scripts: unless spelled at least this
# alike, their spelling similarity counts for no more than APART_ACROSS, low enough that a
# name whose other part is equal (a sister: Βικτωρία for Viktoras Papadakis) stays under
# the default threshold.
ALIKE_ACROSS = 0.93
APART_ACROSS = 0.7
# A nationality the record holds: as much as an equal birth year, but only for a record that
# matches without it, so that it orders namesakes ("B. Omar" of Egypt among all the B. Omars)
# and never makes a hit. Another nationality costs nothing: people hold several, and a wanted
# person may travel on another's passport.
NATIONALITY_EQUAL = 0.02
# Names run together (Jong-un / Jongun) at least this alike are one name.
JOINED_ALIKE = 0.9
_VOWELS = frozenset("aeiouy")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A birth date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1800 <= self.year <= 2100:
            raise ValueError(f"{self.year} is no plausible birth year: give a date from 1800 on")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs its month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"there is no month {self.month}")
        if self.month is not None and self.day is not None:
            date(self.year, self.month, self.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """From ``1974``, ``1974-08`` or ``1974-08-12``; raises ValueError otherwise."""
        found = _DATE.match(text.strip())
        if found is None:
            raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in found.groups())
        assert year is not None  # noqa: S101 - the pattern requires it
        return cls(year, month, day)

    @classmethod
    def of(cls, value: date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def digits(self) -> str | None:
        if self.month is None or self.day is None:
            return None
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"


@dataclass(frozen=True, slots=True)
class PersonQuery:
    names: tuple[str, ...]
    birth_date: PartialDate | None = None
    nationality: str | None = None  # ISO alpha-2, as the hub stores it
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    id: int | str
    names: tuple[str, ...]
    birth_dates: tuple[PartialDate, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO alpha-2
    gender: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A record's score against a query, with the features that produced it, in words."""

    record_id: int | str
    score: float
    matched_name: str
    explanation: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _PartMatch:
    score: float
    words: str


def _part_similarity(a: NamePart, b: NamePart, variants: NameVariants) -> _PartMatch:
    """The best of the parts as parsed and as written with an Arabic article (الياس)."""
    best = _one_similarity(a, b)
    for x, y in ((a.alternate, b), (a, b.alternate)):
        if x is not None and y is not None:
            other = _one_similarity(x, y)
            if other.score > best.score:
                best = other
    return best


def _one_similarity(a: NamePart, b: NamePart) -> _PartMatch:
    if a.form == b.form:
        return _PartMatch(1.0, f"'{a.form}' equal")
    groups_a, groups_b = a.groups, b.groups
    if (len(a.native) == 1 or len(b.native) == 1) and (a.is_initial or b.is_initial):
        # Before the variant table, which files a few one-letter forms (a lone "M" among the
        # spellings of Ema): an initial stands for any name with its letter. A lone vowel may
        # be a whole name, though: Korean 이, 우 are written I, U (Lee, Woo).
        initial, full = (a, b) if a.is_initial else (b, a)
        if full.form[:1] == initial.form:
            return _PartMatch(0.85, f"initial '{initial.form}' matches '{full.form}'")
        if not (initial.form in _VOWELS and groups_a & groups_b):
            return _PartMatch(0.0, f"initial '{initial.form}' does not match '{full.form}'")
    if groups_a & groups_b:
        return _PartMatch(0.97, f"'{a.native}' and '{b.native}' are spellings of one name")
    similarity = (
        JaroWinkler.normalized_similarity(a.form, b.form)
        + Indel.normalized_similarity(a.form, b.form)
    ) / 2
    # Two Latin spellings the table knows as different names (Mahmoud, Mohammed) stay apart
    # even where their consonants agree. Across scripts the table is too sparse to overrule
    # the consonants, but two names it files apart and that are not nearly spelled alike
    # (Viktoras, Βικτωρία) are no longer taken for a misspelling of each other.
    known_apart = bool(groups_a) and bool(groups_b) and a.native.isascii() and b.native.isascii()
    apart_across = (
        bool(groups_a)
        and bool(groups_b)
        and a.native.isascii() != b.native.isascii()
        and similarity < ALIKE_ACROSS
        and script_of(a.native) != script_of(b.native)  # Paal and Pål are one script
    )
    if apart_across:
        similarity = min(similarity, APART_ACROSS)
    if not known_apart:
        loose = loose_script(a.native) or loose_script(b.native)
        if loose is not None:
            kept_a, kept_b = consonants(a.form, loose), consonants(b.form, loose)
            alike = (
                Indel.normalized_similarity(kept_a, kept_b)
                if min(len(kept_a), len(kept_b)) >= 2
                else 0.0
            )
            if alike * 0.95 > similarity:
                similarity = alike * 0.95
                if alike == 1.0:
                    return _PartMatch(
                        similarity, f"'{a.form}' and '{b.native}' have the same consonants"
                    )
        if a.skeleton == b.skeleton and len(a.skeleton) >= 3:
            return _PartMatch(
                max(similarity, 0.92), f"'{a.form}' and '{b.form}' equal after transliteration"
            )
        if a.phonetic == b.phonetic and len(a.phonetic) >= 3:
            return _PartMatch(max(similarity, 0.9), f"'{a.form}' and '{b.form}' sound alike")
    if apart_across and similarity == APART_ACROSS:
        return _PartMatch(
            similarity, f"'{a.native}' and '{b.native}' are different names in the variant table"
        )
    return _PartMatch(similarity, f"'{a.form}' and '{b.form}' similar ({similarity:.2f})")


def _align(a: ParsedName, b: ParsedName, variants: NameVariants) -> tuple[float, list[str]]:
    """The best one-to-one pairing of parts, in any order; its score and its words."""
    pairs = sorted(
        (
            (_part_similarity(pa, pb, variants), i, j)
            for i, pa in enumerate(a.parts)
            for j, pb in enumerate(b.parts)
        ),
        key=lambda item: -item[0].score,
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[_PartMatch] = []
    for match, i, j in pairs:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append(match)
    if not chosen:
        return 0.0, []
    extra = abs(len(a.parts) - len(b.parts))
    weak = sum(max(0.0, WEAK_PART - m.score) for m in chosen)
    score = sum(m.score for m in chosen) / len(chosen) - EXTRA_PART_COST * extra - weak / 2
    if len(chosen) == 1 and max(len(a.parts), len(b.parts)) > 1:
        score -= 0.15
    words = [m.words for m in chosen]
    if extra:
        words.append(f"{extra} name part(s) present on one side only")
    return score, words


def _joined(a: ParsedName, b: ParsedName) -> float:
    """Similarity of the names run together, for spacing differences (Jong-un / Jongun)."""
    if len(a.parts) == len(b.parts) == 1 or not a.parts or not b.parts:
        return 0.0
    left, right = a.joined, b.joined
    # Only a similarity of JOINED_ALIKE counts, and the lengths alone may rule it out.
    longest = max(len(left), len(right))
    if longest - min(len(left), len(right)) > (1 - JOINED_ALIKE) * longest:
        return 0.0
    forward = Levenshtein.normalized_similarity(left, right, score_cutoff=JOINED_ALIKE)
    backward = Levenshtein.normalized_similarity(
        left, "".join(p.form for p in reversed(b.parts)), score_cutoff=JOINED_ALIKE
    )
    return max(forward, backward)


def name_similarity(
    a: ParsedName, b: ParsedName, variants: NameVariants
) -> tuple[float, list[str]]:
    """How alike two whole names are, 0 to 1, with the reasons."""
    score, words = _align(a, b, variants)
    joined = _joined(a, b)
    if joined >= JOINED_ALIKE and joined > score:
        return joined, [f"names equal when written without spaces ({joined:.2f})"]
    return max(0.0, min(1.0, score)), words


def _date_adjustment(
    asked: PartialDate | None, known: Sequence[PartialDate]
) -> tuple[float, str | None]:
    if asked is None or not known:
        return 0.0, None
    return max((_one_date(asked, k) for k in known), key=lambda item: item[0])


def _one_date(a: PartialDate, b: PartialDate) -> tuple[float, str]:
    if a == b and a.day is not None:
        return 0.05, "birth date equal"
    if a.year == b.year and (a.month is None or b.month is None):
        return 0.02, "birth year equal"
    if a.year == b.year and (a.day is None or b.day is None):
        return (
            (0.02, "birth year and month equal")
            if a.month == b.month
            else (-0.1, "birth month differs")
        )
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return 0.03, "birth day and month swapped"
    if a.digits is not None and b.digits is not None:
        # A slip of one digit in the day, the month or the last digit of the year; a decade
        # or a century apart is another person.
        differing = [i for i, (x, y) in enumerate(zip(a.digits, b.digits, strict=True)) if x != y]
        if len(differing) == 1 and differing[0] >= 3:
            return -0.03, "birth date differs by one digit"
    if abs(a.year - b.year) == 1:
        return -0.12, "birth year differs by one"
    return -0.3, "birth dates differ"


def compare(
    query: PersonQuery,
    record: PersonRecord,
    variants: NameVariants | None = None,
    *,
    parsed: Sequence[ParsedName] | None = None,
) -> Match:
    """Score a record against a query, explained. ``parsed``: the record's names already
    parsed with ``variants`` (the shipped table when None), as an index holds them."""
    table = variants if variants is not None else shipped_variants()
    names = parsed if parsed is not None else [parse_name(name, table) for name in record.names]
    best: tuple[float, list[str], str] = (0.0, ["no name part in common"], "")
    for asked in query.names:
        parsed_query = parse_name(asked, table)
        for name in names:
            score, words = name_similarity(parsed_query, name, table)
            if score > best[0]:
                best = (score, words, name.text)
    score, words, matched = best
    adjustment, date_words = _date_adjustment(query.birth_date, record.birth_dates)
    if date_words is not None:
        words = [*words, date_words]
    if query.gender and record.gender and query.gender != record.gender:
        adjustment -= 0.15
        words = [*words, "sex differs"]
    if query.nationality and record.nationalities and score + adjustment >= DEFAULT_THRESHOLD:
        if query.nationality.upper() in (n.upper() for n in record.nationalities):
            adjustment += NATIONALITY_EQUAL
            words = [*words, "nationality equal"]
        else:
            words = [*words, "nationality differs (not held against: people hold several)"]
    final = max(0.0, min(1.0, score + adjustment))
    return Match(record.id, round(final, 4), matched, tuple(words))
