"""How the DNA profiles of an ANSI/NIST-ITL transaction are read for an import: as the kind
of profile that its Type-18 records do not say in policenet's terms, with the laboratory's own
locus numbers.

The command line takes both as options; the import reads the transaction as they say, and
counts its profiles beforehand for its progress (``announced_profiles``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policenet.formats.ansi_nist import Type18Reading, announced_profiles, load_locus_numbers

if TYPE_CHECKING:
    from policenet.domain.dna import ProfileKind

__all__ = ["Type18Reading", "announced_profiles", "type18_reading"]


def type18_reading(kind: ProfileKind, locus_table: str | None) -> Type18Reading:
    """Every Type-18 record read as a ``kind`` profile, its loci numbered as ``locus_table``
    says (``NUMBER,LOCUS`` lines; a bad line is refused as ``locus_table_invalid``)."""
    numbers = {} if locus_table is None else load_locus_numbers(locus_table)
    return Type18Reading(kind.value, numbers)
