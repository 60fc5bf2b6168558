"""Merkle guards the RFC 9162 vectors do not reach: consistency between sizes that are not a
prefix relation (a larger tree claimed as a prefix of a smaller one, a bool as a size), and the
message of a bad subtree range."""

from __future__ import annotations

import hashlib

import pytest

from publisher.core.merkle import leaf_hash, node_hash, subtree_root, verify_consistency

LEAVES = [leaf_hash(hashlib.sha256(bytes([i])).digest()) for i in range(5)]


def test_a_larger_tree_is_never_a_prefix_of_a_smaller_one():
    # Without the size-order guard this proof walks to the end and matches both roots: it claims
    # the 3-entry tree is a prefix of a 2-entry tree whose root the attacker chose.
    old_root, c = LEAVES[0], LEAVES[1]
    new_root = node_hash(old_root, c)
    assert verify_consistency(3, 2, old_root, new_root, [old_root, c]) is False


def test_sizes_must_both_be_integers_not_bools():
    r = LEAVES[0]
    assert verify_consistency(True, 1, r, r, []) is False  # True == 1, but it is not a size
    assert verify_consistency(1, True, r, r, []) is False
    assert verify_consistency(1, 1, r, r, []) is True


def test_bad_subtree_range_names_the_range():
    with pytest.raises(ValueError, match=r"^bad range \[5, 4\) for 5 leaves$"):
        subtree_root(LEAVES, 5, 4)
    with pytest.raises(ValueError, match=r"^bad range \[0, 6\) for 5 leaves$"):
        subtree_root(LEAVES, 0, 6)


def test_range_errors_name_the_value_and_the_size():
    from publisher.core.merkle import MerkleTree, consistency_proof

    with pytest.raises(ValueError, match=r"^old size 6 out of range for tree size 5$"):
        consistency_proof(LEAVES, 6)
    with pytest.raises(ValueError, match=r"^a leaf hash must be 32 bytes$"):
        MerkleTree([LEAVES[0], b"short"])


def test_tree_returns_each_leaf_hash():
    from publisher.core.merkle import MerkleTree

    t = MerkleTree(LEAVES)
    assert [t.leaf(i) for i in range(5)] == LEAVES


def test_leaf_index_error_names_index_and_size():
    from publisher.core.merkle import inclusion_proof

    with pytest.raises(ValueError, match=r"^leaf index 5 out of range for tree size 5$"):
        inclusion_proof(LEAVES, 5)


def test_tree_and_builder_name_their_bad_inputs():
    """The in-memory tree's range check and the streaming builder's leaf check say what is wrong."""
    from publisher.core.merkle import MerkleTree, TreeBuilder

    t = MerkleTree(LEAVES)
    with pytest.raises(ValueError, match=r"^bad range \[3, 2\) for 5 leaves$"):
        t.subtree_root(3, 2)
    with pytest.raises(ValueError, match=r"^bad range \[0, 6\) for 5 leaves$"):
        t.root(6)
    b = TreeBuilder()
    with pytest.raises(ValueError, match=r"^a leaf hash must be 32 bytes$"):
        b.append(b"short")
    assert b.size == 0
