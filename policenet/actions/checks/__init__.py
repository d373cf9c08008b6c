"""The one check: every database the caller may see, asked at once. Every check is audited, hit
or no hit, and every hit is kept for the checking bureau and told to the owner.

Exact keys (document numbers, VINs, plates, serials, IMO numbers …) are looked up in the
screening index first: a key it does not hold is answered without reading the database, which
is the answer to nearly every check. Names go through the person index, which drops records the
caller may not see before it ranks. A record the caller may not see is looked up, filtered and
audited like any other, and the answer is the one an unknown record gets.
"""

from policenet.actions.checks.answers import keep_hits
from policenet.actions.checks.verbs import (
    check,
    check_batch,
    check_batch_with_token,
    check_beside_a_writer,
    check_with_token,
)

__all__ = [
    "check",
    "check_batch",
    "check_batch_with_token",
    "check_beside_a_writer",
    "check_with_token",
    "keep_hits",
]
