"""Interoperability with independent age implementations: pyrage (rage), the age CLI, typage.

Every key is generated here, in tmp_path. A missing tool skips its tests, except under CI=true,
where CI installs everything and a missing tool is a failure.
"""

import io
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake import age
from tooling import require

pytestmark = pytest.mark.interop

INTEROP = Path(__file__).parent / "interop"
SIZES = [0, 1, 65536, 65537, 3 * 2**20 + 17]  # empty, tiny, one full chunk, chunk + 1, ~3 MB
INTAKE = [sys.executable, "-c", "import sys; from intake.cli import main; sys.exit(main())"]


def run(args, data: bytes = b"", cwd=None) -> bytes:
    """Run a command, feed it data on stdin, return its stdout; fail loudly on a non-zero exit."""
    result = subprocess.run([str(a) for a in args], input=data, capture_output=True, cwd=cwd, timeout=120)
    assert result.returncode == 0, f"{Path(str(args[0])).name} failed: {result.stderr.decode(errors='replace')}"
    return result.stdout


def our_encrypt(recipients, data: bytes, armor: bool = False) -> bytes:
    return age.encrypt_bytes(recipients, data, armor=armor)


def our_decrypt(identities, ciphertext: bytes) -> bytes:
    armored = age.is_armored(ciphertext[:2048])
    return age.decrypt(identities, io.BytesIO(ciphertext), armored=armored).read()


@pytest.fixture
def pyrage():
    try:
        import pyrage
    except ImportError:
        pyrage = None
    require(pyrage is not None, "pyrage is not installed (pip install pyrage)")
    return pyrage


@pytest.fixture
def age_cli():
    require(bool(shutil.which("age") and shutil.which("age-keygen")), "the age CLI (age, age-keygen) is not on PATH")


@pytest.fixture
def typage():
    """A function running tests/interop/typage.mjs with the given arguments and stdin."""
    require(bool(shutil.which("node")), "node is not on PATH")
    require((INTEROP / "node_modules" / "age-encryption").is_dir(), "typage missing: run npm ci in tests/interop")
    return lambda *args, data=b"": run(["node", INTEROP / "typage.mjs", *args], data)


def typage_keygen(typage, pq: bool = True) -> tuple[str, str]:
    identity, recipient = typage("keygen", "--pq" if pq else "--classic").decode().split()
    return identity, recipient


# pyrage (the Rust rage implementation) ------------------------------------------------------

ARMOR = pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])


@ARMOR
def test_pyrage_decrypts_our_x25519_files(pyrage, armor):
    key = pyrage.x25519.Identity.generate()
    data = os.urandom(70_000)
    ciphertext = our_encrypt([age.parse_recipient(str(key.to_public()))], data, armor)
    assert pyrage.decrypt(ciphertext, [key]) == data


@ARMOR
def test_we_decrypt_pyrage_x25519_files(pyrage, armor):
    identity = age.generate_identity(post_quantum=False)
    data = os.urandom(70_000)
    recipient = pyrage.x25519.Recipient.from_str(str(identity.recipient()))
    assert our_decrypt([identity], pyrage.encrypt(data, [recipient], armored=armor)) == data


@ARMOR
def test_pyrage_decrypts_our_passphrase_files(pyrage, armor):
    data = os.urandom(70_000)
    ciphertext = our_encrypt([age.ScryptRecipient("correct horse", work_factor=10)], data, armor)
    assert pyrage.passphrase.decrypt(ciphertext, "correct horse") == data


@pytest.mark.slow
def test_we_decrypt_pyrage_passphrase_files(pyrage):
    # pyrage picks its own work factor (about a second of scrypt), so this runs once, armored.
    data = os.urandom(70_000)
    ciphertext = pyrage.passphrase.encrypt(data, "correct horse", armored=True)
    assert our_decrypt([age.ScryptIdentity("correct horse")], ciphertext) == data


def test_pyrage_unlocks_identity_file_protected_by_intake_keygen(pyrage, tmp_path):
    (tmp_path / "pass").write_text("correct horse\n")
    printed = run([*INTAKE, "keygen", "--classic", "--weak-passphrase", "--passphrase-file", "pass", "-o", "key.age"], cwd=tmp_path)
    plain = pyrage.passphrase.decrypt((tmp_path / "key.age").read_bytes(), "correct horse").decode()
    secret = [line for line in plain.splitlines() if line.startswith("AGE-SECRET-KEY-")]
    assert len(secret) == 1
    # The unlocked secret opens a file encrypted to the recipient keygen printed.
    data = os.urandom(1000)
    ciphertext = our_encrypt([age.parse_recipient(printed.decode())], data)
    assert pyrage.decrypt(ciphertext, [pyrage.x25519.Identity.from_str(secret[0])]) == data


# The age CLI (Debian age 1.1.1: X25519 and scrypt only) --------------------------------------


@ARMOR
def test_age_decrypts_our_x25519_files(age_cli, tmp_path, armor):
    run(["age-keygen", "-o", tmp_path / "key"])
    recipient = run(["age-keygen", "-y", tmp_path / "key"]).decode()
    data = os.urandom(70_000)
    ciphertext = our_encrypt([age.parse_recipient(recipient)], data, armor)
    assert run(["age", "-d", "-i", tmp_path / "key"], ciphertext) == data


@ARMOR
def test_intake_decrypt_opens_age_files_with_age_keygen_identity(age_cli, tmp_path, armor):
    run(["age-keygen", "-o", "key"], cwd=tmp_path)
    recipient = run(["age-keygen", "-y", "key"], cwd=tmp_path).decode().strip()
    data = os.urandom(70_000)
    (tmp_path / "ct").write_bytes(run(["age", "-r", recipient, *(["-a"] if armor else [])], data))
    run([*INTAKE, "decrypt", "-i", "key", "-o", "out", "ct"], cwd=tmp_path)
    assert (tmp_path / "out").read_bytes() == data


def test_age_uses_identity_file_from_intake_keygen(age_cli, tmp_path):
    printed = run([*INTAKE, "keygen", "--classic", "--unprotected", "-o", "key"], cwd=tmp_path).decode().strip()
    # age derives the same public key from our file as we printed.
    assert run(["age-keygen", "-y", "key"], cwd=tmp_path).decode().strip() == printed
    data = os.urandom(70_000)
    ciphertext = run([*INTAKE, "encrypt", "-r", printed], data)
    assert run(["age", "-d", "-i", "key"], ciphertext, cwd=tmp_path) == data


def run_with_terminal(args, answer: bytes, cwd: Path) -> bytes:
    """Run a command on a pseudo-terminal, typing `answer` at its first passphrase prompt.

    age reads passphrases from /dev/tty only, so a pipe on stdin cannot supply one.
    """
    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session whose controlling terminal is the pty
        try:
            os.chdir(cwd)
            os.execvp(args[0], args)
        finally:
            os._exit(127)  # never return into pytest from the forked child
    shown, answered, deadline = b"", False, time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if not select.select([fd], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child exited and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
            if not answered and b"passphrase" in shown.lower():
                os.write(fd, answer + b"\n")
                answered = True
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, f"{args[0]} failed: {shown.decode(errors='replace')}"
    return shown


def test_age_unlocks_identity_file_protected_by_intake_keygen(age_cli, tmp_path):
    (tmp_path / "pass").write_text("correct horse\n")
    printed = run([*INTAKE, "keygen", "--classic", "--weak-passphrase", "--passphrase-file", "pass", "-o", "key.age"], cwd=tmp_path)
    data = os.urandom(70_000)
    (tmp_path / "ct").write_bytes(our_encrypt([age.parse_recipient(printed.decode())], data))
    run_with_terminal(["age", "-d", "-i", "key.age", "-o", "out", "ct"], b"correct horse", tmp_path)
    assert (tmp_path / "out").read_bytes() == data


# typage (the age-encryption npm package) --------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_typage_decrypts_our_post_quantum_files(typage, size):
    identity, recipient = typage_keygen(typage)
    data = os.urandom(size)
    assert typage("decrypt", "-i", identity, data=our_encrypt([age.parse_recipient(recipient)], data)) == data


@pytest.mark.parametrize("size", SIZES)
def test_we_decrypt_typage_post_quantum_files(typage, size):
    identity = age.generate_identity(post_quantum=True)
    data = os.urandom(size)
    assert our_decrypt([identity], typage("encrypt", "-r", str(identity.recipient()), data=data)) == data


@pytest.mark.parametrize("armor", [False, True], ids=["binary", "armored"])
@pytest.mark.parametrize("pq", [True, False], ids=["mlkem768x25519", "x25519"])
def test_files_cross_both_ways_with_typage(typage, pq, armor):
    armor_flag = ["--armor"] if armor else []
    data = os.urandom(100_000)
    their_identity, their_recipient = typage_keygen(typage, pq)
    ours = our_encrypt([age.parse_recipient(their_recipient)], data, armor)
    assert typage("decrypt", "-i", their_identity, *armor_flag, data=ours) == data
    our_identity = age.generate_identity(post_quantum=pq)
    theirs = typage("encrypt", "-r", str(our_identity.recipient()), *armor_flag, data=data)
    assert theirs.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----") == armor
    assert our_decrypt([our_identity], theirs) == data


def test_file_for_two_post_quantum_recipients_opens_with_either_key(typage):
    data = os.urandom(70_000)
    keys = [typage_keygen(typage) for _ in range(2)]
    ours = our_encrypt([age.parse_recipient(recipient) for _, recipient in keys], data)
    for identity, _ in keys:
        assert typage("decrypt", "-i", identity, data=ours) == data
    identities = [age.generate_identity(post_quantum=True) for _ in range(2)]
    theirs = typage("encrypt", "-r", str(identities[0].recipient()), "-r", str(identities[1].recipient()), data=data)
    for identity in identities:
        assert our_decrypt([identity], theirs) == data


@pytest.mark.parametrize("pq", [True, False], ids=["mlkem768x25519", "x25519"])
def test_recipient_derivation_matches_typage(typage, pq):
    their_identity, their_recipient = typage_keygen(typage, pq)
    assert str(age.parse_identity(their_identity).recipient()) == their_recipient
    ours = age.generate_identity(post_quantum=pq)
    assert typage("recipient", ours.to_secret_string()).decode().strip() == str(ours.recipient())


def test_passphrase_files_cross_both_ways_with_typage(typage):
    data = os.urandom(70_000)
    ours = our_encrypt([age.ScryptRecipient("correct horse", work_factor=10)], data, armor=True)
    assert typage("decrypt-passphrase", "correct horse", data=ours) == data
    theirs = typage("encrypt-passphrase", "correct horse", "--work-factor", "10", data=data)
    assert our_decrypt([age.ScryptIdentity("correct horse")], theirs) == data


def test_intake_encrypt_output_decrypts_with_typage(typage, tmp_path):
    identity, recipient = typage_keygen(typage)
    data = os.urandom(65537)
    (tmp_path / "report").write_bytes(data)
    run([*INTAKE, "encrypt", "-r", recipient, "-a", "-o", "report.age", "report"], cwd=tmp_path)
    assert typage("decrypt", "-i", identity, "--armor", data=(tmp_path / "report.age").read_bytes()) == data


def test_typage_output_decrypts_with_intake_decrypt(typage, tmp_path):
    recipient = run([*INTAKE, "keygen", "--unprotected", "-o", "key"], cwd=tmp_path).decode().strip()
    assert recipient.startswith("age1pq1")
    data = os.urandom(65537)
    (tmp_path / "report.age").write_bytes(typage("encrypt", "-r", recipient, data=data))
    run([*INTAKE, "decrypt", "-i", "key", "-o", "report", "report.age"], cwd=tmp_path)
    assert (tmp_path / "report").read_bytes() == data
