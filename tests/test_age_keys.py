"""Recipient and identity strings and files: parsing, encoding, and errors that keep secrets."""

import pytest

from intake import age


def test_identity_and_recipient_strings_round_trip(pq_identity, x25519_identity):
    for identity in (pq_identity, x25519_identity):
        secret = identity.to_secret_string()
        assert age.parse_identity(secret).recipient() == identity.recipient()
        assert age.parse_recipient(str(identity.recipient())) == identity.recipient()


def test_string_prefixes_and_lengths(pq_identity, x25519_identity):
    assert pq_identity.to_secret_string().startswith("AGE-SECRET-KEY-PQ-1")
    assert str(pq_identity.recipient()).startswith("age1pq1")
    assert len(str(pq_identity.recipient())) == 1959  # beyond BIP 173's 90-character limit
    assert x25519_identity.to_secret_string().startswith("AGE-SECRET-KEY-1")
    assert str(x25519_identity.recipient()).startswith("age1") and len(str(x25519_identity.recipient())) == 62


def test_repr_never_shows_the_secret(pq_identity, x25519_identity):
    for identity in (pq_identity, x25519_identity):
        secret = identity.to_secret_string()
        assert secret not in repr(identity) and secret not in str(identity)
        assert secret[20:40] not in repr(identity)


def test_a_checksum_error_is_detected(x25519_identity):
    text = str(x25519_identity.recipient())
    broken = text[:-1] + ("q" if text[-1] != "q" else "p")
    with pytest.raises(age.KeyFormatError):
        age.parse_recipient(broken)


def test_mixed_case_is_refused(x25519_identity):
    secret = x25519_identity.to_secret_string()
    with pytest.raises(age.KeyFormatError):
        age.parse_identity(secret[:20] + secret[20:].lower())


@pytest.mark.parametrize(
    "text, error",
    [
        ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE", age.UnsupportedRecipientError),
        ("age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t", age.UnsupportedRecipientError),
        ("not a key", age.KeyFormatError),
        ("", age.KeyFormatError),
    ],
)
def test_unsupported_or_unknown_recipients(text, error):
    with pytest.raises(error):
        age.parse_recipient(text)


def test_a_secret_key_in_a_recipients_file_is_refused_without_echoing_it(x25519_identity):
    secret = x25519_identity.to_secret_string()
    text = f"# staff\n{x25519_identity.recipient()}\n\n{secret}\n"
    with pytest.raises(age.KeyFormatError) as caught:
        age.parse_recipients_file(text)
    assert "line 4" in str(caught.value)
    assert secret not in str(caught.value) and secret[16:30] not in str(caught.value)


def test_recipients_file_with_comments_and_blank_lines(pq_identity):
    other = age.HybridIdentity.generate()
    text = f"# main key\n{pq_identity.recipient()}\n\n  # backup key, in the safe\n{other.recipient()}\n"
    assert age.parse_recipients_file(text) == [pq_identity.recipient(), other.recipient()]


def test_empty_recipients_file_is_refused():
    with pytest.raises(age.KeyFormatError):
        age.parse_recipients_file("# nothing here\n\n")


def test_identity_file_errors_name_the_line_not_the_content(x25519_identity):
    secret = x25519_identity.to_secret_string()
    damaged = secret[:-3] + "QQQ"
    with pytest.raises(age.KeyFormatError) as caught:
        age.parse_identities_file(f"# created: 2026-01-01\n{damaged}\n")
    assert "line 2" in str(caught.value)
    assert damaged[16:] not in str(caught.value)


def test_protected_identity_file_unlocks_only_with_its_passphrase(pq_identity):
    text = age.identity_file_text([pq_identity])
    protected = age.protect(text, "a long passphrase", work_factor=10)
    assert protected.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    assert pq_identity.to_secret_string().encode() not in protected
    (unlocked,) = age.load_identities(protected, lambda: "a long passphrase")
    assert unlocked.recipient() == pq_identity.recipient()
    with pytest.raises(age.NoIdentityMatchError):
        age.load_identities(protected, lambda: "wrong")


def test_identity_file_text_is_what_age_keygen_writes(x25519_identity):
    text = age.identity_file_text([x25519_identity])
    lines = text.splitlines()
    assert lines[0].startswith("# created: ") and len(lines[0]) == len("# created: 2026-01-01")
    assert lines[1] == f"# public key: {x25519_identity.recipient()}"
    assert lines[2] == x25519_identity.to_secret_string()
