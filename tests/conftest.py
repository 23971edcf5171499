"""Shared fixtures. Keys are generated per test session: no key material lives in the repo."""

import pytest

from intake import age


@pytest.fixture(scope="session")
def pq_identity():
    return age.HybridIdentity.generate()


@pytest.fixture(scope="session")
def x25519_identity():
    return age.X25519Identity.generate()
