"""Identifiers of stolen objects as officers type them: vehicles, vessels, firearms, art.

Each identifier is normalised to the one form the hub stores and compares, and checked as far
as its standard allows. A check digit catches a mistyped number before a search silently finds
nothing; where a standard has no check digit the hub says so instead of implying the number was
verified. Errors name what was wrong and how to fix it, with a stable code per identifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from policenet.domain.errors import InvalidInput

_SEPARATORS = re.compile(r"[\s\-./]+")
_ALPHANUMERIC = re.compile(r"^[A-Z0-9]+$")

# Vehicles (ISO 3779). Since 1981 a VIN has 17 characters and never uses I, O or Q, which
# are too easily read as 1 and 0. Older vehicles carry shorter numbers of no common format.
VIN_LENGTH = 17
LEGACY_VIN_MIN_LENGTH = 5
_VIN_17 = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
# ISO 3779 transliteration: the value of each letter in the check digit (I, O, Q have none).
_VIN_VALUES = {
    letter: int(value)
    for letter, value in zip("ABCDEFGHJKLMNPRSTUVWXYZ", "12345678123457923456789", strict=True)
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# The check digit in position 9 is mandatory in North America (world manufacturer identifiers
# beginning 1-5: United States, Canada, Mexico) and, by GB 16735, on vehicles made for the
# Chinese market (identifiers beginning L). Elsewhere position 9 is free for the manufacturer.
_CHECK_DIGIT_REGIONS = frozenset("12345L")

MAX_PLATE_LENGTH = 15


@dataclass(frozen=True, slots=True)
class VinCheck:
    """A normalised VIN, whether its check digit was verified, and a sentence for the officer."""

    vin: str
    validated: bool
    note: str


def normalise_vin(text: str, *, field: str = "vin") -> str:
    """The VIN in upper case without spaces or dashes.

    17-character VINs are held to ISO 3779 (no I, O or Q); 5 to 16 letters and digits are
    accepted as a pre-1981 number, because classic cars are stolen too and carry no other."""
    vin = re.sub(r"[\s\-]+", "", text.upper())
    if len(vin) == VIN_LENGTH and _VIN_17.match(vin):
        return vin
    if len(vin) == VIN_LENGTH and _ALPHANUMERIC.match(vin):
        raise InvalidInput(
            f"The VIN {vin} holds the letter I, O or Q, which a 17-character VIN never uses: "
            "read I as the digit 1 and O or Q as the digit 0, and check it against the vehicle.",
            code="vin_invalid",
            field=field,
        )
    if not _ALPHANUMERIC.match(vin) or not LEGACY_VIN_MIN_LENGTH <= len(vin) <= VIN_LENGTH:
        raise InvalidInput(
            f"The VIN {text!r} is not valid: a VIN has {VIN_LENGTH} letters A-Z and digits 0-9 "
            f"(vehicles built before 1981 may have {LEGACY_VIN_MIN_LENGTH} to {VIN_LENGTH - 1}); "
            "copy it again from the vehicle or its registration document.",
            code="vin_invalid",
            field=field,
        )
    return vin


def vin_check_digit(vin: str) -> str:
    """The North American check digit of a 17-character VIN: weighted sum modulo 11, 10 is X."""
    total = sum(
        (int(char) if char.isdigit() else _VIN_VALUES[char]) * weight
        for char, weight in zip(vin, _VIN_WEIGHTS, strict=True)
    )
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def check_vin(vin: str, *, field: str = "vin") -> VinCheck:
    """Normalise a VIN and verify its check digit where the standard makes one mandatory.

    A wrong check digit means a character was misread, mistyped or altered, so it is refused;
    a VIN from a region without a check digit is accepted with a note saying it is unverified."""
    vin = normalise_vin(vin, field=field)
    if len(vin) < VIN_LENGTH:
        return VinCheck(
            vin=vin,
            validated=False,
            note=(
                f"VIN {vin} cannot be validated: it has {len(vin)} characters, an older "
                "(pre-1981) number with no common format and no check digit; compare it with "
                "the vehicle's plates and documents."
            ),
        )
    if vin[0] not in _CHECK_DIGIT_REGIONS:
        return VinCheck(
            vin=vin,
            validated=False,
            note=(
                f"VIN {vin} cannot be validated: ISO 3779 has no check digit outside North "
                "America and China; compare it with the vehicle's plates and documents."
            ),
        )
    expected = vin_check_digit(vin)
    if vin[8] != expected:
        raise InvalidInput(
            f"The VIN {vin} has '{vin[8]}' in position 9 but its check digit should be "
            f"{expected}: a character was misread, mistyped or altered; read the VIN again "
            "from the vehicle and compare it with its documents.",
            code="vin_check_digit",
            field=field,
        )
    return VinCheck(
        vin=vin,
        validated=True,
        note=f"VIN {vin}: the check digit {expected} is correct.",
    )


def normalise_plate(text: str, *, field: str = "plate") -> str:
    """The registration plate in upper case, letters of any script and digits only.

    Spacing and separators differ between a plate, a document and an officer's notes; the
    letters themselves are kept as typed, Cyrillic or Greek included."""
    plate = "".join(char for char in text.upper() if char.isalnum())
    if not plate or len(plate) > MAX_PLATE_LENGTH:
        raise InvalidInput(
            f"The plate {text!r} is not valid: give the letters and digits of the plate, at "
            f"most {MAX_PLATE_LENGTH} of them (spaces and dashes are ignored).",
            code="plate_invalid",
            field=field,
        )
    return plate


# Vessels. The IMO number stays with a hull for life, whatever its name or flag; the MMSI is
# the radio identity its AIS transponder broadcasts, and changes with the flag.
_IMO = re.compile(r"^(?:IMO)?:?([0-9]{7})$")
_IMO_WEIGHTS = (7, 6, 5, 4, 3, 2)
_MMSI = re.compile(r"^(?:MMSI)?:?([0-9]{9})$")
# Maritime Identification Digits of ship stations begin 2-7 (2 Europe, 3 North America and the
# Caribbean, 4 Asia, 5 Oceania, 6 Africa, 7 South America); 0, 1, 8 and 9 begin the numbers of
# coast stations, groups, aircraft, handheld radios and distress beacons.
_SHIP_MID_FIRST_DIGITS = frozenset("234567")
_HULL_ID = re.compile(r"^[A-Z0-9]{5,20}$")


def imo_check_digit(imo: str) -> str:
    """The IMO check digit: the first six digits weighted 7, 6, 5, 4, 3, 2, sum modulo 10."""
    total = sum(int(digit) * weight for digit, weight in zip(imo[:6], _IMO_WEIGHTS, strict=True))
    return str(total % 10)


def normalise_imo(text: str, *, field: str = "imo") -> str:
    """The seven digits of an IMO ship number ("IMO 9074729", "imo9074729" or "9074729").

    The seventh digit is a check digit, verified so that a mistyped number is refused rather
    than searched and not found."""
    found = _IMO.match(_SEPARATORS.sub("", text.upper()))
    if found is None:
        raise InvalidInput(
            f"The IMO number {text!r} is not valid: an IMO number is 7 digits, written with or "
            "without the letters IMO in front (for example IMO 9074729).",
            code="imo_invalid",
            field=field,
        )
    imo = found.group(1)
    expected = imo_check_digit(imo)
    if imo[6] != expected:
        raise InvalidInput(
            f"The IMO number {imo} ends in {imo[6]} but its check digit should be {expected}: "
            "a digit was misread or mistyped; copy the number again from the ship's "
            "certificates or its hull.",
            code="imo_check_digit",
            field=field,
        )
    return imo


def normalise_mmsi(text: str, *, field: str = "mmsi") -> str:
    """The nine digits of a ship station's MMSI, which begin with its flag's MID (2-7)."""
    found = _MMSI.match(_SEPARATORS.sub("", text.upper()))
    if found is None or found.group(1)[0] not in _SHIP_MID_FIRST_DIGITS:
        raise InvalidInput(
            f"The MMSI {text!r} is not a vessel's: a vessel's MMSI is 9 digits and starts with "
            "the Maritime Identification Digits of its flag, which begin with 2 to 7; numbers "
            "starting 0, 1, 8 or 9 belong to coast stations, groups, aircraft or beacons.",
            code="mmsi_invalid",
            field=field,
        )
    return found.group(1)


def normalise_hull_id(text: str, *, field: str = "hull_id") -> str:
    """A hull identification number in upper case, without spaces or dashes.

    Small craft carry a 12-character HIN (ISO 10087; 14 with the EU country code in front);
    large ships carry yard or hull numbers of their own, so 5 to 20 letters and digits pass."""
    hull_id = _SEPARATORS.sub("", text.upper())
    if not _HULL_ID.match(hull_id):
        raise InvalidInput(
            f"The hull identification number {text!r} is not valid: give the 5 to 20 letters "
            "A-Z and digits 0-9 stamped on the hull (a craft's HIN has 12, or 14 with its "
            "country code), without other signs.",
            code="hull_id_invalid",
            field=field,
        )
    return hull_id


# Firearms. Serials are stamped or engraved by the maker in no common format; wear, rust and
# filing make some characters read as others, so the hub compares them through a key.
MAX_SERIAL_LENGTH = 30
# The confusions of worn stampings: letter O and digit 0, I and 1, S and 5, B and 8.
_SERIAL_CONFUSIONS = str.maketrans("OISB", "0158")


def normalise_serial(text: str, *, field: str = "serial") -> str:
    """The serial in upper case without spaces, dashes, dots or slashes."""
    serial = _SEPARATORS.sub("", text.upper())
    if not serial or len(serial) > MAX_SERIAL_LENGTH or not _ALPHANUMERIC.match(serial):
        raise InvalidInput(
            f"The serial number {text!r} is not valid: give the letters A-Z and digits 0-9 "
            f"stamped on the firearm, at most {MAX_SERIAL_LENGTH} of them (spaces, dashes, dots "
            "and slashes are ignored).",
            code="serial_invalid",
            field=field,
        )
    return serial


def serial_key(serial: str) -> str:
    """The key normalised serials are compared by: O read as 0, I as 1, S as 5 and B as 8.

    These are the confusions of worn stampings, where the officer cannot tell which of the two
    the maker struck."""
    return serial.translate(_SERIAL_CONFUSIONS)


def differs_only_by_confusion(recorded: str, asked: str) -> bool:
    """True when two normalised serials match only through the confusions of ``serial_key``.

    Such a hit is possible, not certain: the officer should re-read the stamping on the weapon."""
    return recorded != asked and serial_key(recorded) == serial_key(asked)


# Art. Works are found by their description; a normalised title only serves exact lookups.
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")


def normalise_title(text: str) -> str:
    """The title in case-folded letters and digits without accents, words split by one space.

    "La Méditerranée", "la mediterranee" and "LA MÉDITERRANÉE!" give the same key."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub(" ", bare).strip()
