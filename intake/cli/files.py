"""`intake encrypt` and `intake decrypt`: age-compatible file tools.

Output files are written beside their final name and renamed only when complete: for decrypt,
only after the last chunk authenticated, so a truncated or tampered file never leaves partial
plaintext under the requested name.
"""

import contextlib
import sys

import click

from .. import age
from ..atomic import AtomicFile
from .errors import CLIError
from .passphrase import get_passphrase
from .sources import load_identity_file, load_recipients


@contextlib.contextmanager
def _input(path: str | None):
    if path in (None, "-"):
        yield sys.stdin.buffer
        return
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror}") from None
    with f:
        yield f


@contextlib.contextmanager
def _output(path: str | None):
    if path in (None, "-"):
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    try:
        with AtomicFile(path, mode=0o600) as f:
            yield f
    except FileExistsError:
        raise CLIError(f"{path} already exists; refusing to overwrite it", hint="choose another -o OUT") from None
    except OSError as exc:
        if exc.filename is None or exc.errno is None:
            raise
        raise CLIError(f"cannot write {path}: {exc.strerror}") from None


@click.command()
@click.option("-r", "--recipient", "recipients", multiple=True, metavar="RECIPIENT", help="Encrypt to this age1pq1… or age1… recipient (repeatable).")
@click.option("-R", "--recipients-file", "recipient_files", multiple=True, metavar="FILE", help="Encrypt to every recipient in FILE (repeatable).")
@click.option("-a", "--armor", is_flag=True, help="Write ASCII-armored (PEM-like) text.")
@click.option("-o", "--output", metavar="OUT", help="Write here instead of stdout (refuses to overwrite).")
@click.argument("input_path", metavar="[INPUT]", required=False)
def encrypt(recipients, recipient_files, armor, output, input_path):
    """Encrypt INPUT (or stdin) to age recipients."""
    parsed = load_recipients(recipients, recipient_files)
    if output in (None, "-") and not armor and sys.stdout.isatty():
        raise CLIError("refusing to write binary ciphertext to the terminal", hint="use -a for text, or -o OUT")
    with _input(input_path) as src, _output(output) as dst:
        writer = age.encrypt(parsed, dst, armor=armor)
        writer.read_from(src)  # reads, seals and writes in parallel batches (see intake/age/pipeline.py)
        writer.close()


@click.command()
@click.option("-i", "--identity", "identity_files", multiple=True, metavar="IDENTITY_FILE", help="Decrypt with the identities in this file (repeatable).")
@click.option("--passphrase-file", metavar="FILE", help="Passphrase for protected identity files, or for a passphrase-encrypted INPUT when no -i is given.")
@click.option("-o", "--output", metavar="OUT", help="Write here instead of stdout (appears only once the whole file verified).")
@click.argument("input_path", metavar="[INPUT]", required=False)
def decrypt(identity_files, passphrase_file, output, input_path):
    """Decrypt INPUT (or stdin), binary or armored."""
    identities = [i for path in identity_files for i in load_identity_file(path, passphrase_file)]
    with _input(input_path) as src:
        armored = age.is_armored(src.peek(2048)[:2048])
        if not identities:
            identities = [age.ScryptIdentity(get_passphrase(passphrase_file, "Passphrase: "))]
        try:
            reader = age.decrypt(identities, src, armored=armored)
        except age.NoIdentityMatchError as exc:
            if identity_files:
                raise
            if "scrypt" not in exc.stanza_types:
                raise CLIError(
                    "this file is encrypted to public keys, not a passphrase",
                    hint="give -i IDENTITY_FILE",
                ) from None
            raise
        with _output(output) as dst:
            # Each chunk reaches dst only once it authenticated; a damaged file raises here,
            # and _output then discards an -o file.
            reader.write_to(dst)
