"""`intake serve` and `intake demo`: run the web intake under gunicorn."""

import errno
import os
import secrets
import socket
import sys
from pathlib import Path

import click

from .. import age
from ..atomic import write_new_file
from ..store import Store
from .errors import CLIError


def _check_configuration(env: dict) -> None:
    """Fail here, with a clear line, rather than in a gunicorn worker's traceback."""
    from ..web.config import ConfigError, load_config
    from ..web.recipients import load_server_recipients

    try:
        config = load_config(env, demo=env.get("INTAKE_DEMO") == "1")
        load_server_recipients(config["INTAKE_RECIPIENTS"])
    except ConfigError as exc:
        raise CLIError(str(exc)) from None
    Store(config["INTAKE_DATA_DIR"]).check_owner()  # UnsafeFolder is a CLIError; the server makes modes 0700


PORTS_TRIED = 100  # how far past a busy port to look for a free one to suggest


def _port_free(host: str, port: int) -> bool:
    """Whether we could listen on host:port now (as gunicorn does: SO_REUSEADDR, so a port in
    TIME_WAIT after a server stopped counts as free). OSError for a host we cannot listen on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def check_port(host: str, port: int) -> None:
    """Refuse at once, with the next free port to try, when something already listens on the
    port: otherwise gunicorn retries for seconds and prints a screen of errors."""
    try:
        if _port_free(host, port):
            return
        free = next((p for p in range(port + 1, min(port + PORTS_TRIED, 65535) + 1) if _port_free(host, p)), None)
    except OSError as exc:
        raise CLIError(f"cannot listen on {host} port {port}: {exc.strerror}",
                       hint="check --host (an address of this machine) and --port") from None
    if free is None:
        raise CLIError(f"port {port} is in use", hint="stop the program that listens there, or choose another --port")
    raise CLIError(f"port {port} is in use; try --port {free}")


def _run_gunicorn(env: dict, host: str, port: int) -> None:
    _check_configuration(env)
    os.environ.update(env)
    os.environ["INTAKE_BIND"] = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    args = [sys.executable, "-m", "gunicorn", "-c", "python:intake.web.gunicorn_conf", "intake.web.wsgi:app"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, args)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep loopback behind Tor or a proxy).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--data-dir", metavar="DIR", help="Where ciphertext is stored [INTAKE_DATA_DIR, default ./data].")
@click.option("--recipients", metavar="FILE", help="Public recipients file [INTAKE_RECIPIENTS, default keys/recipients.txt].")
def serve(host, port, data_dir, recipients):
    """Run the web intake (production settings; needs INTAKE_SECRET_KEY)."""
    env = dict(os.environ)
    if data_dir:
        env["INTAKE_DATA_DIR"] = data_dir
    if recipients:
        env["INTAKE_RECIPIENTS"] = recipients
    check_port(host, port)
    _run_gunicorn(env, host, port)


@click.command()
@click.option("--dir", "directory", default="demo", show_default=True, metavar="DIR", help="Folder for the throwaway key, recipients and data.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def demo(directory, host, port):
    """Run the intake with a throwaway key, for trying it out. Never for real reports."""
    check_port(host, port)  # before the banner that says where to open it
    root = Path(directory)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    identity_path = root / "DEMO-identity-NOT-FOR-REAL-REPORTS.txt"
    recipients_path = root / "recipients.txt"
    secret_path = root / "secret_key"
    if not identity_path.exists():
        identity = age.generate_identity()
        write_new_file(identity_path, age.identity_file_text([identity], comment="DEMO ONLY: unprotected, never use for real reports").encode())
        write_new_file(recipients_path, f"# DEMO ONLY\n{identity.recipient()}\n".encode(), mode=0o644)
    if not secret_path.exists():
        write_new_file(secret_path, secrets.token_hex(32).encode())
    bar = "=" * 72
    click.echo(
        f"{bar}\nDEMO MODE: a throwaway, unprotected key is in {identity_path}\n"
        f"Never use this for real reports. Submissions go to {root / 'data' / 'submissions'}\n"
        f"Read one:  intake decrypt -i {identity_path} -o report.zip {root / 'data' / 'submissions'}/ID.age\n"
        f"Try the desk on them (docs/staff.md, the five-minute tour; a demo vault, never a real one):\n"
        f"  export INTAKE_VAULT={root.resolve() / 'vault'} INTAKE_IDENTITY={identity_path.resolve()}\n"
        f"  intake import {root / 'data' / 'submissions'} && intake list\n"
        f"Open http://{host}:{port}/ in a browser.\n{bar}",
        err=True,
    )
    env = dict(os.environ)
    env.update(
        INTAKE_DEMO="1",
        INTAKE_DATA_DIR=str(root / "data"),
        INTAKE_RECIPIENTS=str(recipients_path),
        INTAKE_SECRET_KEY=secret_path.read_text().strip(),
        INTAKE_MIN_FREE=env.get("INTAKE_MIN_FREE", "64MiB"),
    )
    _run_gunicorn(env, host, port)
