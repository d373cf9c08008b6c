"""The automated screening of a submitted request: the rules it flags for the reviewer, the
words and patterns it looks for (kept as data the GS edits), and the flags it raises."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ScreeningRule(StrEnum):
    """What the automated screening flags for the reviewer; a flag never refuses by itself."""

    MISSING_REQUIRED_FIELDS = "missing_required_fields"
    BELOW_RED_THRESHOLD = "below_red_threshold"
    POLITICAL = "political"
    MILITARY = "military"
    RELIGIOUS = "religious"
    RACIAL = "racial"
    PRIVATE_MATTER = "private_matter"
    REQUESTER_SUSPENDED = "requester_suspended"


class TermCategory(StrEnum):
    POLITICAL = "political"
    MILITARY = "military"
    RELIGIOUS = "religious"
    RACIAL = "racial"
    PRIVATE_MATTER = "private_matter"

    @property
    def rule(self) -> ScreeningRule:
        return ScreeningRule(self.value)


class TermKind(StrEnum):
    WORD = "word"  # a word or phrase, matched as whole words, ignoring case and accents
    PATTERN = "pattern"  # a regular expression on the lower-cased, accent-free text


@dataclass(frozen=True, slots=True)
class ScreeningTerm:
    id: int
    category: TermCategory
    language: str
    kind: TermKind
    text: str


class TermCreate(BaseModel):
    """A word or pattern the screening looks for; kept as data the GS edits."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    category: TermCategory
    language: Literal["en", "fr", "es", "ar"]
    kind: TermKind = TermKind.WORD
    text: str = Field(min_length=2, max_length=200)


@dataclass(frozen=True, slots=True)
class Passage:
    """Where a rule was triggered: the field, the words, and the sentence around them."""

    field: str
    match: str
    context: str


@dataclass(frozen=True, slots=True)
class Flag:
    rule: ScreeningRule
    message: str
    passages: tuple[Passage, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "message": self.message,
            "passages": [
                {"field": p.field, "match": p.match, "context": p.context} for p in self.passages
            ],
        }
