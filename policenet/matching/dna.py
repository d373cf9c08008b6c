"""STR profile comparison, exactly as the field defines it.

- Prüm exchange rules: at least 6 fully designated loci in common; a full match when every
  compared allele is equal; a near match when exactly one allele differs. A wildcard (0, 1,
  99, any non-numeric value such as an off-ladder ``OL`` or ``>30``) matches any allele, and a
  locus with a third allele is a wildcard locus; loci holding a wildcard are compared but not
  counted as fully designated. Mixtures are not exchanged.
- CODIS stringencies: high (the same alleles, as many, at every compared locus), moderate
  (one profile's alleles a subset of the other's at every compared locus), low (at least one
  allele shared at every compared locus).
- Random match probability by NRC II (1996): 4.1 (product rule: p² for a homozygote, 2pq
  for a heterozygote) and 4.10 (with the coancestry coefficient θ), allele frequencies floored
  at 5/2N (NRC II's minimum allele frequency).
- Kinship likelihood ratios (parent/child, full siblings) from the IBD probabilities k0, k1,
  k2, without mutation.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from policenet.domain.dna import Relationship, Stringency

if TYPE_CHECKING:
    from collections.abc import Mapping

Genotypes = dict[str, tuple[str, ...]]

PRUM_MIN_LOCI = 6
_WILDCARD_CODES = frozenset({"0", "1", "99"})
_KINSHIP = {
    Relationship.PARENT_CHILD: (0.0, 1.0, 0.0),
    Relationship.FULL_SIBLINGS: (0.25, 0.5, 0.25),
}


def is_wildcard(allele: str) -> bool:
    """0, 1, 99 and every non-numeric designation match any allele."""
    if allele in _WILDCARD_CODES:
        return True
    whole, _, fraction = allele.partition(".")
    return not (whole.isdigit() and (not fraction or fraction.isdigit()))


def normalise(loci: Mapping[str, list[str] | tuple[str, ...]]) -> Genotypes:
    """Alleles sorted and without repeats (a homozygote written 12,12 is 12)."""
    return {
        locus: tuple(sorted(set(alleles), key=_allele_order)) for locus, alleles in loci.items()
    }


def _allele_order(allele: str) -> tuple[int, float, str]:
    return (0, float(allele), "") if not is_wildcard(allele) else (1, 0.0, allele)


def mixed(data: Mapping[str, object]) -> bool:
    """Whether a stored profile is a mixture: declared so, or shown so by its alleles."""
    return bool(data.get("mixture")) or bool(data.get("mixture_inferred"))


def is_mixture(loci: Genotypes, declared: bool) -> bool:
    """Declared a mixture, or more than three alleles at a locus, or three at two loci."""
    three = sum(1 for a in loci.values() if len(a) == 3)
    return declared or three >= 2 or any(len(a) > 3 for a in loci.values())


# --- Prüm ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrumResult:
    kind: str  # "full" or "near"
    designated: int  # fully designated loci compared
    compared: int  # every locus compared, wildcard loci included
    differing_locus: str | None


def _wild_locus(alleles: tuple[str, ...]) -> bool:
    return len(alleles) > 2 or any(is_wildcard(a) for a in alleles)


def _differences(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Alleles that differ between two single-source genotypes (0, 1 or 2)."""
    pa = a if len(a) == 2 else (a[0], a[0])
    pb = b if len(b) == 2 else (b[0], b[0])

    def d(x: str, y: str) -> int:
        return 0 if x == y or is_wildcard(x) or is_wildcard(y) else 1

    return min(d(pa[0], pb[0]) + d(pa[1], pb[1]), d(pa[0], pb[1]) + d(pa[1], pb[0]))


def prum(query: Genotypes, stored: Genotypes) -> PrumResult | None:
    """A Prüm full or near match, or None (no match, or fewer than 6 designated loci)."""
    designated = compared = differences = 0
    differing: str | None = None
    for locus in query.keys() & stored.keys():
        a, b = query[locus], stored[locus]
        compared += 1
        if _wild_locus(a) or _wild_locus(b):
            # A wildcard locus: the wildcard allele matches; the others must still agree.
            found = _differences(a[:2], b[:2]) if len(a) <= 2 and len(b) <= 2 else 0
        else:
            designated += 1
            found = _differences(a, b)
        if found:
            differences += found
            differing = locus
            if differences > 1:
                return None
    if designated < PRUM_MIN_LOCI:
        return None
    return PrumResult(
        "full" if differences == 0 else "near",
        designated,
        compared,
        differing if differences else None,
    )


def designated_loci(loci: Genotypes) -> int:
    return sum(1 for a in loci.values() if not _wild_locus(a))


# --- CODIS ---------------------------------------------------------------------------------


def _comparable(alleles: tuple[str, ...]) -> frozenset[str] | None:
    """The alleles compared at a locus; None if it holds a wildcard (not compared)."""
    if not alleles or any(is_wildcard(a) for a in alleles):
        return None
    return frozenset(alleles)


def codis(query: Genotypes, stored: Genotypes, stringency: Stringency) -> int | None:
    """How many loci were compared if the two profiles match at the stringency, else None."""
    compared = 0
    for locus in query.keys() & stored.keys():
        a, b = _comparable(query[locus]), _comparable(stored[locus])
        if a is None or b is None:
            continue
        compared += 1
        if stringency is Stringency.HIGH:
            ok = a == b
        elif stringency is Stringency.MODERATE:
            ok = a <= b or b <= a
        else:
            ok = bool(a & b)
        if not ok:
            return None
    return compared


# --- match probability ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frequencies:
    """Allele frequencies of one population: by locus, and the alleles counted at each."""

    population: str
    alleles: dict[str, dict[str, float]]
    counted: dict[str, int]

    def p(self, locus: str, allele: str) -> float | None:
        """The allele's frequency, floored at 5/2N (NRC II); None if the locus is not in
        the table."""
        if locus not in self.alleles:
            return None
        floor = 5 / self.counted[locus]
        return max(self.alleles[locus].get(allele, 0.0), floor)


@cache
def populations() -> dict[str, Frequencies]:
    """The allele frequency table shipped with the hub (NIST 1036, public domain)."""
    text = resources.files("policenet.matching").joinpath("data/nist1036_allele_counts.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    alleles: dict[str, dict[str, dict[str, float]]] = {}
    counted: dict[str, dict[str, int]] = {}
    for row in rows:
        population, locus = row["population"], row["locus"]
        alleles.setdefault(population, {}).setdefault(locus, {})[row["allele"]] = float(
            row["frequency"]
        )
        counted.setdefault(population, {})[locus] = int(row["n_alleles"])
    return {p: Frequencies(p, alleles[p], counted[p]) for p in sorted(alleles)}


def locus_probability(
    alleles: tuple[str, ...],
    locus: str,
    table: Frequencies,
    theta: float,
    *,
    conditional: bool = True,
) -> float | None:
    """The genotype's probability at one single-source locus: NRC II 4.10 (``conditional``)
    or 4.1 (p² + p(1-p)θ for a homozygote, 2pq for a heterozygote). None if it cannot be
    computed (a wildcard, more than two alleles, a locus the table lacks)."""
    if not 1 <= len(alleles) <= 2 or any(is_wildcard(a) for a in alleles):
        return None
    ps = [table.p(locus, a) for a in alleles]
    if any(p is None for p in ps):
        return None
    denominator = (1 + theta) * (1 + 2 * theta)
    if len(alleles) == 1:
        (p,) = ps
        assert p is not None  # noqa: S101 - checked above
        if not conditional:
            return p * p + p * (1 - p) * theta  # 4.1a
        return (2 * theta + (1 - theta) * p) * (3 * theta + (1 - theta) * p) / denominator
    p, q = ps
    assert p is not None and q is not None  # noqa: S101 - checked above
    if not conditional:
        return 2 * p * q  # 4.1b
    return 2 * (theta + (1 - theta) * p) * (theta + (1 - theta) * q) / denominator


@dataclass(frozen=True, slots=True)
class MatchProbability:
    population: str
    product_rule: float  # NRC II 4.1
    with_theta: float  # NRC II 4.10 (the conditional probability)
    loci: int  # loci that entered the product


def random_match_probability(loci: Genotypes, table: Frequencies, theta: float) -> MatchProbability:
    """The probability that an unrelated person of the population has this profile."""
    product = corrected = 1.0
    used = 0
    for locus, alleles in sorted(loci.items()):
        plain = locus_probability(alleles, locus, table, theta, conditional=False)
        with_theta = locus_probability(alleles, locus, table, theta)
        if plain is None or with_theta is None:
            continue
        product *= plain
        corrected *= with_theta
        used += 1
    return MatchProbability(table.population, product, corrected, used)


# --- kinship -------------------------------------------------------------------------------


def _given_one_ibd(
    g1: tuple[str, str], g2: tuple[str, str], locus: str, table: Frequencies
) -> float:
    """P(g2 | g1, one allele identical by descent): a random allele of g1 passed on, the
    other drawn from the population."""
    c, d = g2
    total = 0.0
    for x in g1:
        if c == d:
            total += 0.5 * (x == c) * (table.p(locus, c) or 0.0)
        else:
            total += 0.5 * (
                (x == c) * (table.p(locus, d) or 0.0) + (x == d) * (table.p(locus, c) or 0.0)
            )
    return total


def kinship_ratio(
    a: Genotypes, b: Genotypes, relationship: Relationship, table: Frequencies
) -> tuple[float, int]:
    """The likelihood ratio (related as said vs unrelated) over the loci both profiles hold,
    and how many loci entered it. Mutation is not modelled: a parent and child sharing no
    allele at a locus get a ratio of 0."""
    k0, k1, k2 = _KINSHIP[relationship]
    ratio = 1.0
    used = 0
    for locus in sorted(a.keys() & b.keys()):
        x, y = a[locus], b[locus]
        unrelated = locus_probability(y, locus, table, 0.0, conditional=False)
        if unrelated is None or locus_probability(x, locus, table, 0.0) is None:
            continue
        g1 = (x[0], x[-1])
        g2 = (y[0], y[-1])
        same = set(g1) == set(g2)
        ratio *= (
            k0
            + k1 * _given_one_ibd(g1, g2, locus, table) / unrelated
            + k2 * (1 / unrelated if same else 0.0)
        )
        used += 1
    return ratio, used


def log10(value: float) -> float | None:
    return None if value <= 0 else math.log10(value)
