"""What the public pages of notices need: their labels in the organisation's four languages,
the language a visitor gets, and the age a subject has today."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

LANGUAGES = ("en", "fr", "es", "ar")


@cache
def labels() -> dict[str, dict[str, Any]]:
    """User-interface strings in English, French, Spanish and Arabic."""
    text = (
        resources.files("policenet.domain").joinpath("data/notice_labels.json").read_text("utf-8")
    )
    loaded: dict[str, dict[str, Any]] = json.loads(text)
    return loaded


def language(requested: str | None) -> str:
    """One of the four languages; English when none is asked or the one asked is not kept."""
    if requested is None:
        return "en"
    code = requested.strip().lower()[:2]
    return code if code in LANGUAGES else "en"


def age_on(birth_date: str | None, today: date) -> int | None:
    """Age in whole years from a full or partial birth date (year only: the lower bound)."""
    if not birth_date:
        return None
    parts = [int(p) for p in birth_date.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else 31
    return today.year - year - ((today.month, today.day) < (month, day))
