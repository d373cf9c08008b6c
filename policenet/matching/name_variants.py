"""Which name parts are spellings of the same name across scripts (Zelensky, Зеленський, 泽连斯基).

Shipped table (``data/name_variants.txt.gz``, derived from rigour's Wikidata name groups, MIT):
one group per line. Forms are looked up as written (lower-case) and as their Latin form, so a
Latin spelling finds the group of a Han, kana, Hangul, Arabic, Hebrew, Cyrillic, Greek or
Devanagari one.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

NO_GROUPS: frozenset[int] = frozenset()


class NameVariants:
    """Form → ids of the groups it belongs to (an int for most forms, a tuple for the rest:
    half a million forms stay within a few tens of megabytes)."""

    def __init__(self, groups: list[list[str]]) -> None:
        index: dict[str, int | tuple[int, ...]] = {}
        for number, forms in enumerate(groups):
            for form in forms:
                found = index.get(form)
                if found is None:
                    index[form] = number
                elif isinstance(found, int):
                    if found != number:
                        index[form] = (found, number)
                elif number not in found:
                    index[form] = (*found, number)
        self._index = index

    @classmethod
    def from_file(cls, path: Path) -> NameVariants:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            return cls([line.rstrip("\n").split(", ") for line in lines if line.strip()])

    def _lookup(self, key: str) -> frozenset[int]:
        found = self._index.get(key)
        if found is None:
            return NO_GROUPS
        return frozenset((found,)) if isinstance(found, int) else frozenset(found)

    def groups(self, native: str, form: str) -> frozenset[int]:
        """The groups of a part, by its native text (lower-case) or its Latin form."""
        return self._lookup(native.casefold()) | self._lookup(form)

    def __contains__(self, native: object) -> bool:
        return isinstance(native, str) and native.casefold() in self._index

    def __len__(self) -> int:
        return len(self._index)


@cache
def shipped_variants() -> NameVariants:
    """The table that ships with policenet (loaded once, on first use: about 590,000 forms)."""
    data = resources.files("policenet.matching").joinpath("data/name_variants.txt.gz")
    with resources.as_file(data) as path:
        return NameVariants.from_file(path)
