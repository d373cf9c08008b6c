"""Build the name-part variant table shipped in ``policenet/matching/data/``.

Source: rigour 1.8.2 (OpenSanctions, MIT), ``persons.txt``: Wikidata name-part groups, under
``../shared/data/names/rigour_persons/``. Kept: groups with a Latin form and a form in one of
the scripts the benchmark measures (Han, kana, Hangul, Arabic, Hebrew, Cyrillic, Greek,
Devanagari), so that "泽连斯基" can meet "Zelensky" and Βικτωρία is known as another name than
Viktoras. Cyrillic, Greek and Devanagari were once left out as scripts that transliterate well,
but on the benchmark's dev pairs the table lifts their F1 from 0.963, 0.926 and 0.904 to 1.000,
0.978 and 0.984: letter-by-letter transliteration cannot tell Anupama from Nirupama, nor
spell the Hindi schwa the way each Latin spelling does. (Those pairs are built from the same
groups, so the gain is for names Wikidata knows; the held-out pairs scored without their
groups do not move.) One line per group: its forms and their Latin forms (anyascii, as
``policenet.matching.names.latin`` makes them), separated by ", ", gzip-compressed.

Usage: python scripts/build_name_variants.py [--exclude-forms FILE] [OUT]
(``--exclude-forms`` leaves out every group holding one of the words of FILE, or their Latin
forms: the benchmark's held-out names.)
"""

from __future__ import annotations

import argparse
import csv
import gzip
from pathlib import Path

from policenet.matching.names import latin

SOURCE = Path(__file__).resolve().parents[1].parent / "shared/data/names/rigour_persons"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "policenet/matching/data/name_variants.txt.gz"
SCRIPTS = {
    "Han",
    "Katakana",
    "Hiragana",
    "Hangul",
    "Arabic",
    "Hebrew",
    "Han+Kana",
    "Cyrillic",
    "Greek",
    "Devanagari",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--exclude-forms", type=Path)
    args = parser.parse_args()
    excluded: set[str] = set()
    if args.exclude_forms is not None:
        words = args.exclude_forms.read_text("utf-8").split()
        excluded = set(words) | {latin(word) for word in words}
    lines = []
    with (SOURCE / "persons_name_variant_groups.tsv").open(encoding="utf-8") as source:
        rows = csv.reader(source, delimiter="\t")
        next(rows)
        for _group_id, forms, _count, scripts in rows:
            kinds = set(scripts.split("|"))
            if "Latin" not in kinds or not kinds & SCRIPTS:
                continue
            written = forms.split(", ")
            latin_forms = sorted({latin(form) for form in written} - set(written) - {""})
            if excluded and not excluded.isdisjoint(written + latin_forms):
                continue
            lines.append(", ".join(written + latin_forms))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("\n".join(lines) + "\n")
    print(f"{len(lines)} groups written to {args.out}")


if __name__ == "__main__":
    main()
