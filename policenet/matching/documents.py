"""Document numbers as officers type them and as the hub compares them.

The number's recorded form and its key (O read as 0) are domain rules, in
``policenet.domain.document_numbers``, because the store files records under that key; they are
named here too for the callers that compare numbers. What matching adds is the explanation a
hit owes its reader: the hub says so on every hit where the two numbers differ only by O and 0,
instead of silently treating them as equal.
"""

from __future__ import annotations

from policenet.domain.document_numbers import comparison_key, normalise_number

__all__ = ["comparison_key", "differs_only_by_o_zero", "normalise_number"]


def differs_only_by_o_zero(recorded: str, asked: str) -> bool:
    """True when the numbers match only because the letter O was read as the digit 0."""
    return recorded != asked and comparison_key(recorded) == comparison_key(asked)
