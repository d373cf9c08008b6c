"""The exact-key index: every key filed is found, before and after the arrays are merged."""

from __future__ import annotations

from policenet.screening import keys
from policenet.screening.keys import KeyIndex


def test_built_keys_are_found_and_others_are_not() -> None:
    index = KeyIndex.build((f"td\x1fFR:{n:09d}", n) for n in range(1000))
    assert index.lookup("td\x1fFR:000000042") == [42]
    assert index.lookup("td\x1fFR:000001000") == []
    assert index.lookup("td\x1fDE:000000042") == []
    assert len(index) == 1000
    assert index.nbytes == 1000 * 16


def test_keys_added_while_serving_are_found_at_once_and_after_a_merge() -> None:
    index = KeyIndex.build([("vin\x1fA", 1)])
    index.add("vin\x1fB", 2)
    index.add_many([("vin\x1fC", 3), ("vin\x1fA", 4)])
    assert index.lookup("vin\x1fA") == [1, 4]
    assert index.lookup("vin\x1fB") == [2]
    # A bulk load large enough to be merged into the sorted arrays keeps what was there.
    index.add_many((f"plate\x1fFR:{n}", 100 + n) for n in range(keys.MERGE_AT))
    assert index.lookup("vin\x1fB") == [2]
    assert index.lookup("vin\x1fA") == [1, 4]
    assert index.lookup(f"plate\x1fFR:{keys.MERGE_AT - 1}") == [100 + keys.MERGE_AT - 1]
    assert index.nbytes == len(index) * 16


def test_a_key_filed_twice_for_one_record_names_it_once() -> None:
    index = KeyIndex()
    index.add_many([("serial\x1fAB1023", 7), ("serial\x1fAB1023", 7)])
    assert index.lookup("serial\x1fAB1023") == [7]


def test_a_forgotten_record_leaves_nothing_sorted_or_recent() -> None:
    index = KeyIndex.build([("td:FR:18FR00077", 7), ("td:FR:18FR00078", 8), ("vin:X", 7)])
    index.add("plate:GH123", 7)
    index.add("plate:AA001", 9)
    index.forget([7])
    assert index.lookup("td:FR:18FR00077") == [] and index.lookup("vin:X") == []
    assert index.lookup("plate:GH123") == []
    assert index.lookup("td:FR:18FR00078") == [8] and index.lookup("plate:AA001") == [9]
    assert len(index) == 2  # not even the hashes of its keys stay
    index.forget([])
    assert len(index) == 2
