"""Person names as the matcher sees them: parts in Latin letters, with the keys that compare them.

A name in any script is split into parts, cleared of honorifics and particles, put in
given-then-family order when a comma says which part is the family name, and transliterated
with anyascii. Each part carries the keys that let two spellings meet: its Latin form, a
consonant skeleton (what abjads such as Arabic and Hebrew write, and what survives most
transliteration systems), and a phonetic key (jellyfish's metaphone).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import jellyfish
from anyascii import anyascii

if TYPE_CHECKING:
    from collections.abc import Container

    from policenet.matching.name_variants import NameVariants

HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof sir dame sheikh shaikh sheik cheikh haji hajji hadji mme mlle "
    "herr frau sr sra srta rev fr gen col maj capt cpt lt sgt imam mullah sayyid sayed president "
    "präsident minister senator judge hon lord lady".split()
)
PARTICLES = frozenset(
    "al el ul bin ibn ben bint abu van der den de la le du da di dos das del della von zu ter "
    "ten بن بنت ابن בן בת".split()
)
# Scripts whose native names are written without spaces, family name first (Chinese, Korean).
_EAST_ASIAN = ("CJK", "HANGUL")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u00b7\u30fb\u318d./_,;:()\[\]\"]+")
_NOT_LETTER = re.compile(r"[^a-z0-9]")
_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")
# Sounds that transliteration systems write differently, one letter each in the keys below.
_MERGED_SOUNDS = {
    "c": "k",
    "q": "k",
    "g": "k",
    "z": "s",
    "j": "s",
    "x": "s",
    "w": "",
    "h": "",
    "r": "l",
    "p": "b",
    "t": "d",
}
_SKELETON_MAP = str.maketrans({**_MERGED_SOUNDS, "v": ""})


@lru_cache(maxsize=200_000)
def script_of(text: str) -> str:
    """The dominant script of a text, by the Unicode names of its letters (LATIN, CYRILLIC, ...)."""
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            script = name.split(" ")[0] if name else "OTHER"
            if script in ("HIRAGANA", "KATAKANA"):
                script = "KANA"
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda s: counts[s]) if counts else "NONE"


# Letter pairs that anyascii spells letter by letter but that stand for one sound in names:
# modern Greek writes b, d, g and u with two letters; Hebrew marks j, ch and zh with a geresh,
# and writes o/u with vav and i with yod.
_GREEK_PAIRS = (
    ("ου", "u"),
    ("μπ", "b"),
    ("ντ", "d"),
    ("γκ", "g"),
    ("γγ", "ng"),
    ("τζ", "j"),
    ("αι", "e"),
    ("ει", "i"),
    ("οι", "i"),
)
_HEBREW_PAIRS = (("ג'", "j"), ("צ'", "ch"), ("ז'", "zh"), ("וו", "v"), ("ב", "b"))
_HEBREW_LETTERS = re.compile("[\u0590-\u05ff]")
_GREEK_LETTERS = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")


def _hebrew(token: str) -> str:
    for pair, sound in _HEBREW_PAIRS:
        token = token.replace(pair, sound)
    head, tail = token[:1], token[1:]
    tail = tail.replace("ו", "o").replace("י", "i")
    if tail.endswith("ה"):
        tail = tail[:-1] + "a"
    return head + tail


_DEVANAGARI_LETTERS = re.compile("[\u0900-\u097f]")


def _is_devanagari_consonant(char: str) -> bool:
    return "\u0915" <= char <= "\u0939" or "\u0958" <= char <= "\u095f"


def _devanagari(token: str) -> str:
    """Devanagari with its inherent vowel written out (दमयंती → damayanti), which anyascii
    leaves out, and without it at the end of the word, as Hindi names are spoken."""
    out: list[str] = []
    for i, char in enumerate(token):
        if char in "\u0901\u0902":  # candrabindu, anusvara: a nasal
            out.append("n")
            continue
        if char == "\u093c":  # nukta
            continue
        out.append("sh" if char in "शष" else anyascii(char))
        if _is_devanagari_consonant(char):
            following = token[i + 1 : i + 2]
            if following == "\u093c":
                following = token[i + 2 : i + 3]
            carries_vowel = following and not ("\u093e" <= following <= "\u094d")
            if carries_vowel and not following.isspace():
                out.append("a")
    return "".join(out)


def _greek(token: str) -> str:
    token = unicodedata.normalize("NFD", token)
    # Accents go, but a diaeresis says the two vowels are two sounds (Ταΐρ is Tair).
    token = "".join(c for c in token if c == "\u0308" or not unicodedata.combining(c))
    for pair, sound in _GREEK_PAIRS:
        token = re.sub(pair + "(?!\u0308)", sound, token)
    return token.replace("\u0308", "")


@lru_cache(maxsize=200_000)
def latin(token: str) -> str:
    """A part in lower-case ASCII letters and digits."""
    token = token.casefold().replace("’", "'").replace("\u05f3", "'")
    token = token.replace("ذ", "z")  # Arabic dhal: z in most Latin spellings of names
    if _HEBREW_LETTERS.search(token):
        token = _hebrew(token)
    elif _GREEK_LETTERS.search(token):
        token = _greek(token)
    elif _DEVANAGARI_LETTERS.search(token):
        token = _devanagari(token)
    return _NOT_LETTER.sub("", anyascii(token).lower())


# Scripts that write a foreign name's sounds loosely: abjads leave out vowels and write some
# of them as consonants (Arabic waw and ya, Hebrew vav and yod); Korean and Japanese add
# vowels and write f as p, v as b, l as r. Across them, only the consonants compare.
_SYLLABIC_MAP = str.maketrans({**_MERGED_SOUNDS, "v": "b", "f": "b"})
_ABJAD_MAP = str.maketrans({**_MERGED_SOUNDS, "v": "b", "f": "b", "y": ""})
# Chinese renders foreign names with syllables whose pinyin spells k and g sounds as j, q
# (基 ji for "ky"), s sounds as x, c, z.
_PINYIN_MAP = str.maketrans({**_MERGED_SOUNDS, "v": "b", "f": "b", "y": "", "c": "s", "j": "k"})
_LOOSE_SCRIPTS = {
    "ARABIC": _ABJAD_MAP,
    "HEBREW": _ABJAD_MAP,
    "HANGUL": _SYLLABIC_MAP,
    "CJK": _PINYIN_MAP,
    "KATAKANA": _SYLLABIC_MAP,
    "HIRAGANA": _SYLLABIC_MAP,
}


@lru_cache(maxsize=200_000)
def loose_script(native: str) -> str | None:
    """The script of a part if it is one that writes foreign sounds loosely, else None."""
    for char in native:
        if char.isalpha():
            name = unicodedata.name(char, "").split(" ")[0]
            return name if name in _LOOSE_SCRIPTS else None
    return None


# English and other Latin spellings of one sound, undone before the consonants are compared.
_SPELLINGS = (
    (re.compile("sch"), "sh"),
    (re.compile("c(?=[eiy])"), "s"),
    (re.compile("gh"), ""),
    (re.compile("ph"), "f"),
    (re.compile("ck"), "k"),
    (re.compile("th"), "t"),
)


@lru_cache(maxsize=200_000)
def consonants(form: str, script: str) -> str:
    """The consonants of a Latin form as a loosely writing script keeps them."""
    for pattern, sound in _SPELLINGS:
        form = pattern.sub(sound, form)
    return _REPEATS.sub(r"\1", _VOWELS.sub("", form).translate(_LOOSE_SCRIPTS[script]))


@lru_cache(maxsize=200_000)
def skeleton(form: str) -> str:
    """The consonants of a Latin form, with sounds that systems spell differently merged."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", form).translate(_SKELETON_MAP))


@lru_cache(maxsize=200_000)
def phonetic(form: str) -> str:
    """jellyfish's metaphone of a Latin form ('' for digits-only forms)."""
    return jellyfish.metaphone(form) if form.isalpha() else ""


@dataclass(frozen=True, slots=True)
class NamePart:
    """One part of a name: its native text, Latin form, keys, and whether it is the family name."""

    native: str
    form: str
    skeleton: str
    phonetic: str
    family: bool
    groups: frozenset[int] = frozenset()
    # The part as written before an Arabic article was taken off (الياس is Elias, not Yas).
    alternate: NamePart | None = None

    @property
    def is_initial(self) -> bool:
        """A single Latin letter as written ("J."), not a short word another script spells
        with one Latin letter (علا, Ola, is "l")."""
        return len(self.native) == 1 and self.native.isascii()


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A whole name: its parts in given-then-family order, and the script it was written in."""

    text: str
    script: str
    parts: tuple[NamePart, ...]

    @property
    def joined(self) -> str:
        """The Latin forms run together, for names whose spacing differs (Jong-un / Jongun)."""
        return "".join(part.form for part in self.parts)


def _has_article(token: str, known: Container[str]) -> bool:
    """The Arabic article written onto a word (الحسن), which Latin spellings mostly drop; not in
    a word the variant table knows whole, nor in a compound (علاءالدين)."""
    return token.startswith("ال") and len(token) > 4 and token not in known


def _east_asian_split(token: str, known: Container[str]) -> list[str]:
    """A Chinese or Korean name written as one word of two or three characters: family name
    first, then the given name. A word the variant table knows whole (泽连斯基) stays whole."""
    if 2 <= len(token) <= 3 and token not in known:
        return [token[0], token[1:]]
    return [token]


@lru_cache(maxsize=200_000)
def _part(native: str, family: bool, variants: NameVariants | None) -> NamePart | None:
    """One part with its keys, shared by every name that holds it: a cache miss of
    ``parse_name`` (a record scored for the first time) then makes two new objects rather
    than a dozen, which keeps the garbage collector's young generation, and its pauses, small
    while the parse cache turns over."""
    form = latin(native)
    if not form:
        return None
    if form.startswith("mc") and len(form) > 3:
        form = "mac" + form[2:]
    groups = frozenset() if variants is None else variants.groups(native, form)
    return NamePart(native, form, skeleton(form), phonetic(form), family, groups)


# "Abd al-Rahman", "عبد الله": the servant-of prefix and the name it governs are one name.
# So are a name and the "of God", "of the faith" that follows it (فتح الله, علاء الدين).
_COMPOUND_HEADS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "bd"})
_COMPOUND_TAILS = frozenset({"الله", "الدين", "ullah", "allah", "uddin", "uldin", "eddin", "addin"})


def _join_compounds(words: list[tuple[str, bool, str]]) -> list[tuple[str, bool, str]]:
    """Join each compound within the given names or within the family names, never across."""
    joined: list[tuple[str, bool, str]] = []
    for word in words:
        same_side = bool(joined) and joined[-1][1] == word[1]
        if same_side and (joined[-1][2] in _COMPOUND_HEADS or word[0] in _COMPOUND_TAILS):
            token, family, form = joined.pop()
            word = (token + word[0], family or word[1], form + word[2])
        joined.append(word)
    return joined


_HYPHENATED = re.compile(r"(\w+)-(?=\w)(\w+)")
# Longer input is not one person's name; the cap bounds the work of comparing (parts times parts).
MAX_LENGTH = 300
MAX_PARTS = 12


def _join_hyphenated(found: re.Match[str]) -> str:
    """A romanised East Asian given name (Jong-un, Hong-keun: the syllable after the hyphen
    in lower case) is one name; Smith-Jones, García-Márquez and al-Bashir are two words."""
    head, tail = found.group(1), found.group(2)
    if tail[:1].islower() and head.casefold() not in PARTICLES:
        return head + tail
    return f"{head} {tail}"


@lru_cache(maxsize=100_000)
def parse_name(text: str, variants: NameVariants | None = None) -> ParsedName:
    """Parse a name as written anywhere: "SMITH, John", "Dr. Juan de la Cruz", "김정은".

    With a variant table, each part carries its groups, and a word the table knows whole is
    never split. At most MAX_PARTS parts are kept: longer input is not a person's name."""
    joined = _HYPHENATED.sub(_join_hyphenated, unicodedata.normalize("NFKC", text[:MAX_LENGTH]))
    cleaned = joined.casefold()
    script = script_of(cleaned)
    family_text, comma, given_text = cleaned.partition(",")
    if not comma:
        family_text, given_text = "", cleaned
    tokens: list[tuple[str, bool]] = []
    for chunk, family in ((given_text, False), (family_text, True)):
        tokens.extend((raw, family) for raw in _SEPARATORS.split(chunk) if raw)
    known: Container[str] = frozenset() if variants is None else variants
    if len(tokens) == 1 and script in _EAST_ASIAN:
        token, family = tokens[0]
        tokens = [(piece, family) for piece in _east_asian_split(token, known)]
    words = [(token, family, latin(token)) for token, family in tokens[:MAX_PARTS]]
    # Honorifics and particles are words of their own languages: "mrs" is a title in English,
    # but מרס (Mars) is a name.
    kept = [w for w in words if w[0] not in HONORIFICS] or words
    # A particle opens no name: "Ben Weber" and "Van Morrison" are given names.
    without_particles = kept[:1] + [w for w in kept[1:] if w[0] not in PARTICLES]
    kept = _join_compounds(without_particles or kept)
    single = len(kept) == 1 and script in _EAST_ASIAN
    parts: list[NamePart] = []
    for token, family, _ in kept:
        if script == "ARABIC" and _has_article(token, known):
            whole = _part(token, family, variants)
            part = _part(token[2:], family, variants)
            if part is not None:
                part = replace(part, alternate=whole)
        else:
            part = _part(token, family or single, variants)
        if part is not None:
            parts.append(part)
    return ParsedName(text=text, script=script, parts=tuple(parts))
