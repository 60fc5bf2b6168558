"""RFC 6962 / RFC 9162 Merkle tree over SHA-256 (pure, no IO).

The global log and every sorted population are Merkle trees of this exact shape, so that
proofs can be checked by any RFC 6962 tool (transparency-dev, Go sumdb, Trillian, ...).

    leaf hash  = SHA-256(0x00 || data)
    node hash  = SHA-256(0x01 || left || right)
    MTH({})    = SHA-256("")
    MTH(D[n])  = node(MTH(D[0:k]), MTH(D[k:n])), k = largest power of two < n

Functions taking `leaf_hashes` expect already-hashed leaves (32 bytes each): in the log the
leaf data is the 32-byte entry id, and callers apply `leaf_hash` themselves. Generators raise
`ValueError` on bad arguments; verifiers never raise, they return False.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

SubtreeRoot = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """Hash of one leaf; the 0x00 prefix keeps leaves and nodes in separate domains."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node (0x01 prefix: second-preimage protection)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly less than n (n >= 2): the RFC 6962 split point."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hash(h: object, what: str) -> None:
    if not isinstance(h, (bytes, bytearray)) or len(h) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


class TreeBuilder:
    """Streaming tree: O(log n) memory, one append per leaf, root() at any time.

    Keeps the roots of the perfect subtrees that make up the binary decomposition of the
    current size (largest first). Folding them from the right gives exactly the RFC 6962
    root, because the RFC split always cuts off the largest perfect left subtree.
    """

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._size = 0
        self._stack: list[bytes] = []

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash (already `leaf_hash`ed)."""
        _check_hash(leaf, "a leaf hash")
        h = bytes(leaf)
        n = self._size
        # Every trailing 1-bit of the old size is a perfect subtree of equal size to merge.
        while n & 1:
            h = node_hash(self._stack.pop(), h)
            n >>= 1
        self._stack.append(h)
        self._size += 1

    def extend(self, leaves: Sequence[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        """MTH of the leaves appended so far (EMPTY_ROOT when none)."""
        if not self._stack:
            return EMPTY_ROOT
        h = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h


def subtree_root(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) in O(end - start) time and O(log n) memory, without copying."""
    if not 0 <= start <= end <= len(leaf_hashes):
        raise ValueError(f"bad range [{start}, {end}) for {len(leaf_hashes)} leaves")
    b = TreeBuilder()
    for i in range(start, end):
        b.append(leaf_hashes[i])
    return b.root()


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes."""
    return subtree_root(leaf_hashes, 0, len(leaf_hashes))


# --- proof generation (RFC 9162 §2.1.3.1 PATH and §2.1.4.1 SUBPROOF) --------------------------
# Both recursions are written over index ranges and take a `sub(start, end)` function giving
# MTH(D[start:end]). The sibling ranges they ask for are disjoint and together cover at most
# n leaves, so with the streaming `subtree_root` one proof costs O(n) hashes; `MerkleTree`
# answers `sub` from cached levels in O(log n) instead.


def _path(sub: SubtreeRoot, index: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = _split(n)
    if index - start < k:
        return _path(sub, index, start, start + k) + [sub(start + k, end)]
    return _path(sub, index, start + k, end) + [sub(start, start + k)]


def _subproof(sub: SubtreeRoot, m: int, start: int, end: int, complete: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if complete else [sub(start, end)]
    k = _split(n)
    if m <= k:
        return _subproof(sub, m, start, start + k, complete) + [sub(start + k, end)]
    return _subproof(sub, m - k, start + k, end, False) + [sub(start, start + k)]


def _check_index(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} out of range for tree size {size}")


def _check_old_size(old_size: int, size: int) -> None:
    if not 0 <= old_size <= size:
        raise ValueError(f"old size {old_size} out of range for tree size {size}")


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """Audit path for leaf `index` in the tree of all `leaf_hashes` (O(n) hashes)."""
    _check_index(index, len(leaf_hashes))
    return _path(lambda s, e: subtree_root(leaf_hashes, s, e), index, 0, len(leaf_hashes))


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """Proof that the first `old_size` leaves are a prefix of all `leaf_hashes` (O(n) hashes).

    Empty when old_size is 0 or equal to the size: there is nothing to prove.
    """
    n = len(leaf_hashes)
    _check_old_size(old_size, n)
    if old_size == 0:
        return []
    return _subproof(lambda s, e: subtree_root(leaf_hashes, s, e), old_size, 0, n, True)


class MerkleTree:
    """All levels of one tree in memory (about 2n hashes) for many proofs over one tree.

    Used when a whole population or log is published with a proof per leaf: building is O(n),
    each proof is then O(log² n) hashes instead of O(n).
    """

    def __init__(self, leaf_hashes: Sequence[bytes]):
        for h in leaf_hashes:
            _check_hash(h, "a leaf hash")
        level = [bytes(h) for h in leaf_hashes]
        self._levels: list[list[bytes]] = [level]
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            self._levels.append(level)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def leaf(self, index: int) -> bytes:
        return self._levels[0][index]

    def subtree_root(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); O(log n) when start is a multiple of the split sizes used."""
        if not 0 <= start <= end <= self.size:
            raise ValueError(f"bad range [{start}, {end}) for {self.size} leaves")
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        height = n.bit_length() - 1
        if n == 1 << height and start % n == 0:
            return self._levels[height][start >> height]
        k = _split(n)
        return node_hash(self.subtree_root(start, start + k), self.subtree_root(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        """Root of the whole tree, or of its first `size` leaves (an earlier log state)."""
        return self.subtree_root(0, self.size if size is None else size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        _check_old_size(size, self.size)
        _check_index(index, size)
        return _path(self.subtree_root, index, 0, size)

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        _check_old_size(size, self.size)
        _check_old_size(old_size, size)
        if old_size == 0:
            return []
        return _subproof(self.subtree_root, old_size, 0, size, True)


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) --------------------------------------------


def _is_hash(h: object) -> bool:
    return isinstance(h, (bytes, bytearray)) and len(h) == HASH_SIZE


def _is_size(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 0


def _proof_ok(proof: object) -> bool:
    return isinstance(proof, (list, tuple)) and all(_is_hash(p) for p in proof)


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """True iff `proof` shows leaf hash `leaf` at position `index` of the tree (`size`, `root_hash`)."""
    if not (_is_hash(leaf) and _is_hash(root_hash) and _proof_ok(proof)):
        return False
    if not (_is_size(index) and _is_size(size)) or index >= size:
        return False
    fn, sn = index, size - 1
    r = bytes(leaf)
    for p in proof:
        if sn == 0:
            return False  # proof longer than the path
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root_hash


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff `proof` shows the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`).

    Policy for the cases RFC 9162 leaves to the caller: equal sizes need an empty proof and
    equal roots; old size 0 needs an empty proof and old_root == EMPTY_ROOT (an empty tree is a
    prefix of every tree; c2sp.org/tlog-witness accepts this, transparency-dev/merkle refuses it).
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and _proof_ok(proof)):
        return False
    if not (_is_size(old_size) and _is_size(new_size)) or old_size > new_size:
        return False
    if new_size == 0 and new_root != EMPTY_ROOT:
        return False
    if old_size == 0:
        return len(proof) == 0 and old_root == EMPTY_ROOT
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if len(proof) == 0:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect left subtree: its root is the first node of the path.
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
