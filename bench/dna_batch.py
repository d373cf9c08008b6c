"""A laboratory's batch of DNA profiles, one ANSI/NIST-ITL transaction of Type-18 records, read
as the import reads it: one record at a time from its file.

Builds transactions of 12-locus profiles with ``nistitl`` (not with policenet's writer), writes
each to a file, and measures reading every profile as an import row (``formats.rows``):
seconds, and the peak of the memory Python allocates meanwhile, against the file's size. The
baseline, in the same run: the same files read whole with ``nistitl``'s parser, as the import
did before, up to ``--whole-up-to`` profiles (it takes time that grows with the square of the
count).

    python bench/dna_batch.py [--profiles 1000,5000,50000] [--whole-up-to 5000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING

import nistitl

from policenet.domain.dna import ESS
from policenet.domain.records import Database
from policenet.formats import ansi_nist
from policenet.formats.ansi_nist import Type18Reading
from policenet.formats.rows import read_rows

if TYPE_CHECKING:
    from collections.abc import Callable


def batch(profiles: int) -> bytes:
    message = nistitl.Message()
    message[0].TCN = "BENCH-LAB"
    for idc in range(1, profiles + 1):
        record = nistitl.AsciiRecord(18)
        record.IDC = idc
        found = nistitl.Field(18, 16)
        found.add_subfields(
            *(
                nistitl.SubField(["0", locus, "1", "", "", str(9 + idc % 5), str(10 + idc % 7)])
                for locus in ESS  # the European Standard Set, 12 loci
            )
        )
        record += found
        message += record
    data: bytes = message.NIST
    return data


def measured(read: Callable[[], int]) -> tuple[int, float, int]:
    """(rows, seconds, peak bytes allocated): timed in one pass, its memory traced in a
    second (tracing slows every allocation)."""
    started = time.perf_counter()
    rows = read()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    read()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", default="1000,5000,50000")
    parser.add_argument("--whole-up-to", type=int, default=5000)
    args = parser.parse_args()
    reading = Type18Reading("reference")
    print(
        "| profiles | file MB | a record at a time: s | peak MB | "
        "read whole (nistitl): s | peak MB | time ratio | memory ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for count in (int(n) for n in args.profiles.split(",")):
            path = Path(folder) / f"batch-{count}.an2"
            path.write_bytes(batch(count))
            size = path.stat().st_size

            def streamed(p: Path = path) -> int:
                return sum(1 for _ in read_rows(p, "nist", Database.DNA, nist=reading))

            def whole(p: Path = path) -> int:
                return len(ansi_nist.parse(p.read_bytes()))

            rows, seconds, peak = measured(streamed)
            assert rows == count, rows
            line = f"| {count:,} | {size / 1e6:.1f} | {seconds:.2f} | {peak / 1e6:.1f} |"
            if count <= args.whole_up_to:
                records, whole_seconds, whole_peak = measured(whole)
                assert records == count + 1, records
                line += f" {whole_seconds:.2f} | {whole_peak / 1e6:.1f} | "
                line += f"{seconds / whole_seconds:.3f}x | {peak / whole_peak:.3f}x |"
            else:
                line += " (not run) | | | |"
            print(line, flush=True)


if __name__ == "__main__":
    main()
