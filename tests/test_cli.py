"""The `intake` key and file commands as a user runs them: real processes, exit codes, stderr."""

import os
import stat
import subprocess
import sys

import pytest

from cli_runner import intake as run_intake
from intake import age


def intake(*args, input: bytes | None = None, env_extra: dict | None = None, cwd=None):
    """`intake ARGS` in-process (cli_runner), without a passphrase file from the caller's environment."""
    env = {k: v for k, v in os.environ.items() if k != "INTAKE_PASSPHRASE_FILE"}
    env.update(env_extra or {})
    return run_intake(*args, input=input if input is not None else b"", env=env, cwd=cwd)


def error_lines(result) -> list[str]:
    return result.stderr.decode().splitlines()


@pytest.fixture(scope="module")
def classic_key(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "classic.txt"
    result = intake("keygen", "--classic", "--unprotected", "-o", path)
    assert result.returncode == 0, result.stderr
    return path, result.stdout.decode().strip()


@pytest.fixture(scope="module")
def protected_key(tmp_path_factory):
    folder = tmp_path_factory.mktemp("protected")
    (folder / "pass").write_text("correct horse battery staple\n")
    path = folder / "key.age"
    result = intake("keygen", "--passphrase-file", folder / "pass", "-o", path)
    assert result.returncode == 0, result.stderr
    return path, folder / "pass", result.stdout.decode().strip()


def test_keygen_writes_mode_0600_and_prints_the_recipient(classic_key):
    path, recipient = classic_key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert recipient.startswith("age1") and not recipient.startswith("age1pq1")
    (identity,) = age.parse_identities_file(path.read_text())
    assert str(identity.recipient()) == recipient


def test_keygen_is_post_quantum_and_protected_by_default(protected_key):
    path, passphrase_file, recipient = protected_key
    assert recipient.startswith("age1pq1")
    data = path.read_bytes()
    assert data.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----")
    assert b"AGE-SECRET-KEY" not in data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    result = intake("recipient", path, "--passphrase-file", passphrase_file)
    assert result.stdout.decode().strip() == recipient


def test_keygen_never_overwrites(classic_key):
    path, _ = classic_key
    before = path.read_bytes()
    result = intake("keygen", "--unprotected", "-o", path)
    assert result.returncode == 1
    assert error_lines(result)[0] == f"intake: error: {path} already exists; refusing to overwrite a key"
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


def test_keygen_without_passphrase_or_terminal_explains_itself(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "intake", "keygen", "-o", tmp_path / "k"],
        capture_output=True, stdin=subprocess.DEVNULL, start_new_session=True,  # no controlling tty
    )
    assert result.returncode == 1
    lines = error_lines(result)
    assert lines[0] == "intake: error: a passphrase is needed and there is no terminal to ask for it"
    assert lines[1].startswith("intake: hint: use --passphrase-file")
    assert not (tmp_path / "k").exists()


@pytest.mark.parametrize("armor", [[], ["-a"]], ids=["binary", "armored"])
def test_encrypt_decrypt_round_trip_with_files(tmp_path, classic_key, armor):
    key, recipient = classic_key
    plain = tmp_path / "report.bin"
    plain.write_bytes(os.urandom(200_000))
    assert intake("encrypt", "-r", recipient, *armor, "-o", tmp_path / "r.age", plain).returncode == 0
    assert intake("decrypt", "-i", key, "-o", tmp_path / "out", tmp_path / "r.age").returncode == 0
    assert (tmp_path / "out").read_bytes() == plain.read_bytes()
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o600


def test_encrypt_decrypt_through_pipes_with_a_recipients_file(tmp_path, protected_key):
    key, passphrase_file, recipient = protected_key
    (tmp_path / "recipients.txt").write_text(f"# staff key\n{recipient}\n")
    enc = intake("encrypt", "-R", tmp_path / "recipients.txt", input=b"through a pipe")
    assert enc.returncode == 0 and enc.stdout.startswith(b"age-encryption.org/v1\n-> mlkem768x25519 ")
    dec = intake("decrypt", "-i", key, "--passphrase-file", passphrase_file, input=enc.stdout)
    assert dec.returncode == 0 and dec.stdout == b"through a pipe"


def test_passphrase_from_the_environment(tmp_path, protected_key):
    key, passphrase_file, recipient = protected_key
    enc = intake("encrypt", "-r", recipient, input=b"x")
    dec = intake("decrypt", "-i", key, input=enc.stdout, env_extra={"INTAKE_PASSPHRASE_FILE": str(passphrase_file)})
    assert dec.returncode == 0 and dec.stdout == b"x"


def damaged(ciphertext: bytes, how: str) -> bytes:
    if how == "truncated":
        return ciphertext[: len(ciphertext) - 100]
    changed = bytearray(ciphertext)
    changed[-50] ^= 1
    return bytes(changed)


@pytest.mark.parametrize("how", ["truncated", "tampered"])
def test_decrypt_leaves_no_partial_output(tmp_path, classic_key, how):
    key, recipient = classic_key
    enc = intake("encrypt", "-r", recipient, input=os.urandom(300_000))
    (tmp_path / "bad.age").write_bytes(damaged(enc.stdout, how))
    result = intake("decrypt", "-i", key, "-o", tmp_path / "out", tmp_path / "bad.age")
    assert result.returncode == 1
    assert error_lines(result)[0].startswith("intake: error: the file is corrupted or truncated: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.age"]


def test_wrong_passphrase_and_wrong_identity_have_their_own_messages(tmp_path, classic_key, protected_key):
    key, recipient = classic_key
    pkey, _, _ = protected_key
    (tmp_path / "wrong").write_text("not the passphrase\n")
    enc = intake("encrypt", "-r", recipient, input=b"x")
    wrong_pass = intake("decrypt", "-i", pkey, "--passphrase-file", tmp_path / "wrong", input=enc.stdout)
    assert wrong_pass.returncode == 1
    assert error_lines(wrong_pass)[0] == f"intake: error: wrong passphrase for identity file {pkey}"
    other = tmp_path / "other.txt"
    intake("keygen", "--classic", "--unprotected", "-o", other)
    wrong_id = intake("decrypt", "-i", other, input=enc.stdout)
    assert wrong_id.returncode == 1
    assert error_lines(wrong_id)[0].startswith("intake: error: no identity matched any of the file's recipients")


def test_not_an_age_file(classic_key):
    key, _ = classic_key
    result = intake("decrypt", "-i", key, input=b"hello, this is not age\n")
    assert result.returncode == 1
    assert error_lines(result)[0].startswith("intake: error: not a valid age file: ")


def test_unknown_recipient_type_and_mixed_recipients(classic_key, protected_key):
    _, classic = classic_key
    _, _, pq = protected_key
    unknown = intake("encrypt", "-r", "ssh-ed25519 AAAAC3Nza", input=b"x")
    assert unknown.returncode == 1
    assert error_lines(unknown)[0] == (
        "intake: error: invalid recipient given with -r: SSH recipients are not supported; use an age1… recipient"
    )
    mixed = intake("encrypt", "-r", classic, "-r", pq, input=b"x")
    assert mixed.returncode == 1
    assert error_lines(mixed)[0].startswith("intake: error: refusing to mix post-quantum")
    assert mixed.stdout == b""


def test_a_secret_key_given_as_recipient_is_not_echoed(tmp_path, classic_key):
    key, _ = classic_key
    secret = next(line for line in key.read_text().splitlines() if line.startswith("AGE-SECRET-KEY-"))
    (tmp_path / "recipients.txt").write_text(secret + "\n")
    result = intake("encrypt", "-R", tmp_path / "recipients.txt", input=b"x")
    assert result.returncode == 1
    assert secret not in result.stderr.decode() and secret[15:35] not in result.stderr.decode()
    assert "line 1: found a secret key where a public recipient was expected" in result.stderr.decode()


def test_usage_errors_exit_2():
    result = intake("encrypt", "--no-such-flag")
    assert result.returncode == 2
    assert error_lines(result)[0].startswith("intake: error: ")
    assert intake("no-such-command").returncode == 2


def test_missing_input_file(classic_key, tmp_path):
    _, recipient = classic_key
    result = intake("encrypt", "-r", recipient, tmp_path / "missing")
    assert result.returncode == 1
    assert error_lines(result) == [f"intake: error: cannot read {tmp_path / 'missing'}: No such file or directory"]


def test_passphrase_encrypted_files_without_identity(tmp_path):
    (tmp_path / "pass").write_text("pw\n")
    ciphertext = age.encrypt_bytes([age.ScryptRecipient("pw", 10)], b"by passphrase", armor=True)
    dec = intake("decrypt", "--passphrase-file", tmp_path / "pass", input=ciphertext)
    assert dec.returncode == 0 and dec.stdout == b"by passphrase"
