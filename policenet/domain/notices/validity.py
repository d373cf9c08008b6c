"""How long a published notice lasts: 5 years unless its requester renews it, with a reminder
90 days before the end."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

VALIDITY_YEARS = 5
VALIDITY = timedelta(days=5 * 365 + 2)  # at most five calendar years: for clocks in tests
REMINDER = timedelta(days=90)


def valid_until(published: datetime) -> datetime:
    """Five calendar years after publication (29 February ends on 28 February)."""
    year = published.year + VALIDITY_YEARS
    try:
        return published.replace(year=year)
    except ValueError:
        return published.replace(year=year, day=28)


class Renewal(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(
        min_length=3, max_length=4000, description="Why the notice is still needed."
    )
