"""ICAO Doc 9303 machine readable zones: TD1, TD2, TD3 and the MRV-A / MRV-B visas.

Written here (the ``mrz`` package is GPL). Every check digit is verified; a failure names the
field, so that the officer knows which part of the zone to re-read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from policenet.domain.clock import utcnow
from policenet.domain.errors import InvalidInput

_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"^[A-Z0-9<]+$")


class MrzFormat(StrEnum):
    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRV_A = "MRV-A"
    MRV_B = "MRV-B"


class MrzError(InvalidInput):
    """A zone that cannot be read, or whose check digit does not match (HTTP 422)."""

    code = "mrz_invalid"


@dataclass(frozen=True, slots=True)
class Mrz:
    """What a machine readable zone says, with every check digit verified."""

    format: MrzFormat
    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    birth_date: date | None
    sex: str | None
    expiry_date: date | None
    surname: str
    given_names: str
    optional_data: str

    @property
    def holder_name(self) -> str:
        return f"{self.surname}, {self.given_names}" if self.given_names else self.surname


def _char_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if char == "<":
        return 0
    return ord(char) - ord("A") + 10


def check_digit(data: str) -> str:
    """The ICAO 9303 check digit of a field: weights 7, 3, 1 repeated, sum modulo 10."""
    total = sum(_char_value(char) * _WEIGHTS[i % 3] for i, char in enumerate(data))
    return str(total % 10)


_FIELD_WORDS = {
    "document_number": "document number",
    "birth_date": "date of birth",
    "expiry_date": "date of expiry",
    "optional_data": "personal number (optional data)",
    "composite": "composite check digit",
}


def _verify(field: str, data: str, digit: str, where: str, *, filler_ok: bool = False) -> None:
    if filler_ok and digit == "<" and set(data) <= {"<"}:
        return
    expected = check_digit(data)
    if digit != expected:
        raise MrzError(
            f"The check digit of the {_FIELD_WORDS[field]} ({where}) is '{digit}' but the "
            f"field gives {expected}: re-read that part of the zone, or check the document by "
            "issuing country and number instead.",
            code="mrz_check_digit",
            field=field,
        )


def _split(text: str | list[str]) -> list[str]:
    lines = text if isinstance(text, list) else text.strip().splitlines()
    lines = [line.strip().replace(" ", "").upper() for line in lines if line.strip()]
    if len(lines) == 1:
        (single,) = lines
        for width, count in ((30, 3), (36, 2), (44, 2)):
            if len(single) == width * count:
                return [single[i : i + width] for i in range(0, len(single), width)]
    return lines


def _date(text: str, *, past: bool, field: str, where: str) -> date | None:
    """A YYMMDD date: a birth date is never in the future, an expiry date within 50 years.

    Unknown parts (fillers, or a day or month of 00 as some states print) give None; digits
    that form no date are refused, since the check digit cannot catch a misprinted zone."""
    if not text.isdigit():
        return None
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    if mm == 0 or dd == 0:
        return None
    today = utcnow().date()
    try:
        value = date(2000 + yy, mm, dd)
        if (past and value > today) or value.year > today.year + 50:
            value = date(1900 + yy, mm, dd)
    except ValueError:
        raise MrzError(
            f"The {_FIELD_WORDS[field]} ({where}) reads {text}, which is no date (YYMMDD): "
            "re-read the zone.",
            code="mrz_date_invalid",
            field=field,
        ) from None
    return value


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _sex(char: str) -> str | None:
    return char if char in ("M", "F", "X") else None


def _long_number(
    number: str, digit: str, optional: str, line: str, digit_position: int, optional_start: int
) -> tuple[str, str, str, str]:
    """Number, check digit, rest of the optional data, and where the check digit stands.

    TD1/TD2 numbers longer than 9 characters put '<' in the check digit position and continue
    in the optional data, followed by their check digit (Doc 9303 part 5, 4.2.2)."""
    if digit != "<":
        return number, digit, optional, f"{line}, position {digit_position}"
    rest, _, tail = optional.partition("<")
    if len(rest) < 2:
        raise MrzError(
            f"The document number ({line}) has no check digit: re-read the zone.",
            code="mrz_check_digit",
            field="document_number",
        )
    position = optional_start + len(rest) - 1
    return number + rest[:-1], rest[-1], tail, f"{line}, position {position}"


def parse_mrz(text: str | list[str]) -> Mrz:
    """Read a machine readable zone given as its lines (a list, or text with line breaks)."""
    lines = _split(text)
    shape = tuple(len(line) for line in lines)
    bad = next((line for line in lines if not _ALLOWED.match(line)), None)
    if bad is not None:
        raise MrzError(
            "A machine readable zone holds only the letters A-Z, the digits 0-9 and the filler "
            f"'<'; this line holds other characters: {bad!r}.",
            code="mrz_format",
            field="mrz",
        )
    if shape == (30, 30, 30):
        return _parse_td1(lines)
    if shape == (36, 36):
        return _parse_td2(lines)
    if shape == (44, 44):
        return _parse_td3(lines)
    raise MrzError(
        "A machine readable zone has 3 lines of 30 characters (TD1, identity cards), 2 of 36 "
        f"(TD2, MRV-B) or 2 of 44 (TD3 passports, MRV-A); this one has line lengths "
        f"{list(shape)}. Send every line, fillers '<' included.",
        code="mrz_format",
        field="mrz",
    )


def _parse_td1(lines: list[str]) -> Mrz:
    l1, l2, l3 = lines
    number, digit, optional1, where = _long_number(l1[5:14], l1[14], l1[15:30], "line 1", 15, 16)
    _verify("document_number", number, digit, where)
    _verify("birth_date", l2[0:6], l2[6], "line 2, position 7")
    _verify("expiry_date", l2[8:14], l2[14], "line 2, position 15")
    _verify("composite", l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29], "line 2, position 30")
    surname, given = _names(l3)
    return Mrz(
        format=MrzFormat.TD1,
        document_code=l1[0:2].replace("<", ""),
        issuing_state=l1[2:5].replace("<", ""),
        document_number=number,
        nationality=l2[15:18].replace("<", ""),
        birth_date=_date(l2[0:6], past=True, field="birth_date", where="line 2, positions 1-6"),
        sex=_sex(l2[7]),
        expiry_date=_date(
            l2[8:14], past=False, field="expiry_date", where="line 2, positions 9-14"
        ),
        surname=surname,
        given_names=given,
        optional_data=(optional1 + l2[18:29]).strip("<"),
    )


def _parse_two_line(lines: list[str], fmt: MrzFormat) -> Mrz:
    l1, l2 = lines
    width = len(l1)
    visa = fmt in (MrzFormat.MRV_A, MrzFormat.MRV_B)
    optional_end = width if visa else width - 1
    number, digit, optional = l2[0:9], l2[9], l2[28:optional_end]
    where = "line 2, position 10"
    if fmt is MrzFormat.TD2:
        number, digit, optional, where = _long_number(number, digit, optional, "line 2", 10, 29)
    _verify("document_number", number, digit, where)
    _verify("birth_date", l2[13:19], l2[19], "line 2, position 20")
    _verify("expiry_date", l2[21:27], l2[27], "line 2, position 28")
    if fmt is MrzFormat.TD3:
        _verify("optional_data", l2[28:42], l2[42], "line 2, position 43", filler_ok=True)
        optional = l2[28:42]
    if not visa:
        composite = l2[0:10] + l2[13:20] + l2[21 : width - 1]
        _verify("composite", composite, l2[width - 1], f"line 2, position {width}")
    surname, given = _names(l1[5:])
    return Mrz(
        format=fmt,
        document_code=l1[0:2].replace("<", ""),
        issuing_state=l1[2:5].replace("<", ""),
        document_number=number,
        nationality=l2[10:13].replace("<", ""),
        birth_date=_date(l2[13:19], past=True, field="birth_date", where="line 2, positions 14-19"),
        sex=_sex(l2[20]),
        expiry_date=_date(
            l2[21:27], past=False, field="expiry_date", where="line 2, positions 22-27"
        ),
        surname=surname,
        given_names=given,
        optional_data=optional.strip("<"),
    )


def _parse_td2(lines: list[str]) -> Mrz:
    return _parse_two_line(lines, MrzFormat.MRV_B if lines[0][0] == "V" else MrzFormat.TD2)


def _parse_td3(lines: list[str]) -> Mrz:
    return _parse_two_line(lines, MrzFormat.MRV_A if lines[0][0] == "V" else MrzFormat.TD3)


def format_td3(
    *,
    issuing_state: str,
    surname: str,
    given_names: str,
    number: str,
    nationality: str,
    birth_date: date,
    sex: str,
    expiry_date: date,
    document_code: str = "P",
) -> list[str]:
    """Write a passport's two-line TD3 zone, check digits included (demo data and tests)."""

    def field(text: str, width: int) -> str:
        cleaned = re.sub(r"[^A-Z0-9]+", "<", text.upper())
        return cleaned[:width].ljust(width, "<")

    name = (field(surname, 39).rstrip("<") + "<<" + field(given_names, 39).rstrip("<"))[:39]
    line1 = field(document_code, 2) + field(issuing_state, 3) + name.ljust(39, "<")
    doc = field(number, 9)
    birth = birth_date.strftime("%y%m%d")
    expiry = expiry_date.strftime("%y%m%d")
    personal = "<" * 14
    body = (
        doc
        + check_digit(doc)
        + field(nationality, 3)
        + birth
        + check_digit(birth)
        + sex
        + expiry
        + check_digit(expiry)
        + personal
        + "<"
    )
    composite = body[0:10] + body[13:20] + body[21:43]
    return [line1, body + check_digit(composite)]
