"""Document numbers: the form the hub records them in, and the key it files them under.

Case, spaces, dashes, dots and slashes are not part of a number. The letter O and the digit 0
are a known confusion (and the digit is what ICAO prints in most numbers): the hub files and
finds numbers with O read as 0, so that one typed either way reaches the same record, and an
active record's uniqueness is checked under that key too. Whether a hit differed only by that
confusion is said by ``policenet.matching.documents``.
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
    """The key a normalised number is filed and compared by: the letter O read as the digit 0."""
    return number.replace("O", "0")
