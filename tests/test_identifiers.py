"""Identifiers of stolen objects: real numbers pass, mistyped ones are refused with the fix."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from policenet.domain.errors import InvalidInput
from policenet.matching.identifiers import (
    check_vin,
    differs_only_by_confusion,
    imo_check_digit,
    normalise_hull_id,
    normalise_imo,
    normalise_mmsi,
    normalise_plate,
    normalise_serial,
    normalise_title,
    normalise_vin,
    serial_key,
    vin_check_digit,
)


def refused(normalise: Callable[[str], object], text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        normalise(text)
    return caught.value


# Vehicles


@pytest.mark.parametrize(
    ("vin", "digit"),
    [
        ("1M8GDM9AXKP042788", "X"),  # the worked example of the check digit: remainder 10
        ("11111111111111111", "1"),
        ("1HGCM82633A004352", "3"),
        ("5YJSA1E18HF000337", "8"),
        ("LVSHCAMB1CE054249", "1"),  # Chinese market, GB 16735
    ],
)
def test_north_american_and_chinese_vins_are_validated_by_check_digit(vin: str, digit: str) -> None:
    assert vin_check_digit(vin) == digit
    result = check_vin(vin)
    assert result.vin == vin
    assert result.validated is True
    assert result.note == f"VIN {vin}: the check digit {digit} is correct."


def test_vin_is_upper_cased_without_spaces_or_dashes() -> None:
    assert normalise_vin(" 1m8gdm9a-xkp 042788 ") == "1M8GDM9AXKP042788"
    assert check_vin("1hgcm8263 3a004352").vin == "1HGCM82633A004352"


@pytest.mark.parametrize(
    ("vin", "expected"),
    [
        ("5YJSA1E14HF000337", "8"),
        ("1M8GDM9A1KP042788", "X"),
        ("1HGCM82643A004352", "3"),
        ("LVSHCAMB2CE054249", "1"),
    ],
)
def test_wrong_check_digit_is_refused_naming_the_expected_digit(vin: str, expected: str) -> None:
    error = refused(check_vin, vin)
    assert error.code == "vin_check_digit"
    assert error.field == "vin"
    assert f"its check digit should be {expected}" in error.message
    assert f"'{vin[8]}' in position 9" in error.message


def test_check_digit_error_names_the_callers_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_vin("5YJSA1E14HF000337", field="vehicle.vin")
    assert caught.value.code == "vin_check_digit"
    assert caught.value.field == "vehicle.vin"


def test_european_vin_is_accepted_but_said_to_be_unvalidated() -> None:
    result = check_vin("wvwzzz1jzxw000001")
    assert result.vin == "WVWZZZ1JZXW000001"
    assert result.validated is False
    assert result.note == (
        "VIN WVWZZZ1JZXW000001 cannot be validated: ISO 3779 has no check digit outside North "
        "America and China; compare it with the vehicle's plates and documents."
    )


def test_japanese_vin_is_not_validated_even_when_position_9_happens_to_fit() -> None:
    assert vin_check_digit("JHMCM56557C404453") == "5"
    result = check_vin("JHMCM56557C404453")
    assert result.validated is False
    assert "cannot be validated" in result.note


@pytest.mark.parametrize("vin", ["1M8GDM9AXKP04278O", "1M8GDMIAXKP042788", "1M8GDM9AXKQ042788"])
def test_seventeen_character_vin_with_i_o_or_q_is_refused(vin: str) -> None:
    error = refused(normalise_vin, vin)
    assert error.code == "vin_invalid"
    assert error.field == "vin"
    assert "I, O or Q" in error.message
    assert "digit 0" in error.message


def test_legacy_vin_is_accepted_unvalidated() -> None:
    result = check_vin("911 310 1234")
    assert result.vin == "9113101234"
    assert result.validated is False
    assert result.note.startswith("VIN 9113101234 cannot be validated: it has 10 characters")
    assert "pre-1981" in result.note


def test_legacy_vin_is_not_held_to_the_i_o_q_rule() -> None:
    assert normalise_vin("124379N5OOOO1") == "124379N5OOOO1"


@pytest.mark.parametrize(
    "vin", ["1234", "1M8GDM9AXKP0427880", "", "1M8GDM9AXKP04278#", "1M8GDM9AXKP04278Ж"]
)
def test_vin_of_wrong_length_or_characters_is_refused(vin: str) -> None:
    error = refused(normalise_vin, vin)
    assert error.code == "vin_invalid"
    assert error.field == "vin"
    assert "a VIN has 17 letters A-Z and digits 0-9" in error.message


def test_vin_error_names_the_callers_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_vin("ABC", field="vehicles[2].vin")
    assert caught.value.field == "vehicles[2].vin"


@pytest.mark.parametrize(
    ("plate", "expected"),
    [
        ("ab-123 cd", "AB123CD"),
        ("M·AB 1234", "MAB1234"),
        ("а 123 вс 77", "А123ВС77"),  # Cyrillic letters stay Cyrillic
        ("ΙΚΡ-1234", "ΙΚΡ1234"),
    ],
)
def test_plates_keep_letters_of_any_script_and_digits(plate: str, expected: str) -> None:
    assert normalise_plate(plate) == expected


def test_cyrillic_plate_is_not_read_as_latin() -> None:
    assert normalise_plate("а123вс77") != "A123BC77"


@pytest.mark.parametrize("plate", [" - ", "", "ABCDEFGH12345678"])
def test_empty_or_overlong_plate_is_refused(plate: str) -> None:
    error = refused(normalise_plate, plate)
    assert error.code == "plate_invalid"
    assert error.field == "plate"


# Vessels


@pytest.mark.parametrize(
    ("text", "imo"),
    [
        ("IMO 9074729", "9074729"),
        ("imo9074729", "9074729"),
        ("9074729", "9074729"),
        ("IMO 9176187", "9176187"),
        ("IMO: 8814275", "8814275"),
    ],
)
def test_imo_numbers_are_accepted_with_or_without_prefix(text: str, imo: str) -> None:
    assert normalise_imo(text) == imo
    assert imo_check_digit(imo) == imo[6]


def test_imo_with_wrong_check_digit_is_refused_naming_the_expected_digit() -> None:
    error = refused(normalise_imo, "IMO 9074728")
    assert error.code == "imo_check_digit"
    assert error.field == "imo"
    assert "check digit should be 9" in error.message


@pytest.mark.parametrize("text", ["IMO 907472", "90747290", "IMO", "MMSI 9074729", "9O74729"])
def test_imo_of_wrong_format_is_refused(text: str) -> None:
    error = refused(normalise_imo, text)
    assert error.code == "imo_invalid"
    assert error.field == "imo"


@pytest.mark.parametrize(
    ("text", "mmsi"),
    [("211331640", "211331640"), ("MMSI 636 092 000", "636092000"), ("366999999", "366999999")],
)
def test_ship_mmsi_is_accepted(text: str, mmsi: str) -> None:
    assert normalise_mmsi(text) == mmsi


@pytest.mark.parametrize(
    "text",
    ["002111000", "021100000", "111211000", "970123456", "21133164", "2113316400", "21133164A"],
)
def test_mmsi_that_is_not_a_ships_is_refused(text: str) -> None:
    error = refused(normalise_mmsi, text)
    assert error.code == "mmsi_invalid"
    assert error.field == "mmsi"
    assert "2 to 7" in error.message


@pytest.mark.parametrize(
    ("text", "hull_id"),
    [
        ("ABC12345D404", "ABC12345D404"),
        ("FR-ABC12345D404", "FRABC12345D404"),
        ("yn 1234", "YN1234"),
    ],
)
def test_hull_ids_are_accepted(text: str, hull_id: str) -> None:
    assert normalise_hull_id(text) == hull_id


@pytest.mark.parametrize("text", ["1234", "A" * 21, "AB#12345", ""])
def test_hull_id_out_of_range_is_refused(text: str) -> None:
    error = refused(normalise_hull_id, text)
    assert error.code == "hull_id_invalid"
    assert error.field == "hull_id"


# Firearms


def test_serial_is_upper_cased_without_separators() -> None:
    assert normalise_serial(" ab-12.34/5 c ") == "AB12345C"


@pytest.mark.parametrize("text", [" - ", "", "A" * 31, "№ 12345", "ЯП 1234"])
def test_empty_overlong_or_foreign_serial_is_refused(text: str) -> None:
    error = refused(normalise_serial, text)
    assert error.code == "serial_invalid"
    assert error.field == "serial"


def test_serial_key_reads_worn_letters_as_digits() -> None:
    assert serial_key("OB15IS") == "081515"
    assert serial_key("LQZ7") == "LQZ7"


def test_serials_differing_only_by_worn_stamping_confusions_are_flagged() -> None:
    assert differs_only_by_confusion("B0O1234", "8001234") is True
    assert differs_only_by_confusion("SI0", "510") is True


@pytest.mark.parametrize(
    ("recorded", "asked"), [("8001234", "8001234"), ("1234", "1235"), ("L123", "1123")]
)
def test_equal_or_really_different_serials_are_not_flagged(recorded: str, asked: str) -> None:
    assert differs_only_by_confusion(recorded, asked) is False


# Art


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("La Méditerranée", "la mediterranee"),
        ("LA MÉDITERRANÉE!", "la mediterranee"),
        ("  Le Déjeuner sur l'herbe ", "le dejeuner sur l herbe"),
        ("Die Straße", "die strasse"),
        ("Утро в сосновом лесу", "утро в сосновом лесу"),
        ("Nighthawks_(1942)", "nighthawks 1942"),
    ],
)
def test_titles_are_compared_without_case_accents_or_punctuation(title: str, key: str) -> None:
    assert normalise_title(title) == key
