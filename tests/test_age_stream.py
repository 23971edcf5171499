"""Round trips around chunk boundaries, streaming writes, random access and tampering."""

import io
import os

import pytest

from intake import age
from intake.age.stream import CHUNK_SIZE, ENC_CHUNK_SIZE

SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 17, 5 * 1024 * 1024 + 3]
WRITE_SIZES = [1, 4096, 65535, 65536, 65537, 1 << 20]


@pytest.fixture(params=["pq", "x25519"])
def identity(request, pq_identity, x25519_identity):
    return pq_identity if request.param == "pq" else x25519_identity


def encrypt_in_writes(recipients, plaintext: bytes, write_size: int, armor: bool = False) -> bytes:
    out = io.BytesIO()
    with age.encrypt(recipients, out, armor=armor) as writer:
        for i in range(0, len(plaintext), write_size):
            writer.write(plaintext[i : i + write_size])
    return out.getvalue()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])
def test_round_trip_around_chunk_boundaries(identity, size, armor):
    plaintext = os.urandom(size)
    ciphertext = encrypt_in_writes([identity.recipient()], plaintext, 1 << 20, armor)
    assert age.decrypt([identity], io.BytesIO(ciphertext), armored=armor).read() == plaintext


@pytest.mark.parametrize("write_size", WRITE_SIZES)
@pytest.mark.parametrize("size", [0, 65536, 65537, 3 * 65536])
def test_write_size_does_not_change_the_chunking(x25519_identity, write_size, size):
    plaintext = os.urandom(size)
    fixed = dict(_file_key=b"k" * 16, _nonce=b"n" * 16)
    expected = io.BytesIO()
    with age.AgeWriter([x25519_identity.recipient()], expected, **fixed) as w:
        w.write(plaintext)
    got = io.BytesIO()
    with age.AgeWriter([x25519_identity.recipient()], got, **fixed) as w:
        for i in range(0, size, write_size):
            w.write(plaintext[i : i + write_size])
    # Headers differ (fresh ephemeral share); nonce and payload must be identical.
    got_bytes, expected_bytes = got.getvalue(), expected.getvalue()
    assert got_bytes[payload_start(got_bytes) - 16 :] == expected_bytes[payload_start(expected_bytes) - 16 :]
    assert age.decrypt([x25519_identity], io.BytesIO(got.getvalue())).read() == plaintext


@pytest.mark.parametrize("read_size", [1, 1000, 65536, 1 << 20])
def test_sequential_reads_of_any_size(pq_identity, read_size):
    plaintext = os.urandom(3 * 65536 + 5)
    reader = age.decrypt([pq_identity], io.BytesIO(age.encrypt_bytes([pq_identity.recipient()], plaintext)))
    got = bytearray()
    while part := reader.read(read_size):
        got += part
    assert got == plaintext


def test_random_access_reads_equal_the_plaintext_slice(identity):
    plaintext = os.urandom(5 * CHUNK_SIZE + 1234)
    ciphertext = age.encrypt_bytes([identity.recipient()], plaintext)
    reader = age.open_random_access([identity], io.BytesIO(ciphertext))
    assert reader.size == len(plaintext)
    rng = __import__("random").Random(7)
    offsets = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, len(plaintext) - 1, len(plaintext)]
    offsets += [rng.randrange(len(plaintext)) for _ in range(40)]
    for offset in offsets:
        for size in (0, 1, 100, CHUNK_SIZE, 2 * CHUNK_SIZE + 3):
            reader.seek(offset)
            assert reader.read(size) == plaintext[offset : offset + size]
    reader.seek(-10, os.SEEK_END)
    assert reader.read() == plaintext[-10:]


def test_random_access_reader_opens_zip_entries_without_full_decryption(pq_identity):
    import zipfile

    payload = {"a.txt": b"alpha" * 1000, "big.bin": os.urandom(3 * CHUNK_SIZE)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in payload.items():
            z.writestr(name, data)
    ciphertext = age.encrypt_bytes([pq_identity.recipient()], buf.getvalue())
    with zipfile.ZipFile(age.open_random_access([pq_identity], io.BytesIO(ciphertext))) as z:
        assert {n: z.read(n) for n in z.namelist()} == payload


def flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def payload_start(ciphertext: bytes) -> int:
    return ciphertext.index(b"\n---") + ciphertext[ciphertext.index(b"\n---") + 1 :].index(b"\n") + 2 + 16


def test_tampered_chunk_is_detected_by_both_readers(x25519_identity):
    plaintext = os.urandom(4 * CHUNK_SIZE)
    ciphertext = age.encrypt_bytes([x25519_identity.recipient()], plaintext)
    start = payload_start(ciphertext)
    tampered = flip(ciphertext, start + 2 * ENC_CHUNK_SIZE + 100)  # inside chunk 2
    with pytest.raises(age.PayloadError):
        age.decrypt([x25519_identity], io.BytesIO(tampered)).read()
    reader = age.open_random_access([x25519_identity], io.BytesIO(tampered))
    reader.seek(0)
    assert reader.read(CHUNK_SIZE) == plaintext[:CHUNK_SIZE]  # untouched chunks still read
    reader.seek(2 * CHUNK_SIZE + 5)
    with pytest.raises(age.PayloadError):
        reader.read(10)


def test_truncation_at_a_chunk_boundary_is_detected(x25519_identity):
    ciphertext = age.encrypt_bytes([x25519_identity.recipient()], os.urandom(3 * CHUNK_SIZE + 9))
    truncated = ciphertext[: payload_start(ciphertext) + 2 * ENC_CHUNK_SIZE]
    with pytest.raises(age.PayloadError):
        age.decrypt([x25519_identity], io.BytesIO(truncated)).read()
    with pytest.raises(age.PayloadError):
        age.open_random_access([x25519_identity], io.BytesIO(truncated))


def test_tampered_header_fails_the_mac(x25519_identity):
    ciphertext = age.encrypt_bytes([x25519_identity.recipient()], b"report")
    tampered = ciphertext.replace(b"age-encryption.org/v1\n", b"age-encryption.org/v1\n-> grease\n\n", 1)
    with pytest.raises(age.HMACError):
        age.decrypt([x25519_identity], io.BytesIO(tampered)).read()


def test_wrong_identity_is_no_match(pq_identity):
    ciphertext = age.encrypt_bytes([pq_identity.recipient()], b"report")
    with pytest.raises(age.NoIdentityMatchError):
        age.decrypt([age.HybridIdentity.generate(), age.X25519Identity.generate()], io.BytesIO(ciphertext))


def test_every_recipient_can_decrypt(pq_identity):
    others = [age.HybridIdentity.generate() for _ in range(3)]
    ciphertext = age.encrypt_bytes([pq_identity.recipient()] + [o.recipient() for o in others], b"report")
    for identity in [pq_identity, *others]:
        assert age.decrypt([identity], io.BytesIO(ciphertext)).read() == b"report"


def test_encrypting_refuses_to_mix_post_quantum_and_classic(pq_identity, x25519_identity):
    with pytest.raises(age.RecipientMixError):
        age.encrypt_bytes([pq_identity.recipient(), x25519_identity.recipient()], b"x")
    with pytest.raises(age.RecipientMixError):
        age.encrypt_bytes([age.ScryptRecipient("pw", 10), x25519_identity.recipient()], b"x")


def test_decrypting_a_mixed_file_works(pq_identity, x25519_identity):
    """Files written by other tools may mix types; we only refuse to write them."""
    from intake.age.format import header_with_mac, header_without_mac
    from intake.age.primitives import header_mac
    from intake.age.stream import PayloadWriter

    # Build the mixed header from the format pieces, as another tool might.
    out = io.BytesIO()
    file_key = os.urandom(16)
    stanzas = pq_identity.recipient().wrap(file_key) + x25519_identity.recipient().wrap(file_key)
    mac_input = header_without_mac(stanzas)
    out.write(header_with_mac(mac_input, header_mac(file_key, mac_input)))
    payload = PayloadWriter(out, file_key)
    payload.write(b"mixed")
    payload.close()
    for identity in (pq_identity, x25519_identity):
        assert age.decrypt([identity], io.BytesIO(out.getvalue())).read() == b"mixed"


def test_passphrase_round_trip_and_wrong_passphrase():
    ciphertext = age.encrypt_bytes([age.ScryptRecipient("correct horse", 10)], b"secret", armor=True)
    assert age.decrypt([age.ScryptIdentity("correct horse")], io.BytesIO(ciphertext), armored=True).read() == b"secret"
    with pytest.raises(age.NoIdentityMatchError):
        age.decrypt([age.ScryptIdentity("wrong")], io.BytesIO(ciphertext), armored=True)


def test_an_exception_while_writing_leaves_no_valid_file(x25519_identity):
    out = io.BytesIO()
    with pytest.raises(RuntimeError):
        with age.encrypt([x25519_identity.recipient()], out) as writer:
            writer.write(b"half a report")
            raise RuntimeError("disk went away")
    with pytest.raises(age.PayloadError):
        age.decrypt([x25519_identity], io.BytesIO(out.getvalue())).read()
