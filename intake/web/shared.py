"""A fixed-size table of small records in anonymous shared memory.

Like the token bucket (limits.py), it is made before gunicorn forks its workers (preload_app),
so every worker reads and writes the same records; it never touches disk, and it is gone when
the server stops: what it holds (which browser sessions sent reports) must leave no trace.

Keys are hashed with a salt drawn at start, so the memory never holds a key itself (a cookie
value) and nobody can choose keys that crowd one bucket. Each key has one bucket of WAYS slots;
a record lives until its expiry time. When a bucket is full of live records, a new key takes
the slot of the record that expires soonest: callers size the table so that only a flood far
above the configured rates can cause that.
"""

import hashlib
import mmap
import multiprocessing
import os
import struct
from typing import Callable

WAYS = 8
_SALT_BYTES = 16

# change(values, expires) -> (new values, new expiry) to store, or None to leave the record.
Change = Callable[[tuple[int, ...] | None, float], tuple[tuple[int, ...], float] | None]


class SharedTable:
    def __init__(self, capacity: int, fields: int):
        # digest, expiry (wall-clock seconds), then `fields` signed 64-bit integers
        self._record = struct.Struct(f"16sd{fields}q")
        self._fields = fields
        self._buckets = max(1, -(-capacity // WAYS))
        # Zero bytes are empty slots (expiry 0), so the pages are only touched when used.
        self._memory = mmap.mmap(-1, self._buckets * WAYS * self._record.size)
        self._lock = multiprocessing.get_context("fork").Lock()
        self._salt = os.urandom(_SALT_BYTES)

    def _digest(self, key: bytes) -> bytes:
        return hashlib.blake2b(key, key=self._salt, digest_size=16).digest()

    def update(self, key: bytes, now: float, change: Change) -> tuple[tuple[int, ...] | None, tuple[int, ...] | None]:
        """Apply `change` to the key's live record (None when there is none) atomically.

        Returns (values before, values stored): the second is None when `change` left it.
        A stored expiry <= now removes the record.
        """
        digest = self._digest(key)
        first = int.from_bytes(digest[:8], "little") % self._buckets * WAYS
        size = self._record.size
        with self._lock:
            found = free = soonest = None
            soonest_expiry = float("inf")
            for slot in range(first, first + WAYS):
                slot_digest, expires, *values = self._record.unpack_from(self._memory, slot * size)
                if expires <= now:
                    free = slot if free is None else free
                elif slot_digest == digest:
                    found, old, old_expires = slot, tuple(values), expires
                    break
                elif expires < soonest_expiry:
                    soonest, soonest_expiry = slot, expires
            if found is None:
                old, old_expires = None, 0.0
            result = change(old, old_expires)
            if result is None:
                return old, None
            values, expires = result
            slot = found if found is not None else free if free is not None else soonest
            self._record.pack_into(self._memory, slot * size, digest, expires, *values)
            return old, tuple(values)

    def get(self, key: bytes, now: float) -> tuple[int, ...] | None:
        return self.update(key, now, lambda values, expires: None)[0]
