"""The `intake` command: one entry point for key tools, the web server and the staff desk.

Every failure becomes one line `intake: error: …` on stderr (plus `intake: hint: …` where a
next step helps) and exit status 1; usage mistakes exit 2. Messages never carry key material,
passphrases or report content.
"""

import contextlib
import io
import os
import sys

import click

from .. import age
from .errors import CLIError
from .files import decrypt, encrypt
from .keys import keygen, recipient
from .collect import collect
from .consent import consent
from .translate import translate
from .web import demo, serve
from .desk import COMMANDS as DESK_COMMANDS
from .export import export
from .quarantine import COMMANDS as QUARANTINE_COMMANDS
from .redact import redact
from .replies import COMMANDS as REPLY_COMMANDS
from .vault import COMMANDS as VAULT_COMMANDS

_AGE_ERROR_TEXT = {
    age.NoIdentityMatchError: ("{}", "check that this file was encrypted to your key"),
    age.HMACError: ("the file's header was modified or corrupted ({})", None),
    age.HeaderError: ("not a valid age file: {}", None),
    age.PayloadError: ("the file is corrupted or truncated: {}", "nothing was written to the output file"),
    age.ArmorError: ("invalid armored file: {}", None),
    age.RecipientMixError: ("{}", None),
    age.KeyFormatError: ("{}", None),
}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="intake", prog_name="intake")
def cli():
    """Secure intake of reprisal reports: age encryption, the web form and the staff desk."""


for command in (keygen, recipient, encrypt, decrypt, serve, demo, collect, *DESK_COMMANDS, redact, export, consent, translate, *QUARANTINE_COMMANDS, *VAULT_COMMANDS,
                *REPLY_COMMANDS):
    cli.add_command(command)


def _say(kind: str, message: str) -> None:
    click.echo(f"intake: {kind}: {message}", err=True)


def _age_error(exc: age.AgeError) -> tuple[str, str | None]:
    for cls in type(exc).__mro__:
        if cls in _AGE_ERROR_TEXT:
            text, hint = _AGE_ERROR_TEXT[cls]
            return text.format(exc), hint
    return str(exc), None


def main(argv=None, *, stdin=None, stdout=None, stderr=None, env=None) -> int:
    """Run `intake` with these arguments; returns the exit status.

    stdin/stdout/stderr (binary files) and env (a mapping) replace the process's own for the
    length of the call, so the command can be run in-process exactly as from a shell (the
    tests do). Without them it uses the real ones.
    """
    with _standard_streams(stdin, stdout, stderr, env):
        return _run(argv)


@contextlib.contextmanager
def _standard_streams(stdin, stdout, stderr, env):
    saved = sys.stdin, sys.stdout, sys.stderr
    saved_env = dict(os.environ) if env is not None else None
    wrappers = []

    def text(binary, name):
        if binary is None:
            return getattr(sys, name)
        wrapper = io.TextIOWrapper(binary, encoding="utf-8", errors="backslashreplace" if name == "stderr" else "strict",
                                   write_through=True)
        wrappers.append(wrapper)
        return wrapper

    try:
        sys.stdin, sys.stdout, sys.stderr = text(stdin, "stdin"), text(stdout, "stdout"), text(stderr, "stderr")
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        yield
    finally:
        for wrapper in wrappers:
            with contextlib.suppress(ValueError):  # the command may have closed its stream
                wrapper.flush()
                wrapper.detach()  # the caller's binary stream stays open
        sys.stdin, sys.stdout, sys.stderr = saved
        if saved_env is not None:
            os.environ.clear()
            os.environ.update(saved_env)


def _run(argv) -> int:
    try:
        cli.main(args=argv, prog_name="intake", standalone_mode=False)
    except click.UsageError as exc:
        _say("error", exc.format_message())
        command = exc.ctx.command_path if exc.ctx else "intake"
        _say("hint", f"see '{command} --help'")
        return 2
    except click.exceptions.Abort:
        _say("error", "interrupted")
        return 1
    except click.ClickException as exc:
        _say("error", exc.format_message())
        return exc.exit_code
    except CLIError as exc:
        _say("error", str(exc))
        if exc.hint:
            _say("hint", exc.hint)
        return 1
    except age.AgeError as exc:
        message, hint = _age_error(exc)
        _say("error", message)
        if hint:
            _say("hint", hint)
        return 1
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        _say("error", "interrupted")
        return 130
    return 0


def run() -> None:
    sys.exit(main())
