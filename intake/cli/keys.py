"""`intake keygen` and `intake recipient`: identity files and their public recipients."""

import sys

import click

from .. import age
from ..atomic import write_new_file
from .errors import CLIError
from .passphrase import get_passphrase, weak_passphrase_reason
from .sources import load_identity_file


@click.command()
@click.option("-o", "--output", "output", metavar="FILE", help="Write the identity here (mode 0600, never over an existing file).")
@click.option("--classic", is_flag=True, help="An X25519 key instead of the post-quantum hybrid default.")
@click.option("--passphrase-file", metavar="FILE", help="Read the protecting passphrase from the first line of FILE.")
@click.option("--unprotected", is_flag=True, help="Store the key without a passphrase (for a server-side demo, or a hardware-encrypted disk).")
@click.option("--weak-passphrase", is_flag=True, help="Accept a passphrase the strength check refuses (for tests; never for a real key).")
def keygen(output, classic, passphrase_file, unprotected, weak_passphrase):
    """Create a new identity (secret key) and print its public recipient.

    The identity file is passphrase-protected by default, as an age file that any age tool
    can open. The recipient goes to stdout; put it in the server's recipients file.
    """
    if unprotected and passphrase_file:
        raise click.UsageError("--unprotected and --passphrase-file exclude each other")
    if unprotected and weak_passphrase:
        raise click.UsageError("--unprotected and --weak-passphrase exclude each other")
    if output is None and sys.stdout.isatty():
        raise CLIError("refusing to print a secret key to the terminal", hint="use -o FILE")
    identity = age.generate_identity(post_quantum=not classic)
    text = age.identity_file_text([identity])
    if unprotected:
        data = text.encode()
    else:
        passphrase = get_passphrase(passphrase_file, "Passphrase to protect the new key: ", confirm=True)
        reason = None if weak_passphrase else weak_passphrase_reason(passphrase)
        if reason is not None:
            # Checked before anything is written; the passphrase itself is never shown.
            raise CLIError(f"this passphrase is too easy to guess: {reason}; nothing was written",
                           hint="use about 6 random words (docs/keys.md), or --weak-passphrase for a throwaway key")
        data = age.protect(text, passphrase)
    recipient = str(identity.recipient())
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        click.echo(f"intake: public key: {recipient}", err=True)
        return
    try:
        write_new_file(output, data)
    except FileExistsError:
        raise CLIError(f"{output} already exists; refusing to overwrite a key", hint="choose another -o FILE") from None
    except OSError as exc:
        raise CLIError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(recipient)


@click.command()
@click.argument("identity_file", metavar="IDENTITY_FILE")
@click.option("--passphrase-file", metavar="FILE", help="Passphrase for a protected identity file.")
def recipient(identity_file, passphrase_file):
    """Print the public recipient(s) of an identity file."""
    for identity in load_identity_file(identity_file, passphrase_file):
        click.echo(str(identity.recipient()))
