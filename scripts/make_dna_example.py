"""Writes ``examples/dna.an2``: an ANSI/NIST-ITL 1-2011 transaction of two Type-18 records,
the STR alleles of each in field 18.016 (one subfield per locus: DST, DLR, ALL, two unused
indicators, AL1-AL3). Run: ``.venv/bin/python scripts/make_dna_example.py``."""

from __future__ import annotations

from pathlib import Path

import nistitl

from policenet.demo.dna import DONOR

PROFILES = {
    1: DONOR | {"AMEL": ["X", "Y"], "SE33": []},  # SE33 not typed: allele indicator 0
    2: {
        "D3S1358": ["14", "17"],
        "vWA": ["16", "16"],
        "D8S1179": ["10", "13"],
        "D21S11": ["28", "31.2"],
        "D18S51": ["12", "19"],
        "TH01": ["6", "8"],
        "FGA": ["20", "23"],
        "D16S539": ["9", "11", "12"],  # a tri-allele
    },
}


def transaction(profiles: dict[int, dict[str, list[str]]], tcn: str) -> bytes:
    message = nistitl.Message()
    message.TOT = "DNA"
    message[0]._2 = "0500"  # ANSI/NIST-ITL 1-2011
    message[0].DAT = "20261124"
    message[0].TCN = tcn
    for idc, loci in profiles.items():
        record = nistitl.AsciiRecord(18)
        record.IDC = idc
        str_field = nistitl.Field(18, 16)
        str_field.add_subfields(
            *(
                nistitl.SubField(["0", locus, "1" if alleles else "0", "", "", *alleles])
                for locus, alleles in loci.items()
            )
        )
        record += str_field
        message += record
    data: bytes = message.NIST
    return data


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "examples" / "dna.an2"
    out.write_bytes(transaction(PROFILES, "FR-LAB-2026-0042"))
    print(f"wrote {out}")
