"""ICAO 9303 zones: the specimens of the standard parse, and every broken check digit is named."""

from __future__ import annotations

from datetime import date

import pytest

from policenet.matching.mrz import MrzError, MrzFormat, check_digit, format_td3, parse_mrz

TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]
TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]
MRV_A = [
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
]
MRV_B = ["V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"]


def test_check_digit_of_the_standard_examples() -> None:
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("ZE184226B<<<<<") == "1"


@pytest.mark.parametrize(
    ("lines", "fmt", "number"),
    [
        (TD3, MrzFormat.TD3, "L898902C3"),
        (TD2, MrzFormat.TD2, "D23145890"),
        (TD1, MrzFormat.TD1, "D23145890"),
        (MRV_A, MrzFormat.MRV_A, "L8988901C"),
        (MRV_B, MrzFormat.MRV_B, "L8988901C"),
    ],
)
def test_specimens_parse(lines: list[str], fmt: MrzFormat, number: str) -> None:
    mrz = parse_mrz(lines)
    assert mrz.format is fmt
    assert mrz.document_number == number
    assert mrz.issuing_state == "UTO"
    assert mrz.surname == "ERIKSSON"
    assert mrz.given_names == "ANNA MARIA"


def test_zone_as_one_text_with_line_breaks_and_lower_case() -> None:
    mrz = parse_mrz("\n".join(TD3).lower() + "\n")
    assert mrz.birth_date == date(1974, 8, 12)
    assert mrz.sex == "F"


@pytest.mark.parametrize(
    ("lines", "line", "position", "field"),
    [
        (TD3, 1, 9, "document_number"),
        (TD3, 1, 19, "birth_date"),
        (TD3, 1, 27, "expiry_date"),
        (TD3, 1, 42, "optional_data"),
        (TD3, 1, 43, "composite"),
        (TD1, 0, 14, "document_number"),
        (TD1, 1, 6, "birth_date"),
        (TD1, 1, 29, "composite"),
        (TD2, 1, 35, "composite"),
    ],
)
def test_a_wrong_check_digit_names_its_field(
    lines: list[str], line: int, position: int, field: str
) -> None:
    broken = list(lines)
    digit = broken[line][position]
    replacement = "0" if digit != "0" else "1"
    broken[line] = broken[line][:position] + replacement + broken[line][position + 1 :]
    with pytest.raises(MrzError) as caught:
        parse_mrz(broken)
    assert caught.value.code == "mrz_check_digit"
    assert caught.value.field == field


def test_a_zone_of_the_wrong_shape_says_what_shapes_exist() -> None:
    with pytest.raises(MrzError) as caught:
        parse_mrz([TD3[0], TD3[1][:40]])
    assert caught.value.code == "mrz_format"
    assert "44" in caught.value.message


def test_foreign_characters_are_refused() -> None:
    with pytest.raises(MrzError) as caught:
        parse_mrz([TD3[0].replace("ANNA", "ÄNNA"), TD3[1]])
    assert caught.value.code == "mrz_format"


def test_written_zone_reads_back() -> None:
    lines = format_td3(
        issuing_state="FRA",
        surname="Martin",
        given_names="Claire Anne",
        number="12AB34567",
        nationality="FRA",
        birth_date=date(1986, 3, 14),
        sex="F",
        expiry_date=date(2030, 1, 31),
    )
    mrz = parse_mrz(lines)
    assert (mrz.surname, mrz.given_names, mrz.document_number) == (
        "MARTIN",
        "CLAIRE ANNE",
        "12AB34567",
    )
    assert mrz.expiry_date == date(2030, 1, 31)


def test_td1_long_document_number_continues_in_optional_data() -> None:
    lines = [
        "I<UTOD23145890<7349<<<<<<<<<<<",
        "3407127M9507122UTO<<<<<<<<<<<2",
        "STEVENSON<<PETER<JOHN<<<<<<<<<",
    ]
    mrz = parse_mrz(lines)
    assert mrz.document_number == "D23145890734"
    broken = [lines[0].replace("7349", "7348"), lines[1], lines[2]]
    with pytest.raises(MrzError) as caught:
        parse_mrz(broken)
    assert caught.value.field == "document_number"
    assert "line 1, position 19" in caught.value.message


def test_birth_date_later_this_year_is_last_century() -> None:
    lines = format_td3(
        issuing_state="UTO",
        surname="A",
        given_names="B",
        number="X1",
        nationality="UTO",
        birth_date=date(1926, 12, 31),
        sex="M",
        expiry_date=date(2030, 1, 1),
    )
    assert parse_mrz(lines).birth_date == date(1926, 12, 31)


def test_digits_that_form_no_date_are_refused() -> None:
    month13 = "741312"
    body = "L898902C36UTO" + month13 + check_digit(month13) + "F1204159ZE184226B<<<<<1"
    body += check_digit(body[0:10] + body[13:20] + body[21:43])
    with pytest.raises(MrzError) as caught:
        parse_mrz([TD3[0], body])
    assert caught.value.code == "mrz_date_invalid"
    assert caught.value.field == "birth_date"
