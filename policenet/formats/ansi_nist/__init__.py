"""ANSI/NIST-ITL 1-2011 transactions, read with ``nistitl``: the DNA profiles of Type-18
records, the fingerprint images of Type-4 and Type-14 records and the minutiae of Type-9
records.

``transaction`` reads whole transactions and writes them back byte for byte; ``stream`` reads
one from a file a record at a time; ``dna`` reads Type-18 profiles as import rows, that way;
``images`` reads and writes finger images; ``minutiae`` reads and writes Type-9 records in the
INCITS 378 block. Every name is re-exported here, so callers import ``policenet.formats.ansi_nist``.
"""

from policenet.formats.ansi_nist.dna import (
    AL1,
    ALL,
    AMELOGENIN,
    DLR,
    DNA_RECORD,
    STR_FIELD,
    TCN_FIELD,
    Type18Reading,
    announced_profiles,
    dna_rows,
    load_locus_numbers,
)
from policenet.formats.ansi_nist.images import (
    MINIMUM_SCANNING_PPI,
    TransactionFinger,
    card_row,
    finger_images,
    image_record,
    legacy_image_record,
)
from policenet.formats.ansi_nist.minutiae import (
    CBEFF_INCITS_378,
    INCITS_BLOCK,
    MAX_ANGLE_UNITS,
    MINUTIAE_RECORD,
    minutiae_record,
    type9_templates,
)
from policenet.formats.ansi_nist.stream import announced
from policenet.formats.ansi_nist.transaction import (
    CNT_FIELD,
    FS,
    GS,
    MEDIA_TYPE,
    RS,
    TYPE4_HEADER,
    US,
    VERSION,
    BinaryRecord,
    Items,
    MalformedTransaction,
    Record,
    TaggedRecord,
    Transaction,
    Type4Record,
    Value,
    descriptive_text,
    new_transaction,
    parse,
    read,
    write,
)

__all__ = [
    "AL1",
    "ALL",
    "AMELOGENIN",
    "CBEFF_INCITS_378",
    "CNT_FIELD",
    "DLR",
    "DNA_RECORD",
    "FS",
    "GS",
    "INCITS_BLOCK",
    "MAX_ANGLE_UNITS",
    "MEDIA_TYPE",
    "MINIMUM_SCANNING_PPI",
    "MINUTIAE_RECORD",
    "RS",
    "STR_FIELD",
    "TCN_FIELD",
    "TYPE4_HEADER",
    "US",
    "VERSION",
    "BinaryRecord",
    "Items",
    "MalformedTransaction",
    "Record",
    "TaggedRecord",
    "Transaction",
    "TransactionFinger",
    "Type4Record",
    "Type18Reading",
    "Value",
    "announced",
    "announced_profiles",
    "card_row",
    "descriptive_text",
    "dna_rows",
    "finger_images",
    "image_record",
    "legacy_image_record",
    "load_locus_numbers",
    "minutiae_record",
    "new_transaction",
    "parse",
    "read",
    "type9_templates",
    "write",
]
