"""The fingerprint index on real prints (the FVC sets beside the clone): a finger's code finds
its other impressions among other fingers; ten-prints add up finger by finger at the same
positions; a mark meets every finger; open marks answer a ten-print; and a change to the
index is seen by the next search."""

from __future__ import annotations

import base64
from functools import cache

import numpy as np
import pytest

from policenet.domain.fingerprints import PrintKind
from policenet.formats import iso19794
from policenet.matching.cylinders import cylinders
from policenet.matching.minutiae import extract
from policenet.matching.print_codes import (
    CODE_BYTES,
    Code,
    CodeInvalid,
    code,
    from_text,
    record_codes,
    scores,
    template_code,
    to_text,
)
from policenet.screening.prints import PrintIndex
from tests.test_fingerprints import fvc, needs_fvc

pytestmark = needs_fvc


@cache
def finger(name: str) -> Code:
    return code(cylinders(extract(fvc(name)).views[0]))


def card(first: int, impression: int) -> list[tuple[int, Code]]:
    """Fingers first..first+3 of FVC2002 DB1_B at positions 1 to 4."""
    return [(p, finger(f"{first + p - 1}_{impression}")) for p in range(1, 5)]


def everyone(_: int) -> bool:
    return True


def test_a_code_is_closer_to_its_own_finger_than_to_others() -> None:
    probe = finger("101_2")
    gallery = np.stack([finger(f"{n}_1") for n in range(101, 111)])
    found = scores(probe, gallery)
    assert int(np.argmax(found)) == 0
    assert found[0] > np.sort(found)[-2] + 0.02


def test_codes_survive_their_text_and_bad_text_is_refused() -> None:
    value = finger("101_1")
    assert np.array_equal(from_text(to_text(value)), value)
    assert value.nbytes == CODE_BYTES and value.any()
    with pytest.raises(CodeInvalid, match="bytes"):
        from_text(to_text(value)[:-8])
    with pytest.raises(CodeInvalid, match="base64"):
        from_text("not base64!")


def test_a_record_without_stored_codes_gets_them_from_its_templates() -> None:
    template = extract(fvc("101_1"))
    text = base64.b64encode(iso19794.encode(template)).decode("ascii")
    with_code = {
        "fingers": [
            {"position": 1, "template": text, "code": to_text(code(cylinders(template.views[0])))}
        ]
    }
    without = {"fingers": [{"position": 1, "template": text}]}
    ((p1, a),) = record_codes(with_code)
    ((p2, b),) = record_codes(without)
    assert p1 == p2 == 1 and np.array_equal(a, b) and np.array_equal(b, template_code(text))


def test_a_tenprint_ranks_its_mate_first_and_changes_are_seen_at_once() -> None:
    index = PrintIndex(capacity=2)  # grows as records come
    index.add(1, PrintKind.TENPRINT, False, card(101, 1))
    index.add(2, PrintKind.TENPRINT, False, card(105, 1))
    probe = card(101, 2)
    ranked = index.search(PrintKind.TENPRINT, probe, allowed=everyone, limit=10)
    assert [r.record_id for r in ranked] == [1, 2]
    assert ranked[0].score > ranked[1].score
    assert len(index) == 2 and index.fingers == 8
    # Not for this caller's eyes: never ranked.
    hidden = index.search(PrintKind.TENPRINT, probe, allowed=lambda i: i != 1, limit=10)
    assert [r.record_id for r in hidden] == [2]
    # Withdrawn: gone from the next search; filed again with other fingers: ranked by them.
    index.remove(1)
    assert [
        r.record_id for r in index.search(PrintKind.TENPRINT, probe, allowed=everyone, limit=10)
    ] == [2]
    index.add(1, PrintKind.TENPRINT, False, card(105, 2))
    index.add(3, PrintKind.TENPRINT, False, card(101, 3))
    ranked = index.search(PrintKind.TENPRINT, probe, allowed=everyone, limit=10)
    assert ranked[0].record_id == 3 and {r.record_id for r in ranked} == {1, 2, 3}
    assert index.fingers == 12
    # The probe's own record is not its own candidate.
    again = index.search(PrintKind.TENPRINT, probe, allowed=everyone, limit=10, exclude=3)
    assert 3 not in {r.record_id for r in again}


def test_a_mark_meets_every_finger_and_names_the_closest_positions() -> None:
    index = PrintIndex()
    index.add(1, PrintKind.TENPRINT, False, card(101, 1))
    index.add(2, PrintKind.TENPRINT, False, card(105, 1))
    mark = [(0, finger("103_4"))]  # finger 103 is at position 3 of record 1
    ranked = index.search(PrintKind.LATENT, mark, allowed=everyone, limit=10)
    assert ranked[0].record_id == 1 and ranked[0].positions[0] == 3
    assert set(ranked[0].positions) == {1, 2, 3, 4}
    # A mark of known position meets only that finger.
    placed = index.search(PrintKind.LATENT, [(2, finger("103_4"))], allowed=everyone, limit=10)
    assert all(r.positions == (2,) for r in placed)


def test_open_marks_answer_a_tenprint_and_solved_ones_do_not() -> None:
    index = PrintIndex()
    index.add(1, PrintKind.TENPRINT, False, card(105, 1))
    index.add(7, PrintKind.LATENT, False, [(0, finger("102_5"))])
    index.add(8, PrintKind.LATENT, True, [(0, finger("102_6"))])  # solved
    index.add(9, PrintKind.LATENT, False, [(4, finger("102_7"))])  # position 4: not finger 2's
    ranked = index.search(PrintKind.TENPRINT, card(101, 2), allowed=everyone, limit=10)
    marks = [r for r in ranked if r.record_id in (7, 8, 9)]
    assert marks[0].record_id == 7 and 8 not in {r.record_id for r in marks}
    assert marks[0].positions == (2,)
    # A mark probe is never compared with other marks.
    assert {
        r.record_id
        for r in index.search(PrintKind.LATENT, [(0, finger("102_4"))], allowed=everyone, limit=10)
    } == {1}


def test_a_card_of_two_fingers_is_not_outranked_by_strangers_cards_of_four() -> None:
    index = PrintIndex()
    index.add(1, PrintKind.TENPRINT, False, card(101, 1)[:2])  # the mate: thumb and index
    for record_id, first in ((2, 103), (3, 105), (4, 107)):
        index.add(record_id, PrintKind.TENPRINT, False, card(first, 4))
    ranked = index.search(PrintKind.TENPRINT, card(101, 2), allowed=everyone, limit=10)
    assert ranked[0].record_id == 1


def test_filing_a_record_again_keeps_its_rows_and_dead_rows_are_dropped() -> None:
    index = PrintIndex()
    fingers = card(101, 1)
    index.add(1, PrintKind.LATENT, False, fingers[:1])
    before = index.nbytes
    index.add(1, PrintKind.LATENT, True, fingers[:1])  # solved: same fingers
    assert index.nbytes == before and index.fingers == 1
    ranked = index.search(PrintKind.TENPRINT, card(101, 2), allowed=everyone, limit=10)
    assert 1 not in {r.record_id for r in ranked}  # solved marks do not answer
    # A record changed many times: its old rows go, the index stays its size.
    for turn in range(1200):
        index.add(2, PrintKind.TENPRINT, False, [(p, np.roll(c, turn)) for p, c in fingers])
    assert index.fingers == 5 and index.nbytes < 2 * 4096 * (CODE_BYTES + 11)
    ranked = index.search(PrintKind.TENPRINT, card(101, 2), allowed=everyone, limit=10)
    assert [r.record_id for r in ranked] == [2]
