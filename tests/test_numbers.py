"""Document numbers: what an officer types is compared deliberately, O and 0 included."""

from __future__ import annotations

import pytest

from policenet.domain.errors import InvalidInput
from policenet.matching.documents import comparison_key, differs_only_by_o_zero, normalise_number


@pytest.mark.parametrize("raw", ["ab 123-456", "AB123456", " ab.123/456 ", "ab-12-34-56"])
def test_case_spaces_and_dashes_are_not_part_of_a_number(raw: str) -> None:
    assert normalise_number(raw) == "AB123456"


@pytest.mark.parametrize("raw", ["", "  - ", "AB#123", "Ä12345", "1" * 25])
def test_invalid_numbers_are_refused_with_a_code(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_number(raw)
    assert caught.value.code == "document_number_invalid"


def test_letter_o_and_digit_zero_compare_equal_but_are_told_apart() -> None:
    assert comparison_key("AO12345") == comparison_key("A012345")
    assert differs_only_by_o_zero("AO12345", "A012345")
    assert not differs_only_by_o_zero("A012345", "A012345")
    assert not differs_only_by_o_zero("A012345", "A012346")
