"""Document numbers as officers type them and as the hub compares them.

Case, spaces, dashes, dots and slashes are not part of a number. The letter O and the digit 0
are a known confusion (and the digit is what ICAO prints in most numbers): the hub compares
numbers with O read as 0, and says so on every hit where the two differ, instead of silently
treating them as equal.
"""

from __future__ import annotations

import re

from policenet.domain.errors import InvalidInput

# The longest number a zone can carry: 9 characters plus 14 in TD1 optional data.
MAX_NUMBER_LENGTH = 24
_SEPARATORS = re.compile(r"[\s\-./<_]+")
_VALID = re.compile(r"^[A-Z0-9]+$")


def normalise_number(raw: str) -> str:
    """The number in upper case without separators; raises InvalidInput if nothing valid is left."""
    number = _SEPARATORS.sub("", raw.upper())
    if not number:
        raise InvalidInput(
            "The document number is empty: give the number as printed on the document.",
            code="document_number_invalid",
            field="number",
        )
    if not _VALID.match(number) or len(number) > MAX_NUMBER_LENGTH:
        raise InvalidInput(
            f"The document number {raw!r} is not valid: a number holds only the letters A-Z and "
            f"the digits 0-9 (spaces and dashes are ignored), at most {MAX_NUMBER_LENGTH} of them.",
            code="document_number_invalid",
            field="number",
        )
    return number


def comparison_key(number: str) -> str:
    """The key two numbers are compared by: the letter O read as the digit 0."""
    return number.replace("O", "0")


def differs_only_by_o_zero(recorded: str, asked: str) -> bool:
    """True when the numbers match only because the letter O was read as the digit 0."""
    return recorded != asked and comparison_key(recorded) == comparison_key(asked)
