"""Copy a stream through a transformation on a few threads, reading and writing in order.

The AEAD in `cryptography` releases the GIL, so chunks can be sealed or opened on several cores.
Each worker loops over one batch at a time: it waits for its turn to read the next batch, then
transforms the batch alone (no lock held, in parallel with the others), then waits for its turn
to write. Turns pass round the workers in a fixed order, so batches are read in stream order and
written in the same order: the output is byte for byte what one thread would write.

Each worker keeps its own small buffers and does its batch's read, AEAD and write on the same core,
so the data stays in that core's cache. That is why the whole chain runs on each worker, rather
than a reader thread feeding a pool that feeds a writer: the hand-offs between cores cost more than
the parallel AEAD gains.

Failures keep the order too: an error found in batch k (a read error, a chunk failing to
authenticate) is raised at batch k's turn to write, after every earlier batch has been written and
before any later one is, exactly where a sequential loop would have raised it.
"""

import os
import threading
from collections.abc import Callable
from typing import TypeVar

Slot = TypeVar("Slot")

MAX_WORKERS = 4  # beyond this the reads and writes, which cannot overlap, are the limit
_POLL_SECONDS = 0.05  # how soon a worker waiting for its turn notices that the copy stopped


def default_workers() -> int:
    """One worker per CPU this process may run on, up to MAX_WORKERS."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


class _Turns:
    """A token passed round `n` workers: worker i takes it, then gives it to worker i + 1.

    One lock per worker, all held but the first; giving the token releases the next one's lock.
    A plain Lock may be released by another thread than the one that acquired it.
    """

    def __init__(self, n: int):
        self._locks = [threading.Lock() for _ in range(n)]
        for lock in self._locks[1:]:
            lock.acquire()

    def take(self, i: int, stop: threading.Event) -> bool:
        """Wait for worker i's turn; False if the copy was stopped meanwhile (the token may be lost)."""
        while not self._locks[i].acquire(timeout=_POLL_SECONDS):
            if stop.is_set():
                return False
        return True

    def give(self, i: int) -> None:
        self._locks[(i + 1) % len(self._locks)].release()


def run_in_order(
    workers: int,
    new_slot: Callable[[], Slot],
    read: Callable[[Slot], bool],
    transform: Callable[[Slot], None],
    write: Callable[[Slot], None],
) -> None:
    """Run read → transform → write over the batches of a stream on `workers` threads.

    new_slot() makes one worker's buffers. read(slot) fills the slot with the next batch and
    returns False when that was the last one. transform(slot) works on the slot alone. write(slot)
    emits it, and may raise to stop the copy (raising there is how an error is reported in order).
    read() and write() calls never overlap with others of their kind: each runs in stream order.

    The calling thread is one of the workers. The first exception, in stream order, is raised
    here once every worker has stopped, so nothing is written after this returns or raises.
    """
    stop = threading.Event()
    reads, writes = _Turns(workers), _Turns(workers)
    ended = False  # set once a read returned the last batch or failed; read under the read turn
    failures: list[BaseException] = []

    def worker(i: int) -> None:
        nonlocal ended
        slot = new_slot()
        while True:
            if not reads.take(i, stop):
                return
            error: BaseException | None = None
            try:
                if ended or stop.is_set():
                    return
                try:
                    last = not read(slot)
                except BaseException as exc:  # raised at this batch's turn to write, in order
                    last, error = True, exc
                ended = last
            finally:
                reads.give(i)
            if error is None:
                try:
                    transform(slot)
                except BaseException as exc:
                    error = exc
            if not writes.take(i, stop):
                return
            try:
                if stop.is_set():
                    return
                if error is None:
                    try:
                        write(slot)
                    except BaseException as exc:
                        error = exc
                if error is not None:
                    failures.append(error)
                    stop.set()  # later batches are dropped, unwritten
                    return
            finally:
                writes.give(i)
            if last:
                return

    def helper(i: int) -> None:
        try:
            worker(i)
        except BaseException as exc:  # a bug: stop the others rather than leave them waiting
            failures.append(exc)
            stop.set()

    threads = [threading.Thread(target=helper, args=(i,), name=f"age-worker-{i}", daemon=True) for i in range(1, workers)]
    for thread in threads:
        thread.start()
    try:
        worker(0)
    except BaseException:  # Ctrl-C, or a bug: make the others stop before the caller unwinds
        stop.set()
        raise
    finally:
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
