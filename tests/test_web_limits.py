"""The flood limits' mechanisms: a token bucket shared across processes, a folder quota."""

import os

from intake.web.limits import FolderQuota, SharedTokenBucket, minutes_to_wait


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_bucket_allows_a_burst_then_refills_at_the_rate():
    clock = FakeClock()
    bucket = SharedTokenBucket(rate_per_minute=6, burst=3, clock=clock)
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = bucket.take()
    assert 9.9 < wait <= 10.0  # one token every 10 s
    clock.now += 10
    assert bucket.take() == 0.0
    assert bucket.take() > 0


def test_a_token_given_back_can_be_used_again():
    bucket = SharedTokenBucket(rate_per_minute=1, burst=1, clock=FakeClock())
    assert bucket.take() == 0.0 and bucket.take() > 0
    bucket.give_back()
    assert bucket.take() == 0.0


def test_bucket_is_shared_with_forked_processes():
    bucket = SharedTokenBucket(rate_per_minute=0.001, burst=5)
    children = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            os._exit(0 if bucket.take() == 0.0 else 1)
        children.append(pid)
    results = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    assert results == [0, 0, 0, 0]
    assert bucket.take() == 0.0  # the fifth token
    assert bucket.take() > 0  # the children's takes were seen here


def test_folder_quota(tmp_path):
    clock = FakeClock()
    quota = FolderQuota(tmp_path, limit=1000, refresh=10, clock=clock)
    (tmp_path / "a").write_bytes(b"x" * 600)
    assert not quota.exceeded(300) and quota.exceeded(500)
    quota.add(300)
    assert quota.exceeded(200)  # counted without a rescan
    (tmp_path / "a").unlink()
    clock.now += 11
    assert not quota.exceeded(900)


def test_minutes_to_wait_rounds_up():
    assert [minutes_to_wait(s) for s in (0.5, 59, 60, 61, 600)] == [1, 1, 1, 2, 10]
