"""The member registry: 196 member countries, one National Central Bureau each, and the GS.

The membership list ships with the package (``data/members.csv``); codes and names come from
pycountry so that ISO 3166 stays the single source of country data.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import pycountry

if TYPE_CHECKING:
    from datetime import date


class MemberStatus(StrEnum):
    """Whether a member's bureau and national bodies may use the hub."""

    ACTIVE = "active"
    SUSPENDED = "suspended"


class MembershipDecisionKind(StrEnum):
    """A General Assembly decision on a member's status."""

    SUSPENSION = "suspension"
    READMISSION = "readmission"


class BureauKind(StrEnum):
    """The kinds of bureau that principals belong to."""

    NCB = "ncb"
    GS_HEADQUARTERS = "gs_headquarters"
    GS_INNOVATION_COMPLEX = "gs_innovation_complex"
    GS_REGIONAL_OFFICE = "gs_regional_office"
    GS_LIAISON_OFFICE = "gs_liaison_office"
    GS_COMMAND_CENTRE = "gs_command_centre"
    GS_NOTICES_TASK_FORCE = "gs_notices_task_force"

    @property
    def is_gs(self) -> bool:
        return self is not BureauKind.NCB


@dataclass(frozen=True, slots=True)
class Country:
    """A member country as ISO 3166-1 names it."""

    alpha2: str
    alpha3: str
    name: str


@dataclass(frozen=True, slots=True)
class Member:
    """A member country with its current status."""

    country: Country
    status: MemberStatus
    decided_on: date | None = None
    decision_reference: str | None = None


@dataclass(frozen=True, slots=True)
class Bureau:
    """A National Central Bureau or an office of the General Secretariat."""

    id: str
    kind: BureauKind
    name: str
    city: str | None
    country: str


def ncb_id(alpha2: str) -> str:
    """The bureau identifier of a member's NCB, e.g. ``NCB-FR``."""
    return f"NCB-{alpha2}"


def _country(alpha2: str) -> Country:
    record = pycountry.countries.get(alpha_2=alpha2)
    if record is None:
        raise ValueError(f"{alpha2} is not an ISO 3166-1 alpha-2 code")
    name = getattr(record, "common_name", None) or record.name
    return Country(alpha2=record.alpha_2, alpha3=record.alpha_3, name=str(name))


@cache
def member_countries() -> tuple[Country, ...]:
    """The 196 member countries of the shipped membership list, in code order."""
    text = resources.files("policenet.domain").joinpath("data/members.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(sorted((_country(row["alpha2"]) for row in rows), key=lambda c: c.alpha2))


@cache
def member_codes() -> frozenset[str]:
    """The alpha-2 codes of every member country."""
    return frozenset(country.alpha2 for country in member_countries())


@cache
def gs_offices() -> tuple[Bureau, ...]:
    """The General Secretariat's headquarters, innovation complex, regional and liaison offices."""
    text = resources.files("policenet.domain").joinpath("data/gs_offices.json").read_text("utf-8")
    return tuple(
        Bureau(
            id=item["id"],
            kind=BureauKind(item["kind"]),
            name=item["name"],
            city=item["city"],
            country=item["country"],
        )
        for item in json.loads(text)
    )


def ncb_bureaus() -> tuple[Bureau, ...]:
    """One National Central Bureau per member country."""
    return tuple(
        Bureau(
            id=ncb_id(c.alpha2),
            kind=BureauKind.NCB,
            name=f"NCB {c.name}",
            city=None,
            country=c.alpha2,
        )
        for c in member_countries()
    )


# ICAO Doc 9303 issuing-state codes that are not ISO 3166-1 alpha-3 codes.
_ICAO_SPECIAL_CODES = {
    "D": "DE",
    "GBD": "GB",
    "GBN": "GB",
    "GBO": "GB",
    "GBP": "GB",
    "GBS": "GB",
}


def alpha2_from_icao(code: str) -> str | None:
    """The ISO alpha-2 code of an ICAO issuing-state code, or None (UNO, XXA, ... have none)."""
    code = code.replace("<", "")
    if code in _ICAO_SPECIAL_CODES:
        return _ICAO_SPECIAL_CODES[code]
    record = pycountry.countries.get(alpha_3=code)
    return None if record is None else str(record.alpha_2)


@lru_cache(maxsize=4096)
def normalise_country(value: str) -> str | None:
    """An alpha-2 code for an alpha-2 or alpha-3 code in any case, or None if unknown."""
    value = value.strip().upper()
    if len(value) == 2 and pycountry.countries.get(alpha_2=value) is not None:
        return value
    if len(value) == 3:
        return alpha2_from_icao(value)
    return None


# The General Secretariat's 24/7 command centre: overdue hits are escalated to it.
COMMAND_CENTRE = "GS-CCC"
# Reviews notice requests and diffusions for compliance with the rules.
NOTICES_TASK_FORCE = "GS-NDTF"
