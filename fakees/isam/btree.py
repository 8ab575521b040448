"""A B+ tree of fixed-length entries in 4 KiB index pages, one tree per key.

An entry is the key value (plus an 8-byte sequence number for keys WITH
DUPLICATES, so that duplicates sort by time of writing and every entry is
unique) and maps to a record slot.  Internal nodes hold separators: child i
holds entries e with ``keys[i-1] <= e < keys[i]``.  Deletion removes empty
nodes but does not rebalance; the invariant above is all searches need.
Nodes are parsed once into Python lists and cached; the engine drops the
cache whenever another process may have written the file.
"""

from __future__ import annotations

import struct
from bisect import bisect_left, bisect_right
from typing import Protocol

from fakees.isam.layout import PAGE, FormatError, layout_struct
from fakees.isam.status import CORRUPT_INDEX

LEAF, INTERNAL = 1, 2
_HEAD = struct.Struct(">BxH4x")  # node type, entry count
_CHILD0 = struct.Struct(">Q")
MAX_DEPTH = 40  # 15-way nodes at the least: far more entries than any file holds


class PageStore(Protocol):
    def read_page(self, page: int) -> bytes: ...
    def alloc_page(self) -> int: ...
    def free_page(self, page: int) -> None: ...


class Node:
    __slots__ = ("keys", "leaf", "vals")

    def __init__(self, leaf: bool, keys: list[bytes], vals: list[int]) -> None:
        self.leaf = leaf
        self.keys = keys
        self.vals = vals  # leaf: record slots; internal: child pages, len(keys) + 1


Entry = tuple[bytes, int]


class BTree:
    """One key's tree; ``root`` is kept by the caller in the index header."""

    def __init__(self, store: PageStore, entry_length: int, root: int) -> None:
        self.store = store
        self.entry_length = entry_length
        self.root = root
        self._entry = layout_struct(f">{entry_length}sQ")
        self.leaf_capacity = (PAGE - _HEAD.size) // self._entry.size
        self.internal_capacity = (PAGE - _HEAD.size - _CHILD0.size) // self._entry.size
        self.nodes: dict[int, Node] = {}
        self.dirty: set[int] = set()

    # -- pages -------------------------------------------------------------

    def node(self, page: int, depth: int = 0) -> Node:
        """The parsed node; ``depth`` below the root guards against cycles in a damaged file."""
        if depth > MAX_DEPTH:
            raise FormatError(CORRUPT_INDEX, f"index tree deeper than {MAX_DEPTH}: a cycle")
        node = self.nodes.get(page)
        if node is None:
            node = self.nodes[page] = self._parse(page, self.store.read_page(page))
        return node

    def _parse(self, page: int, buf: bytes) -> Node:
        kind, count = _HEAD.unpack_from(buf) if len(buf) == PAGE else (0, 0)
        base = _HEAD.size + (_CHILD0.size if kind == INTERNAL else 0)
        if kind not in (LEAF, INTERNAL) or base + count * self._entry.size > PAGE:
            raise FormatError(CORRUPT_INDEX, f"index page {page} is not a tree node")
        pairs = list(self._entry.iter_unpack(buf[base : base + count * self._entry.size]))
        keys = [k for k, _ in pairs]
        vals = [v for _, v in pairs]
        if kind == LEAF:
            return Node(True, keys, vals)
        return Node(False, keys, [_CHILD0.unpack_from(buf, _HEAD.size)[0], *vals])

    def encode(self, node: Node) -> bytes:
        pack = self._entry.pack
        if node.leaf:
            parts = [_HEAD.pack(LEAF, len(node.keys))]
            parts += [pack(k, v) for k, v in zip(node.keys, node.vals, strict=True)]
        else:
            parts = [_HEAD.pack(INTERNAL, len(node.keys)), _CHILD0.pack(node.vals[0])]
            parts += [pack(k, v) for k, v in zip(node.keys, node.vals[1:], strict=True)]
        return b"".join(parts).ljust(PAGE, b"\0")

    def new_node(self, node: Node) -> int:
        page = self.store.alloc_page()
        self.nodes[page] = node
        self.dirty.add(page)
        return page

    def _drop(self, page: int) -> None:
        self.nodes.pop(page, None)
        self.dirty.discard(page)
        self.store.free_page(page)

    def flush(self) -> dict[int, bytes]:
        """Encoded dirty nodes, page -> bytes; they are clean afterwards."""
        out = {page: self.encode(self.nodes[page]) for page in self.dirty}
        self.dirty.clear()
        return out

    # -- searching ---------------------------------------------------------

    def seek(self, probe: bytes, forward: bool, strict: bool) -> Entry | None:
        """First entry >= probe (> if strict) going forward, last <= (<) going backward."""
        return self._seek(self.root, probe, forward, strict)

    def _seek(self, page: int, probe: bytes, forward: bool, strict: bool,
              depth: int = 0) -> Entry | None:
        node = self.node(page, depth)
        keys = node.keys
        if node.leaf:
            if forward:
                i = bisect_right(keys, probe) if strict else bisect_left(keys, probe)
                return (keys[i], node.vals[i]) if i < len(keys) else None
            i = (bisect_left(keys, probe) if strict else bisect_right(keys, probe)) - 1
            return (keys[i], node.vals[i]) if i >= 0 else None
        if forward:
            i = bisect_right(keys, probe)
            found = self._seek(node.vals[i], probe, forward, strict, depth + 1)
            if found is None and i + 1 < len(node.vals):
                found = self.edge(node.vals[i + 1], first=True)
            return found
        i = bisect_left(keys, probe) if strict else bisect_right(keys, probe)
        found = self._seek(node.vals[i], probe, forward, strict, depth + 1)
        if found is None and i > 0:
            found = self.edge(node.vals[i - 1], first=False)
        return found

    def edge(self, page: int, first: bool) -> Entry | None:
        """The first or last entry under ``page``."""
        node = self.node(page)
        depth = 0
        while not node.leaf:
            depth += 1
            node = self.node(node.vals[0 if first else -1], depth)
        if not node.keys:
            return None
        return (node.keys[0], node.vals[0]) if first else (node.keys[-1], node.vals[-1])

    def get(self, key: bytes) -> int | None:
        found = self._seek(self.root, key, True, False)
        return found[1] if found is not None and found[0] == key else None

    # -- changing ----------------------------------------------------------

    def insert(self, key: bytes, val: int) -> None:
        """Add an entry that is not in the tree yet."""
        split = self._insert(self.root, key, val)
        if split is not None:
            separator, right = split
            self.root = self.new_node(Node(False, [separator], [self.root, right]))

    def _insert(self, page: int, key: bytes, val: int,
                depth: int = 0) -> tuple[bytes, int] | None:
        node = self.node(page, depth)
        if node.leaf:
            i = bisect_left(node.keys, key)
            node.keys.insert(i, key)
            node.vals.insert(i, val)
            self.dirty.add(page)
            if len(node.keys) <= self.leaf_capacity:
                return None
            mid = len(node.keys) // 2
            right = Node(True, node.keys[mid:], node.vals[mid:])
            del node.keys[mid:], node.vals[mid:]
            return right.keys[0], self.new_node(right)
        i = bisect_right(node.keys, key)
        split = self._insert(node.vals[i], key, val, depth + 1)
        if split is None:
            return None
        node.keys.insert(i, split[0])
        node.vals.insert(i + 1, split[1])
        self.dirty.add(page)
        if len(node.keys) <= self.internal_capacity:
            return None
        mid = len(node.keys) // 2
        separator = node.keys[mid]
        right = Node(False, node.keys[mid + 1 :], node.vals[mid + 1 :])
        del node.keys[mid:], node.vals[mid + 1 :]
        return separator, self.new_node(right)

    def delete(self, key: bytes) -> bool:
        """Remove an entry; False if it was not there."""
        found, _ = self._delete(self.root, key)
        root = self.node(self.root)
        while not root.leaf and len(root.vals) == 1:
            old, self.root = self.root, root.vals[0]
            self._drop(old)
            root = self.node(self.root)
        if not root.leaf and not root.vals:  # every child emptied: back to an empty leaf
            root.leaf, root.keys, root.vals = True, [], []
            self.dirty.add(self.root)
        return found

    def _delete(self, page: int, key: bytes, depth: int = 0) -> tuple[bool, bool]:
        """(found, node now empty)."""
        node = self.node(page, depth)
        if node.leaf:
            i = bisect_left(node.keys, key)
            if i == len(node.keys) or node.keys[i] != key:
                return False, False
            del node.keys[i], node.vals[i]
            self.dirty.add(page)
            return True, not node.keys
        i = bisect_right(node.keys, key)
        found, emptied = self._delete(node.vals[i], key, depth + 1)
        if emptied:
            self._drop(node.vals[i])
            del node.vals[i]
            if node.keys:
                del node.keys[max(i - 1, 0)]
            self.dirty.add(page)
        return found, not node.vals

    def walk(self) -> list[Entry]:
        """Every entry in order, checking the separator invariant (for tests and repair)."""
        out: list[Entry] = []
        self._walk(self.root, None, None, out)
        return out

    def _walk(self, page: int, low: bytes | None, high: bytes | None, out: list[Entry],
              depth: int = 0) -> None:
        node = self.node(page, depth)
        if node.keys != sorted(node.keys) or (node.keys and (
            (low is not None and node.keys[0] < low) or (high is not None and node.keys[-1] >= high)
        )):
            raise FormatError(CORRUPT_INDEX, f"index page {page} is out of order")
        if node.leaf:
            out.extend(zip(node.keys, node.vals, strict=True))
            return
        bounds = [low, *node.keys, high]
        for i, child in enumerate(node.vals):
            self._walk(child, bounds[i], bounds[i + 1], out, depth + 1)
