"""What every record of every database states besides its content: the owner's reference,
disclosure mode, restriction and review date."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from policenet.domain.visibility import VisibilityScope

# The organisation's rule: records are kept 5 years unless renewed.
REVIEW_YEARS = 5
REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$"


class VisibilityInput(BaseModel):
    """The owner's restriction as a request gives it."""

    # Frozen, so that one default serves every record that gives none (a bulk import would
    # otherwise build and validate one a row).
    model_config = ConfigDict(extra="forbid", frozen=True)

    scope: VisibilityScope = VisibilityScope.ALL
    countries: tuple[str, ...] = Field(
        default=(),
        description="ISO alpha-2 codes of member countries, for only_listed and all_but_listed.",
    )


class Disclosure(StrEnum):
    """What another bureau learns when a check hits the record."""

    FULL = "full"
    HIT_ONLY = "hit_only"


def review_date_after(entered: date, years: int = REVIEW_YEARS) -> date:
    """The same day ``years`` later (28 February for a record entered on 29 February)."""
    try:
        return entered.replace(year=entered.year + years)
    except ValueError:
        return entered.replace(year=entered.year + years, day=28)


class RecordTerms(BaseModel):
    """What every record states besides its content: reference, disclosure, restriction,
    review date."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_ref: str | None = Field(
        default=None,
        pattern=REF_PATTERN,
        description="Your bureau's own reference of the record (letters, digits, . _ : / -): "
        "importing it again updates the record instead of adding a second one.",
    )
    disclosure: Disclosure = Field(
        default=Disclosure.FULL,
        description="full: other bureaus see the record; hit_only: they learn only that your "
        "bureau holds something, and you are told of their query.",
    )
    visibility: VisibilityInput = Field(default=VisibilityInput())
    review_date: date | None = Field(
        default=None,
        description="When the record stops answering checks unless renewed; at most 5 years "
        "after today (the default).",
    )
