"""Build the labelled person-name pairs of ``bench/names/pairs.tsv`` from ../shared/data/names.

Sources (see ATTRIBUTION.md beside this file): rigour's Wikidata name-part groups (MIT),
NETransliteration-COLING2018 full names English-Hebrew and English-Korean (CC0),
google/transliteration Arabic-English name words (Apache-2.0), and popular names by country
(CC0). Reproducible: a fixed seed, sources read in file order.

Each pair is labelled 1 (the same person, written another way) or 0 (another person, chosen to
be hard: same family name, same given name and birth year, or names that transliterate alike).
A fifth is held out ("test"): the rigour pairs that use one of a fifth of the name groups
(chosen by a hash of the group id, so that no held-out group appears in a tuning pair), and a
fifth of the other pairs by a hash of their content. Every word of the held-out pairs is
written to heldout_forms.txt; evaluate.py scores them with a variant table rebuilt without any
group holding one of those words.

Usage: python bench/names/build_pairs.py
"""

from __future__ import annotations

import csv
import hashlib
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import JaroWinkler

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2] / "shared/data/names"
SEED = 9303
SCRIPTS = {
    "Cyrillic": "Cyrillic",
    "Greek": "Greek",
    "Arabic": "Arabic",
    "Hebrew": "Hebrew",
    "Han": "Han",
    "Katakana": "Kana",
    "Hangul": "Hangul",
    "Devanagari": "Devanagari",
}
PER_SCRIPT = 130
FIELDS = [
    "id",
    "split",
    "script",
    "source",
    "kind",
    "label",
    "query",
    "query_birth",
    "record",
    "record_birth",
    "groups",
]


@dataclass
class Pair:
    script: str
    source: str
    kind: str
    label: int
    query: str
    record: str
    query_birth: str = ""
    record_birth: str = ""
    groups: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    latin: tuple[str, ...]
    native: dict[str, tuple[str, ...]]


def read_groups() -> list[Group]:
    groups = []
    path = DATA / "rigour_persons/persons_name_variant_groups.tsv"
    with path.open(encoding="utf-8") as source:
        rows = csv.reader(source, delimiter="\t")
        next(rows)
        for group_id, forms, _count, _scripts in rows:
            latin: list[str] = []
            native: dict[str, list[str]] = defaultdict(list)
            for form in forms.split(", "):
                script = dominant_script(form)
                if script == "Latin":
                    if form.isascii() and form.isalpha() and len(form) > 2:
                        latin.append(form)
                elif script in SCRIPTS:
                    native[script].append(form)
            if latin and native:
                groups.append(
                    Group(group_id, tuple(latin), {k: tuple(v) for k, v in native.items()})
                )
    return groups


def dominant_script(text: str) -> str:
    counts: dict[str, int] = defaultdict(int)
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "OTHER")
            word = name.split(" ")[0]
            script = {
                "LATIN": "Latin",
                "CYRILLIC": "Cyrillic",
                "GREEK": "Greek",
                "ARABIC": "Arabic",
                "HEBREW": "Hebrew",
                "CJK": "Han",
                "KATAKANA": "Katakana",
                "HIRAGANA": "Hiragana",
                "HANGUL": "Hangul",
                "DEVANAGARI": "Devanagari",
            }
            counts[script.get(word, "Other")] += 1
    return max(counts, key=lambda s: counts[s]) if counts else "None"


def title(form: str) -> str:
    return form[:1].upper() + form[1:]


def rigour_pairs(rng: random.Random, groups: list[Group]) -> list[Pair]:
    """Full names built from two name-part groups, Latin against a native script."""
    pairs: list[Pair] = []
    by_script: dict[str, list[Group]] = defaultdict(list)
    for group in groups:
        for script in group.native:
            by_script[script].append(group)
    for script, label in SCRIPTS.items():
        pool = by_script[script]
        latin_index = [(g.latin[0], g) for g in pool]
        for _ in range(PER_SCRIPT):
            given, family, other = rng.sample(pool, 3)
            query = f"{title(rng.choice(given.latin))} {title(rng.choice(family.latin))}"
            native = f"{rng.choice(given.native[script])} {rng.choice(family.native[script])}"
            ids = f"{given.id} {family.id}"
            pairs.append(Pair(label, "rigour", "cross_script", 1, query, native, groups=ids))
            other_native = f"{rng.choice(other.native[script])} {rng.choice(family.native[script])}"
            pairs.append(
                Pair(
                    label,
                    "rigour",
                    "same_family_other_given",
                    0,
                    query,
                    other_native,
                    groups=f"{ids} {other.id}",
                )
            )
            look_alike = _look_alike(rng, latin_index, given)
            if look_alike is not None:
                alike_native = (
                    f"{rng.choice(look_alike.native[script])} {rng.choice(family.native[script])}"
                )
                pairs.append(
                    Pair(
                        label,
                        "rigour",
                        "transliterates_alike",
                        0,
                        query,
                        alike_native,
                        groups=f"{ids} {look_alike.id}",
                    )
                )
    return pairs


def _look_alike(rng: random.Random, index: list[tuple[str, Group]], group: Group) -> Group | None:
    """Another name group whose Latin spelling is close to this one's (Jan / Jana, Ali / Alia)."""
    target = group.latin[0]
    for _ in range(400):
        form, candidate = rng.choice(index)
        if (
            candidate.id != group.id
            and form not in group.latin
            and (JaroWinkler.normalized_similarity(form, target) >= 0.85)
        ):
            return candidate
    return None


def fullname_pairs(rng: random.Random, file: str, column: str, label: str) -> list[Pair]:
    """Real people's full names, English against Hebrew or Korean."""
    with (DATA / "netransliteration_coling2018" / file).open(encoding="utf-8") as source:
        rows = [
            r
            for r in csv.DictReader(source, delimiter="\t")
            if 2 <= len(r["english_name"].split()) <= 3
            and not any(c.isdigit() for c in r["english_name"])
            and " of " not in r["english_name"]
        ]
    by_given: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_given[row["english_name"].split()[0]].append(row)
    pairs: list[Pair] = []
    for row in rng.sample(rows, PER_SCRIPT):
        pairs.append(
            Pair(label, file.split(".")[0], "real_person", 1, row["english_name"], row[column])
        )
        namesakes = [
            r
            for r in by_given[row["english_name"].split()[0]]
            if r["english_name"] != row["english_name"]
        ]
        if namesakes:
            other = rng.choice(namesakes)
            pairs.append(
                Pair(
                    label,
                    file.split(".")[0],
                    "same_given_other_person",
                    0,
                    row["english_name"],
                    other[column],
                )
            )
    return pairs


def arabic_pairs(rng: random.Random) -> list[Pair]:
    """Two Arabic name words against their English spellings (a given and a family name)."""
    with (DATA / "google_transliteration_ar2en/ar2en.tsv").open(encoding="utf-8") as source:
        rows = [
            r
            for r in csv.DictReader(source, delimiter="\t")
            if len(r["english"]) > 2 and r["english"].isalpha()
        ]
    pairs: list[Pair] = []
    for _ in range(PER_SCRIPT):
        given, family, other = rng.sample(rows, 3)
        query = f"{title(given['english'])} {title(family['english'])}"
        pairs.append(
            Pair("Arabic", "ar2en", "real_words", 1, query, f"{given['arabic']} {family['arabic']}")
        )
        pairs.append(
            Pair(
                "Arabic",
                "ar2en",
                "same_family_other_given",
                0,
                query,
                f"{other['arabic']} {family['arabic']}",
            )
        )
    return pairs


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word))
    kind = rng.choice(["swap", "drop", "double", "ocr"])
    if kind == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "ocr":
        table = {"o": "0", "l": "1", "i": "l", "e": "c", "m": "rn", "n": "m", "a": "o"}
        return word[:i] + table.get(word[i], word[i]) + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def latin_pairs(rng: random.Random) -> list[Pair]:
    """Latin-script variants of popular names, and people who only share part of a name."""

    def read(file: str) -> list[tuple[str, str]]:
        with (DATA / "sigpwned_popular_names" / file).open(encoding="utf-8") as source:
            return [
                (r["Localized Name"], r["Romanized Name"])
                for r in csv.DictReader(source)
                if r["Romanized Name"].isalpha() and len(r["Romanized Name"]) > 2
            ]

    given, family = read("common-forenames-by-country.csv"), read("common-surnames-by-country.csv")
    pairs: list[Pair] = []
    honorifics = ["Dr.", "Mr.", "Sheikh", "Mrs.", "Prof."]
    for _ in range(PER_SCRIPT * 2):
        (g_local, g), (f_local, f), (_, g2), (_, f2), (_, middle) = (
            rng.choice(given),
            rng.choice(family),
            rng.choice(given),
            rng.choice(family),
            rng.choice(given),
        )
        year, month, day = rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28)
        birth = f"{year:04d}-{month:02d}-{day:02d}"
        name = f"{g} {f}"
        variants = {
            "typo": (f"{_typo(rng, g)} {f}", birth),
            "comma_order": (f"{f.upper()}, {g}", birth),
            "swapped": (f"{f} {g}", birth),
            "initial": (f"{g[0]}. {f}", birth),
            "honorific": (f"{rng.choice(honorifics)} {g} {f}", birth),
            "middle_name": (f"{g} {middle} {f}", birth),
            "two_surnames": (f"{g} {f} {f2}", birth),
            "diacritics": (
                f"{g_local} {f_local}"
                if g_local.isascii() is False and dominant_script(g_local + f_local) == "Latin"
                else f"{g} {_typo(rng, f)}",
                birth,
            ),
            "birth_year_only": (name, f"{year:04d}"),
            "day_month_swapped": (
                name,
                f"{year:04d}-{day:02d}-{month:02d}" if day <= 12 else birth,
            ),
            "birth_digit_off": (
                name,
                f"{year + 1 if year % 10 != 9 else year - 1:04d}-{month:02d}-{day:02d}",
            ),
        }
        kind = rng.choice(list(variants))
        record, record_birth = variants[kind]
        pairs.append(Pair("Latin", "popular_names", kind, 1, name, record, birth, record_birth))
        negative = rng.choice(
            ["same_family_other_given", "same_given_same_year", "other_birth_date"]
        )
        if negative == "same_family_other_given" and g2 != g:
            pairs.append(Pair("Latin", "popular_names", negative, 0, name, f"{g2} {f}", birth, ""))
        elif negative == "same_given_same_year" and f2 != f:
            pairs.append(
                Pair("Latin", "popular_names", negative, 0, name, f"{g} {f2}", birth, f"{year:04d}")
            )
        elif negative == "other_birth_date":
            other_year = year + rng.choice([-30, -20, 20, 25])
            pairs.append(
                Pair(
                    "Latin",
                    "popular_names",
                    negative,
                    0,
                    name,
                    name,
                    birth,
                    f"{other_year:04d}-{(month % 12) + 1:02d}-{day:02d}",
                )
            )
    return pairs


def held_out(key: str) -> bool:
    """One key in five, by hash: reproducible, and the same for a group wherever it appears."""
    return hashlib.sha256(key.encode()).digest()[0] < 52


def main() -> None:
    rng = random.Random(SEED)
    pairs = rigour_pairs(rng, read_groups())
    pairs += fullname_pairs(rng, "fullnames_en_he.tsv", "he_name", "Hebrew")
    pairs += fullname_pairs(rng, "fullnames_en_ko.tsv", "ko_name", "Hangul")
    pairs += arabic_pairs(rng)
    pairs += latin_pairs(rng)
    seen: set[tuple[str, str, str, str]] = set()
    out = HERE / "pairs.tsv"
    held_out_words: set[str] = set()
    with out.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, delimiter="\t", lineterminator="\n")
        writer.writerow(FIELDS)
        number = 0
        for pair in pairs:
            key = (pair.query, pair.query_birth, pair.record, pair.record_birth)
            if key in seen:
                continue
            seen.add(key)
            number += 1
            if pair.groups:
                held = any(held_out(group) for group in pair.groups.split())
            else:
                held = held_out("|".join(key))
            split = "test" if held else "dev"
            if held:
                held_out_words.update(f"{pair.query} {pair.record}".casefold().split())
            writer.writerow(
                [
                    number,
                    split,
                    pair.script,
                    pair.source,
                    pair.kind,
                    pair.label,
                    pair.query,
                    pair.query_birth,
                    pair.record,
                    pair.record_birth,
                    pair.groups,
                ]
            )
    (HERE / "heldout_forms.txt").write_text("\n".join(sorted(held_out_words)) + "\n", "utf-8")
    print(f"{number} pairs written to {out}")


if __name__ == "__main__":
    main()
