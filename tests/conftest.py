"""Shared fixtures. Keys are generated per test session: no key material lives in the repo."""

import pytest

from intake import age


@pytest.fixture(scope="session")
def pq_identity():
    return age.HybridIdentity.generate()


@pytest.fixture(scope="session")
def x25519_identity():
    return age.X25519Identity.generate()


@pytest.fixture(scope="session")
def staff_key(tmp_path_factory, pq_identity):
    """The staff's post-quantum identity and its identity file, as `intake -i` reads it."""
    path = tmp_path_factory.mktemp("staff-key") / "staff.txt"
    path.write_text(age.identity_file_text([pq_identity]))
    return pq_identity, path
