"""The automated screening of a notice request: what the reviewer should look at, with the
passages that triggered each flag.

Words and patterns are matched on a folded copy of the text (lower case, accents and Arabic
vowel marks removed, Arabic letter variants unified) that keeps a map back to the original, so
a passage is always quoted as the requester wrote it. Arabic words are also matched behind
their common clitic prefixes (و، ب، ل، ف، ك and the article ال).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policenet.domain.notices import (
    Flag,
    NoticeContent,
    NoticeType,
    Passage,
    ScreeningRule,
    ScreeningTerm,
    TermCategory,
    TermKind,
    red_threshold_met,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

CONTEXT = 60
_MIN_STEM = 2
_WORD = re.compile(r"\w+")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": ""})
_ARABIC_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ك")

# The fields that are the requester's own words, screened for the reviewer.
_SKIPPED = frozenset({"type", "kind", "measures", "urgent", "consent", "unable_to_identify"})


@dataclass(frozen=True, slots=True)
class Folded:
    """A text folded for matching, with the position in the original of each folded char."""

    original: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """Lower case, no accents or Arabic vowel marks, Arabic letter variants unified."""
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", ch)
        piece = "".join(c for c in decomposed if not unicodedata.combining(c))
        piece = piece.casefold().translate(_ARABIC_FOLD)
        out.append(piece)
        origin.extend([i] * len(piece))
    return Folded(text, "".join(out), tuple(origin))


def fold_text(text: str) -> str:
    return fold(text).text


def _word_forms(token: str) -> set[str]:
    """The token, and the token behind up to three stacked Arabic clitics (و + ب + ال …)."""
    forms = {token}
    frontier = {token}
    for _ in range(3):
        frontier = {
            form[len(prefix) :]
            for form in frontier
            for prefix in _ARABIC_PREFIXES
            if form.startswith(prefix) and len(form) - len(prefix) >= _MIN_STEM
        }
        if not frontier:
            break
        forms |= frontier
    return forms


def word_terms(text: str) -> tuple[str, ...]:
    """The folded words of a word term; empty when it has no letter or digit."""
    return tuple(_WORD.findall(fold_text(text)))


@dataclass(frozen=True, slots=True)
class _Compiled:
    category: TermCategory
    text: str
    words: tuple[str, ...] | None
    pattern: re.Pattern[str] | None


def compile_pattern(text: str) -> re.Pattern[str]:
    """A term's pattern, as the screening uses it; ``re.error`` if it does not compile.

    Accents and Arabic letter variants are folded as in the text, but not the case: that
    would turn ``\\W`` into ``\\w``. The pattern ignores case instead."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).translate(_ARABIC_FOLD)
    return re.compile(folded, re.IGNORECASE)


class TermMatcher:
    """Every screening term, ready to search texts."""

    def __init__(self, terms: Iterable[ScreeningTerm]) -> None:
        self._terms: list[_Compiled] = []
        for term in terms:
            if term.kind is TermKind.PATTERN:
                try:
                    pattern = compile_pattern(term.text)
                except (re.error, OverflowError, RecursionError, ValueError):
                    continue  # refused when entered; a term stored before that rule is skipped
                self._terms.append(_Compiled(term.category, term.text, None, pattern))
            else:
                words = word_terms(term.text)
                if words:
                    self._terms.append(_Compiled(term.category, term.text, words, None))

    def find(self, field: str, text: str) -> Iterator[tuple[TermCategory, Passage]]:
        """Each term found in the text, with the passage around it."""
        folded = fold(text)
        tokens = [(m.start(), m.end(), _word_forms(m.group())) for m in _WORD.finditer(folded.text)]
        for term in self._terms:
            for start, end in self._spans(term, folded.text, tokens):
                begin, finish = folded.span(start, end)
                yield term.category, _passage(field, text, begin, finish)

    @staticmethod
    def _spans(
        term: _Compiled, text: str, tokens: list[tuple[int, int, set[str]]]
    ) -> Iterator[tuple[int, int]]:
        if term.pattern is not None:
            for m in term.pattern.finditer(text):
                if m.end() > m.start():
                    yield m.start(), m.end()
            return
        assert term.words is not None  # noqa: S101 - a word term has its words
        n = len(term.words)
        for i in range(len(tokens) - n + 1):
            if all(term.words[j] in tokens[i + j][2] for j in range(n)):
                yield tokens[i][0], tokens[i + n - 1][1]


def _passage(field: str, text: str, start: int, end: int) -> Passage:
    begin = max(0, start - CONTEXT)
    finish = min(len(text), end + CONTEXT)
    context = text[begin:finish].strip()
    return Passage(
        field=field,
        match=text[start:end],
        context=("…" if begin > 0 else "") + context + ("…" if finish < len(text) else ""),
    )


def texts(content: NoticeContent) -> Iterator[tuple[str, str]]:
    """Every free text of a request, with its field path."""

    def walk(value: Any, path: str) -> Iterator[tuple[str, str]]:  # noqa: ANN401 - JSON
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in _SKIPPED:
                    yield from walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, str):
            yield path, value

    yield from walk(content.model_dump(mode="json", exclude_none=True), "")


_CATEGORY_MESSAGES = {
    TermCategory.POLITICAL: "signs of a political character (Article 3 of the Constitution)",
    TermCategory.MILITARY: "signs of a military character (Article 3 of the Constitution)",
    TermCategory.RELIGIOUS: "signs of a religious character (Article 3 of the Constitution)",
    TermCategory.RACIAL: "signs of a racial character (Article 3 of the Constitution)",
    TermCategory.PRIVATE_MATTER: "an offence that may be a private, family or administrative "
    "matter, which notices do not serve",
}

_PERSON_TYPES = frozenset(
    {NoticeType.RED, NoticeType.YELLOW, NoticeType.BLUE, NoticeType.GREEN, NoticeType.UN_SPECIAL}
)
_NAMED_TYPES = frozenset({NoticeType.RED, NoticeType.BLUE, NoticeType.GREEN, NoticeType.UN_SPECIAL})


def _identity_gaps(content: NoticeContent, subject: dict[str, Any] | None) -> list[str]:
    """The identity particulars a notice on a person needs, that its subject's record lacks."""
    if subject is None or not (
        content.type in _PERSON_TYPES
        or (content.type is NoticeType.ORANGE and content.subject_person_id is not None)
    ):
        return []
    gaps = []
    if not subject.get("birth_date"):
        gaps.append("subject.birth_date")
    if not subject.get("photo_ref") and not subject.get("physical_description"):
        gaps.append("subject.photo_ref")
    if content.type in _NAMED_TYPES:
        if not subject.get("nationalities"):
            gaps.append("subject.nationalities")
        if subject.get("sex") in (None, "unknown"):
            gaps.append("subject.sex")
    return gaps


def screen(
    content: NoticeContent,
    subject: dict[str, Any] | None,
    matcher: TermMatcher,
    *,
    requester_suspended: bool,
) -> list[Flag]:
    """Everything a reviewer should look at before publishing, each with what triggered it."""
    flags: list[Flag] = []
    gaps = _identity_gaps(content, subject)
    if gaps:
        flags.append(
            Flag(
                ScreeningRule.MISSING_REQUIRED_FIELDS,
                "The person record lacks identity particulars a notice on a person needs (birth "
                "date; photograph or physical description; for a Red, Blue, Green or Security "
                "Council notice also sex and nationality): ask the requester to complete it, "
                "or the wrong person may be stopped.",
                tuple(Passage(g, "", "not given") for g in gaps),
            )
        )
    if content.type is NoticeType.RED and content.offence is not None:
        offence = content.offence
        given = (
            offence.max_penalty_years is not None
            or offence.life_imprisonment
            or offence.sentence_remaining_months is not None
        )
        if given and not red_threshold_met(offence):
            passages = []
            if offence.max_penalty_years is not None:
                passages.append(
                    Passage(
                        "offence.max_penalty_years",
                        str(offence.max_penalty_years),
                        f"maximum penalty {offence.max_penalty_years:g} years",
                    )
                )
            if offence.sentence_remaining_months is not None:
                passages.append(
                    Passage(
                        "offence.sentence_remaining_months",
                        str(offence.sentence_remaining_months),
                        f"{offence.sentence_remaining_months} months left to serve",
                    )
                )
            flags.append(
                Flag(
                    ScreeningRule.BELOW_RED_THRESHOLD,
                    "The offence is below the Red notice thresholds: a maximum penalty of at "
                    "least 2 years, or at least 6 months of a sentence left to serve.",
                    tuple(passages),
                )
            )
    found: dict[TermCategory, list[Passage]] = {}
    for field, text in texts(content):
        for category, passage in matcher.find(field, text):
            found.setdefault(category, []).append(passage)
    for category in TermCategory:
        if category in found:
            flags.append(
                Flag(
                    category.rule,
                    f"The request shows {_CATEGORY_MESSAGES[category]}: read the passages "
                    "before deciding.",
                    tuple(found[category]),
                )
            )
    if requester_suspended:
        flags.append(
            Flag(
                ScreeningRule.REQUESTER_SUSPENDED,
                "The requesting member is suspended: its requests cannot be published until "
                "the General Assembly readmits it.",
            )
        )
    return flags
