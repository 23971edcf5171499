"""Flood resistance without tracking people.

No addresses are used (over Tor every reporter shares a handful of exit addresses, and we
store none anyway). Three limits instead, each checked before a byte of the body is read:

- a global token bucket on accepted submissions (INTAKE_RATE per minute, INTAKE_BURST at once),
  shared by all worker processes through anonymous shared memory made before they fork: it
  lives in memory only, because its state would reveal when the last report arrived;
- a per-session count (INTAKE_SESSION_LIMIT) kept in the same kind of shared memory, under the
  session's random cookie id (sessions.py): a browser that keeps its cookie cannot send more
  than that many reports an hour, and the cookie itself says nothing about them;
- a quota on the data folder (INTAKE_DATA_QUOTA bytes), on top of the free-space check.

Looking up messages (the messages page) costs a memory-hard key derivation (intake/replies),
so lookups have a global bucket of their own (INTAKE_LOOKUP_RATE, INTAKE_LOOKUP_BURST), and
each worker process derives one key at a time: a flood of lookups, right or wrong codes, is
turned away before it costs more than that, and never takes the reports' tokens.
"""

import mmap
import multiprocessing
import os
import struct
import time
from pathlib import Path

_STATE = struct.Struct("dd")  # tokens, monotonic time of the last refill


class SharedTokenBucket:
    """A token bucket whose state is shared by the processes forked after it was made."""

    def __init__(self, rate_per_minute: float, burst: int, clock=time.monotonic):
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self._clock = clock
        self._memory = mmap.mmap(-1, _STATE.size)  # anonymous and shared: survives fork, never on disk
        self._lock = multiprocessing.get_context("fork").Lock()
        _STATE.pack_into(self._memory, 0, self.burst, clock())

    def take(self) -> float:
        """Take a token: 0.0 when allowed, else the seconds until one will be available."""
        with self._lock:
            tokens, last = _STATE.unpack_from(self._memory, 0)
            now = self._clock()
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                _STATE.pack_into(self._memory, 0, tokens - 1.0, now)
                return 0.0
            _STATE.pack_into(self._memory, 0, tokens, now)
            return (1.0 - tokens) / self.rate if self.rate else float("inf")

    def give_back(self) -> None:
        """Return a token taken for a submission that was then not stored (invalid form, error)."""
        with self._lock:
            tokens, last = _STATE.unpack_from(self._memory, 0)
            _STATE.pack_into(self._memory, 0, min(self.burst, tokens + 1.0), last)


class FolderQuota:
    """Bytes used under a folder, rescanned at most every `refresh` seconds."""

    def __init__(self, folder: Path, limit: int, refresh: float = 10.0, clock=time.monotonic):
        self.folder = Path(folder)
        self.limit = limit
        self._refresh = refresh
        self._clock = clock
        self._used = 0
        self._scanned = -float("inf")

    def _scan(self) -> int:
        total = 0
        for root, _dirs, files in os.walk(self.folder):
            for name in files:
                try:
                    total += os.stat(os.path.join(root, name)).st_size
                except FileNotFoundError:
                    pass
        return total

    def exceeded(self, incoming: int) -> bool:
        now = self._clock()
        if now - self._scanned > self._refresh:
            self._used, self._scanned = self._scan(), now
        return self._used + incoming > self.limit

    def add(self, size: int) -> None:
        self._used += size


def minutes_to_wait(seconds: float) -> int:
    return max(1, int(seconds // 60) + (1 if seconds % 60 else 0))


class Limited(Exception):
    """A flood limit was hit; nothing was read or stored. `minutes`: when to try again."""

    def __init__(self, minutes: int):
        super().__init__(f"limited for {minutes} minutes")
        self.minutes = minutes


class LookupsLimited(Limited):
    """Too many message lookups at once (the lookups' bucket, or this worker's derivation slot)."""
