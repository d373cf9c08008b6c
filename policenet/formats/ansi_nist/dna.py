"""The DNA profiles of a transaction's Type-18 records.

A Type-18 record carries one specimen's DNA; its autosomal STR alleles are in field 18.016 (STR
DNA profile), one subfield per locus, whose information items are, in the order of the 2013
update of the standard:

====  =====  ====================================================================
item  name   what it holds
====  =====  ====================================================================
1     DST    the kind of STR (autosomal, X, Y)
2     DLR    the locus reference
3     ALL    the allele indicator: 1 when alleles were called, 0 when not
4, 5         the analysis and precise-call indicators (not used here)
6-8   AL1-3  the allele calls, up to four characters each ("11", "23.3"); AL3 for a
             tri-allele
====  =====  ====================================================================

The standard numbers the loci in a table of its own; laboratories' systems write either that
number or the locus's name in DLR. A name is read as policenet reads every locus name
(``domain.dna.canonical_locus``); a number is read through the table the importing bureau gives
(``locus_numbers``), since the numbering of a laboratory's system is the one to trust.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from policenet.domain.dna import canonical_locus
from policenet.domain.errors import InvalidInput
from policenet.formats.ansi_nist.transaction import _items, parse

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

DNA_RECORD = 18  # Type-18: DNA
STR_FIELD = 16  # 18.016: STR DNA profile
TCN_FIELD = 9  # 1.009: transaction control number
DLR, ALL, AL1 = 1, 2, 5  # 0-based positions of the items in an 18.016 subfield
AMELOGENIN = frozenset({"AMEL", "AMELOGENIN", "AM"})


@dataclass(frozen=True, slots=True)
class Type18Reading:
    """How to read a transaction's Type-18 records as profiles: the kind every profile is
    (the records do not say it in policenet's terms) and the laboratory's locus numbers."""

    kind: str
    locus_numbers: Mapping[str, str] = field(default_factory=dict)


def load_locus_numbers(text: str) -> dict[str, str]:
    """A laboratory's locus numbering, one ``number,locus`` pair per line."""
    table: dict[str, str] = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        number, _, name = (part.strip() for part in line.partition(","))
        locus = canonical_locus(name)
        if not number or (locus is None and name.upper() not in AMELOGENIN):
            raise InvalidInput(
                f"Locus table, line {line_number}: write NUMBER,LOCUS with LOCUS one of the 24 "
                f"exchanged loci or Amelogenin, not {line.strip()!r}.",
                code="locus_table_invalid",
            )
        table[number] = locus or "AMEL"
    return table


def dna_rows(
    data: bytes, reading: Type18Reading
) -> Iterator[tuple[int, dict[str, Any] | Exception]]:
    """(record number, profile as an import row) for every Type-18 record of a transaction;
    a record that cannot be read comes as an exception naming its profile, field and locus."""
    message = parse(data)
    records = list(message)
    tcn = _tcn(records[0]) if records else ""
    found = False
    for number, record in enumerate(records, start=1):
        if getattr(record, "type", None) != DNA_RECORD:
            continue
        found = True
        idc = str(record[2].value) if record[2] is not None else str(number)
        ref = f"{tcn}/{idc}" if tcn else f"IDC-{idc}"
        try:
            yield number, _profile(record, ref, reading)
        except ValueError as exc:
            yield number, ValueError(f"profile {ref}: {exc}")
    if not found:
        raise InvalidInput(
            "The transaction holds no Type-18 (DNA) record: nothing to import.",
            code="nist_no_profiles",
        )


def _tcn(header: Any) -> str:  # noqa: ANN401 - a nistitl record
    found = header[TCN_FIELD]
    return str(found.value).strip() if found is not None else ""


def _profile(record: Any, ref: str, reading: Type18Reading) -> dict[str, Any]:  # noqa: ANN401
    found = record[STR_FIELD]
    if found is None:
        raise ValueError("field 18.016 (STR DNA profile) is missing: the record holds no STR loci")
    loci: dict[str, list[str]] = {}
    amelogenin: str | None = None
    for position, items in enumerate(_items(found.value), start=1):
        where = f"field 18.016, subfield {position}"
        if len(items) <= DLR or not items[DLR].strip():
            raise ValueError(f"{where}: the locus reference (item 2, DLR) is empty")
        written = items[DLR].strip()
        locus = _locus(written, reading.locus_numbers)
        if locus is None:
            hint = (
                "give the locus table of your laboratory's system (--locus-table) to read its "
                "numbers"
                if written.isdigit()
                else "it is not one of the 24 exchanged loci"
            )
            raise ValueError(f"{where}, locus {written!r}: {hint}")
        indicator = items[ALL].strip() if len(items) > ALL else "1"
        if indicator == "0":
            continue  # not typed at this locus
        if indicator != "1":
            raise ValueError(
                f"{where}, locus {locus}: the allele indicator (item 3, ALL) is {indicator!r}; "
                "it must be 1 (alleles called) or 0 (none)"
            )
        alleles = [a.strip() for a in items[AL1 : AL1 + 3] if a.strip()]
        if not alleles:
            raise ValueError(f"{where}, locus {locus}: the allele indicator is 1 but no allele")
        if locus == "AMEL":
            amelogenin = "".join(sorted(alleles)).upper()
        elif locus in loci:
            raise ValueError(f"{where}: the locus {locus} is given twice")
        else:
            loci[locus] = alleles
    row: dict[str, Any] = {"external_ref": ref, "kind": reading.kind, "loci": loci}
    if amelogenin is not None:
        row["amelogenin"] = amelogenin
    return row


def _locus(written: str, numbers: Mapping[str, str]) -> str | None:
    if written.isdigit():
        return numbers.get(written) or numbers.get(written.lstrip("0"))
    if written.upper() in AMELOGENIN:
        return "AMEL"
    return canonical_locus(written)
