#!/usr/bin/env python3
"""Throughput and memory benchmark for intake.age against its ceiling and other age tools.

Run from the repository root (see bench/README.md for how to read the output):

    .venv/bin/python bench/bench_age.py                   # 512 MiB, median of 3
    .venv/bin/python bench/bench_age.py --size-mib 256 --repeat 5
    .venv/bin/python bench/bench_age.py --json > result.json
    .venv/bin/python bench/bench_age.py --cli-size-mib 256 --repeat 5   # a quicker CLI comparison

Measured, each `--repeat` times (median reported), in one process unless noted:
  - raw ChaCha20-Poly1305 over 64 KiB chunks with `cryptography`: the ceiling for age's STREAM;
  - ours: streaming encrypt (1 MiB writes and 4 KiB writes into a byte-counting sink, and into
    a real file), sequential decrypt (readinto a reused 1 MiB buffer), X25519 and post-quantum;
  - pyrage (X25519): streaming encrypt_io/decrypt_io and the in-memory encrypt/decrypt;
  - the `age` CLI (X25519), whole process, file to file;
  - our CLI against the `age` CLI, whole processes, stdin to stdout (X25519, --cli-size-mib,
    1 GiB by default): `python -m intake encrypt -r … < in > out` and `decrypt -i key`;
  - peak RSS of a child process doing our encrypt+decrypt, at two input sizes.

Exit status is 0 whatever the result, unless --strict is given and a target is missed.
Only the standard library, `cryptography`, `pyrage` (optional) and `intake.age` are used.
"""

import argparse
import filecmp
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from intake import age

try:
    import pyrage
except ImportError:  # optional: reported as skipped
    pyrage = None

MIB = 1 << 20
CHUNK = 64 * 1024  # age's STREAM chunk size
SMALL_WRITE = 4096
PYRAGE_BYTES_CAP_MIB = 64  # pyrage's bytes API holds everything in memory: cap what we hand it

# Targets from the issue.
TARGET_ENCRYPT_VS_RAW = 0.70  # ours streaming encrypt / raw ChaCha20-Poly1305, at least
TARGET_VS_PYRAGE = 1.0  # ours / pyrage, more than
TARGET_RSS_GROWTH_MIB = 16  # peak RSS(big input) - peak RSS(small input), less than
TARGET_CLI_TIME_VS_AGE = 1.0  # our CLI's time / the age CLI's time, stdin to stdout, at most
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LABELS = {
    "raw_encrypt": "raw ChaCha20-Poly1305 encrypt, 64 KiB chunks (ceiling)",
    "raw_decrypt": "raw ChaCha20-Poly1305 decrypt, 64 KiB chunks (ceiling)",
    "ours_encrypt_x25519": "ours encrypt X25519, 1 MiB writes -> null sink",
    "ours_encrypt_pq": "ours encrypt PQ hybrid, 1 MiB writes -> null sink",
    "ours_encrypt_x25519_4k": "ours encrypt X25519, 4 KiB writes -> null sink",
    "ours_encrypt_x25519_file": "ours encrypt X25519, 1 MiB writes -> file",
    "ours_decrypt_x25519": "ours decrypt X25519, file -> readinto 1 MiB",
    "ours_decrypt_pq": "ours decrypt PQ hybrid, file -> readinto 1 MiB",
    "file_write": "plain file write, 1 MiB writes (I/O only, no crypto)",
    "file_read": "plain file read, readinto 1 MiB (I/O only, no crypto)",
    "pyrage_encrypt_io": "pyrage encrypt_io X25519, reader -> null sink",
    "pyrage_decrypt_io": "pyrage decrypt_io X25519, file -> null sink",
    "pyrage_encrypt_bytes": f"pyrage encrypt(bytes) X25519, {PYRAGE_BYTES_CAP_MIB} MiB max in memory",
    "pyrage_decrypt_bytes": f"pyrage decrypt(bytes) X25519, {PYRAGE_BYTES_CAP_MIB} MiB max in memory",
    "age_cli_encrypt": "age CLI encrypt X25519, file -> file (whole process)",
    "age_cli_decrypt": "age CLI decrypt X25519, file -> /dev/null (whole process)",
}

CLI_LABELS = {
    "ours_cli_encrypt_stdio": "ours  python -m intake encrypt -r R < plain > out",
    "age_cli_encrypt_stdio": "age   age -r R < plain > out",
    "ours_cli_decrypt_stdio": "ours  python -m intake decrypt -i KEY < file.age > out",
    "age_cli_decrypt_stdio": "age   age -d -i KEY < file.age > out",
}


# --- sources and sinks --------------------------------------------------------------------


class NullSink:
    """A write-only file object that discards the data and counts it (no I/O in the timing)."""

    def __init__(self):
        self.count = 0

    def write(self, data) -> int:
        n = len(data)
        self.count += n
        return n

    def flush(self) -> None:
        pass


class RepeatReader:
    """A readable file object of `size` bytes made of one block repeated: a large input
    without holding it in memory. pyrage pulls through read() (8 KiB at a time)."""

    def __init__(self, block: bytes, size: int):
        self._block = block
        self._left = size
        self._pos = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self._left
        n = min(n, self._left, len(self._block) - self._pos)
        data = self._block[self._pos : self._pos + n]
        self._pos = (self._pos + n) % len(self._block)
        self._left -= n
        return data


def feed(writer, block: bytes, size_mib: int, write_size: int) -> None:
    """Write size_mib MiB into `writer` in `write_size` pieces, reusing one 1 MiB block."""
    if write_size >= len(block):
        for _ in range(size_mib):
            writer.write(block)
        return
    # Cut once, outside the loop, so the loop costs only the writes. bytes, not memoryviews:
    # that is what callers such as shutil.copyfileobj or zipfile hand over.
    pieces = [block[i : i + write_size] for i in range(0, len(block), write_size)]
    for _ in range(size_mib):
        for piece in pieces:
            writer.write(piece)


def read_all(reader, buf: bytearray) -> int:
    """Read `reader` to the end through readinto into one reused buffer; return the byte count."""
    total = 0
    while n := reader.readinto(buf):
        total += n
    return total


def check(condition: bool, what: str) -> None:
    # Not assert: a benchmark that silently measures a broken run is worse than none.
    if not condition:
        raise RuntimeError(f"benchmark sanity check failed: {what}")


# --- one run of each measurement ----------------------------------------------------------


def raw_encrypt(block: bytes, size_mib: int) -> None:
    # The least work age's STREAM can do: one AEAD call per 64 KiB chunk, counter nonce.
    aead = ChaCha20Poly1305(os.urandom(32))
    chunks = [memoryview(block)[i : i + CHUNK] for i in range(0, len(block), CHUNK)]
    counter = 0
    for _ in range(size_mib):
        for chunk in chunks:
            aead.encrypt(counter.to_bytes(12, "big"), chunk, None)
            counter += 1


def make_raw_decrypt(block: bytes):
    # Decrypting needs valid ciphertext: seal the 16 chunks of the block once, then open the
    # same 16 over and over (the nonces repeat per MiB; irrelevant to the speed).
    aead = ChaCha20Poly1305(os.urandom(32))
    sealed = [
        (i.to_bytes(12, "big"), aead.encrypt(i.to_bytes(12, "big"), block[off : off + CHUNK], None))
        for i, off in enumerate(range(0, len(block), CHUNK))
    ]

    def raw_decrypt(size_mib: int) -> None:
        for _ in range(size_mib):
            for nonce, chunk in sealed:
                aead.decrypt(nonce, chunk, None)

    return raw_decrypt


def ours_encrypt_null(recipient, block: bytes, size_mib: int, write_size: int) -> None:
    sink = NullSink()
    with age.encrypt([recipient], sink) as writer:
        feed(writer, block, size_mib, write_size)
    check(sink.count > size_mib * MIB, "our ciphertext is shorter than the plaintext")


def ours_encrypt_file(recipient, block: bytes, size_mib: int, path: str) -> None:
    # Open and close inside the timing: the buffered file's final flush is part of the cost.
    with open(path, "wb") as out, age.encrypt([recipient], out) as writer:
        feed(writer, block, size_mib, MIB)


def ours_decrypt(identity, path: str, size_mib: int, buf: bytearray) -> None:
    with open(path, "rb") as src:
        total = read_all(age.decrypt([identity], src), buf)
    check(total == size_mib * MIB, f"ours decrypted {total} bytes of {path}")


def file_write(block: bytes, size_mib: int, path: str) -> None:
    with open(path, "wb") as out:
        feed(out, block, size_mib, MIB)


def file_read(path: str, buf: bytearray) -> None:
    with open(path, "rb") as src:
        read_all(src, buf)


def pyrage_encrypt_io(recipient, block: bytes, size_mib: int) -> None:
    sink = NullSink()
    pyrage.encrypt_io(RepeatReader(block, size_mib * MIB), sink, [recipient])
    check(sink.count > size_mib * MIB, "pyrage ciphertext is shorter than the plaintext")


def pyrage_decrypt_io(identity, path: str, size_mib: int) -> None:
    sink = NullSink()
    with open(path, "rb") as src:
        pyrage.decrypt_io(src, sink, [identity])
    check(sink.count == size_mib * MIB, f"pyrage decrypted {sink.count} bytes of {path}")


def run_process(argv: list[str]) -> None:
    # The whole process is timed (start-up, key parsing, I/O), as a user of the CLI sees it.
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def run_stdio(argv: list[str], src_path: str, dst_path: str) -> tuple[float, float]:
    """One whole process as `argv < src_path > dst_path`: (wall seconds, CPU seconds).

    The output is truncated, as the shell's `>` does, before the clock starts. CPU is user +
    system time of the child (all its threads), from RUSAGE_CHILDREN before and after.
    """
    import resource

    with open(src_path, "rb") as src, open(dst_path, "wb") as dst:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdin=src, stdout=dst, cwd=REPO)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def per_file_ms(recipient, identity, times: int = 30) -> dict:
    """Median cost of one empty file: the header (key wrap/unwrap, MAC) and nothing else."""
    enc, dec = [], []
    for _ in range(times):
        start = time.perf_counter()
        sink = io.BytesIO()
        with age.encrypt([recipient], sink):
            pass
        enc.append(time.perf_counter() - start)
        sink.seek(0)
        start = time.perf_counter()
        age.decrypt([identity], sink).read()
        dec.append(time.perf_counter() - start)
    return {"encrypt": statistics.median(enc) * 1e3, "decrypt": statistics.median(dec) * 1e3}


# --- peak memory, measured in a child process ---------------------------------------------


def peak_rss_kib() -> int:
    """This process's peak resident set size so far, in KiB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS, KiB elsewhere


def rss_child(size_mib: int, tmpdir: str) -> None:
    """Entry point of the child: encrypt size_mib MiB to a file, decrypt it, report peak RSS.

    Run in a fresh process per size so each peak belongs to one input size only (a parent's
    RUSAGE_CHILDREN would be the maximum over every child, the age CLI's included).
    """
    identity = age.HybridIdentity.generate()  # the default recipient type for new keys
    block = os.urandom(MIB)
    buf = bytearray(MIB)
    path = os.path.join(tmpdir, f"rss-{size_mib}.age")
    baseline = peak_rss_kib()  # interpreter, cryptography, our modules, the 2 MiB above
    start = time.perf_counter()
    try:
        ours_encrypt_file(identity.recipient(), block, size_mib, path)
        ours_decrypt(identity, path, size_mib, buf)
    finally:
        os.unlink(path)
    print(json.dumps({"size_mib": size_mib, "baseline_kib": baseline, "peak_kib": peak_rss_kib(),
                      "seconds": time.perf_counter() - start}))


def measure_rss(size_mib: int, tmpdir: str) -> dict:
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--rss-child", str(size_mib), "--tmpdir", tmpdir],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


# --- the run ------------------------------------------------------------------------------


def pick_tmpdir(requested: str | None, size_mib: int, files: int = 6) -> str:
    """/dev/shm when it has room (keeps disk speed out of the file numbers), else the temp dir."""
    if requested:
        return requested
    need = files * size_mib * MIB  # by default: plaintext, 3 of our files, the age CLI's, headroom
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        if shutil.disk_usage("/dev/shm").free > need:
            return "/dev/shm"
    return tempfile.gettempdir()


def find_age(requested: str | None) -> str | None:
    if requested:
        return requested
    if os.access("/usr/bin/age", os.X_OK):
        return "/usr/bin/age"
    return shutil.which("age")


def environment(age_bin: str | None) -> dict:
    env = {
        "python": platform.python_version(),
        "cryptography": _version("cryptography"),
        "pyrage": _version("pyrage") if pyrage else None,
        "age_cli": None,
        "cpu": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            env["cpu"] = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    if age_bin:
        try:
            env["age_cli"] = subprocess.run([age_bin, "--version"], capture_output=True, text=True).stdout.strip()
        except OSError:
            pass
    return env


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def run(args, log) -> dict:
    size = args.size_mib
    age_bin = find_age(args.age)
    skipped = {}
    if pyrage is None:
        skipped["pyrage"] = "pyrage is not installed (pip install pyrage)"
    if age_bin is None:
        skipped["age_cli"] = "the age CLI was not found (apt install age)"

    block = os.urandom(MIB)  # one random MiB, reused: the input is never held whole
    buf = bytearray(MIB)
    x_id = age.X25519Identity.generate()
    pq_id = age.HybridIdentity.generate()
    x_rcpt, pq_rcpt = x_id.recipient(), pq_id.recipient()

    with tempfile.TemporaryDirectory(prefix="bench-age-", dir=pick_tmpdir(args.tmpdir, size)) as tmp:
        plain = os.path.join(tmp, "plain.bin")
        ours_x = os.path.join(tmp, "ours-x25519.age")
        ours_pq = os.path.join(tmp, "ours-pq.age")
        ours_out = os.path.join(tmp, "ours-out.age")  # rewritten by the timed encrypt-to-file
        cli_out = os.path.join(tmp, "age-cli.age")
        log(f"age benchmark: {size} MiB per measurement, median of {args.repeat}, files in {tmp}")

        # Inputs the measurements read, written once: every decrypt reads the same bytes.
        file_write(block, size, plain)
        ours_encrypt_file(x_rcpt, block, size, ours_x)
        ours_encrypt_file(pq_rcpt, block, size, ours_pq)

        raw_decrypt = make_raw_decrypt(block)
        jobs = {
            "raw_encrypt": lambda: raw_encrypt(block, size),
            "raw_decrypt": lambda: raw_decrypt(size),
            "ours_encrypt_x25519": lambda: ours_encrypt_null(x_rcpt, block, size, MIB),
            "ours_encrypt_pq": lambda: ours_encrypt_null(pq_rcpt, block, size, MIB),
            "ours_encrypt_x25519_4k": lambda: ours_encrypt_null(x_rcpt, block, size, SMALL_WRITE),
            "ours_encrypt_x25519_file": lambda: ours_encrypt_file(x_rcpt, block, size, ours_out),
            "ours_decrypt_x25519": lambda: ours_decrypt(x_id, ours_x, size, buf),
            "ours_decrypt_pq": lambda: ours_decrypt(pq_id, ours_pq, size, buf),
            "file_write": lambda: file_write(block, size, plain),
            "file_read": lambda: file_read(ours_x, buf),
        }
        sizes = dict.fromkeys(jobs, size)  # MiB of plaintext per run, for MiB/s

        if pyrage is not None:
            # pyrage decrypts our very file: the same ciphertext for both, and an interop check.
            p_id = pyrage.x25519.Identity.from_str(x_id.to_secret_string())
            p_rcpt = p_id.to_public()
            small = min(size, PYRAGE_BYTES_CAP_MIB)
            small_plain = block * small
            small_ct = pyrage.encrypt(small_plain, [p_rcpt])
            jobs["pyrage_encrypt_io"] = lambda: pyrage_encrypt_io(p_rcpt, block, size)
            jobs["pyrage_decrypt_io"] = lambda: pyrage_decrypt_io(p_id, ours_x, size)
            jobs["pyrage_encrypt_bytes"] = lambda: pyrage.encrypt(small_plain, [p_rcpt])
            jobs["pyrage_decrypt_bytes"] = lambda: check(
                len(pyrage.decrypt(small_ct, [p_id])) == small * MIB, "pyrage decrypt(bytes) length")
            sizes.update(pyrage_encrypt_io=size, pyrage_decrypt_io=size,
                         pyrage_encrypt_bytes=small, pyrage_decrypt_bytes=small)

        if age_bin is not None:
            key_file = os.path.join(tmp, "key.txt")
            with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
                f.write(x_id.to_secret_string() + "\n")
            # Encrypt: its own plaintext file to its own output. Decrypt: our file (interop).
            jobs["age_cli_encrypt"] = lambda: run_process([age_bin, "-r", str(x_rcpt), "-o", cli_out, plain])
            jobs["age_cli_decrypt"] = lambda: run_process([age_bin, "-d", "-i", key_file, "-o", os.devnull, ours_x])
            sizes.update(age_cli_encrypt=size, age_cli_decrypt=size)

        # Interleave the repeats (A B C, A B C, …) rather than A A A, B B B, so a slow patch
        # on a shared machine spreads over every measurement instead of sinking one.
        seconds = {name: [] for name in jobs}
        for rep in range(args.repeat):
            log(f"  run {rep + 1}/{args.repeat} …")
            for name, job in jobs.items():
                start = time.perf_counter()
                job()
                seconds[name].append(time.perf_counter() - start)

        mib_s = {name: sizes[name] / statistics.median(runs) for name, runs in seconds.items()}
        header_ms = {"x25519": per_file_ms(x_rcpt, x_id), "pq": per_file_ms(pq_rcpt, pq_id)}

    # The two command lines, stdin to stdout, after the files above are gone (they need 3 of their own).
    cli = None
    if args.skip_cli:
        skipped["cli_stdio"] = "--skip-cli"
    elif age_bin is None:
        skipped["cli_stdio"] = "the age CLI was not found (apt install age)"
    else:
        cli = measure_cli_stdio(args, age_bin, log)

    # Peak memory: a fresh process per input size, after the big files above are gone.
    memory = None
    if not args.skip_memory:
        log("  peak memory: child processes …")
        with tempfile.TemporaryDirectory(prefix="bench-age-rss-", dir=pick_tmpdir(args.tmpdir, size)) as tmp:
            small_run = measure_rss(max(1, size // 8), tmp)
            big_run = measure_rss(size, tmp)
        memory = {"small": small_run, "big": big_run,
                  "growth_mib": (big_run["peak_kib"] - small_run["peak_kib"]) / 1024}

    return {"size_mib": size, "repeat": args.repeat, "env": environment(age_bin), "skipped": skipped,
            "mib_s": mib_s, "seconds": seconds, "per_file_ms": header_ms, "cli_stdio": cli, "memory": memory}


def measure_cli_stdio(args, age_bin: str, log) -> dict:
    """Our CLI against the age CLI, stdin to stdout through real files, X25519, whole processes.

    Runs A/B interleaved, and alternates which of the two goes first each round, so neither
    always inherits the other's freed pages or a busy moment. Both decrypt the same file.
    """
    size = args.cli_size_mib
    identity = age.X25519Identity.generate()
    recipient = str(identity.recipient())
    ours = [sys.executable, "-m", "intake"]
    block = os.urandom(MIB)
    with tempfile.TemporaryDirectory(prefix="bench-age-cli-", dir=pick_tmpdir(args.tmpdir, size, files=4)) as tmp:
        plain, encrypted, out = (os.path.join(tmp, name) for name in ("plain.bin", "plain.age", "out"))
        key_file = os.path.join(tmp, "key.txt")
        with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(identity.to_secret_string() + "\n")
        log(f"  CLI stdin -> stdout: {size} MiB, median of {args.repeat}, files in {tmp}")
        file_write(block, size, plain)
        ours_encrypt_file(identity.recipient(), block, size, encrypted)
        # (argv, stdin file, expected output size) per measurement; pairs to compare, ours first.
        jobs = {
            "ours_cli_encrypt_stdio": ([*ours, "encrypt", "-r", recipient], plain, os.path.getsize(encrypted)),
            "age_cli_encrypt_stdio": ([age_bin, "-r", recipient], plain, os.path.getsize(encrypted)),
            "ours_cli_decrypt_stdio": ([*ours, "decrypt", "-i", key_file], encrypted, size * MIB),
            "age_cli_decrypt_stdio": ([age_bin, "-d", "-i", key_file], encrypted, size * MIB),
        }
        pairs = {"encrypt": ("ours_cli_encrypt_stdio", "age_cli_encrypt_stdio"),
                 "decrypt": ("ours_cli_decrypt_stdio", "age_cli_decrypt_stdio")}
        seconds = {name: [] for name in jobs}
        cpu = {name: [] for name in jobs}
        for rep in range(args.repeat):
            log(f"  CLI run {rep + 1}/{args.repeat} …")
            for pair in pairs.values():
                for name in (pair if rep % 2 == 0 else pair[::-1]):
                    argv, src, out_size = jobs[name]
                    wall, used = run_stdio(argv, src, out)
                    seconds[name].append(wall)
                    cpu[name].append(used)
                    check(os.path.getsize(out) == out_size, f"{name} wrote {os.path.getsize(out)} bytes, not {out_size}")
                    if rep == 0 and "decrypt" in name:
                        check(filecmp.cmp(out, plain, shallow=False), f"{name} did not give back the plaintext")
    median = {name: statistics.median(runs) for name, runs in seconds.items()}
    return {"size_mib": size, "repeat": args.repeat, "seconds": seconds, "cpu_seconds": cpu, "median_s": median,
            "mib_s": {name: size / t for name, t in median.items()},
            "time_ratio": {what: median[a] / median[b] for what, (a, b) in pairs.items()}}


def serial(*mib_s: float) -> float:
    """Throughput of doing several steps one after the other: their times per MiB add up."""
    return 1 / sum(1 / x for x in mib_s)


def evaluate(result: dict) -> None:
    """Add the ratios and the PASS/FAIL checks to `result`."""
    m = result["mib_s"]
    ratios = {
        "encrypt_vs_raw": m["ours_encrypt_x25519"] / m["raw_encrypt"],
        "encrypt_pq_vs_raw": m["ours_encrypt_pq"] / m["raw_encrypt"],
        "encrypt_4k_vs_raw": m["ours_encrypt_x25519_4k"] / m["raw_encrypt"],
        "encrypt_file_vs_raw": m["ours_encrypt_x25519_file"] / m["raw_encrypt"],
        "decrypt_vs_raw": m["ours_decrypt_x25519"] / m["raw_decrypt"],
        "decrypt_pq_vs_raw": m["ours_decrypt_pq"] / m["raw_decrypt"],
        # The file variants against crypto + the same file I/O done alone: what is left is ours.
        "encrypt_file_vs_raw_plus_io": m["ours_encrypt_x25519_file"] / serial(m["raw_encrypt"], m["file_write"]),
        "decrypt_vs_raw_plus_io": m["ours_decrypt_x25519"] / serial(m["raw_decrypt"], m["file_read"]),
    }
    checks = {
        "encrypt_vs_raw": {"value": ratios["encrypt_vs_raw"], "target": f">= {TARGET_ENCRYPT_VS_RAW}",
                           "pass": ratios["encrypt_vs_raw"] >= TARGET_ENCRYPT_VS_RAW},
    }
    if "pyrage_encrypt_io" in m:
        # Against pyrage's faster API in each direction: the stricter comparison.
        best_enc = max(m["pyrage_encrypt_io"], m["pyrage_encrypt_bytes"])
        best_dec = max(m["pyrage_decrypt_io"], m["pyrage_decrypt_bytes"])
        ratios["encrypt_vs_pyrage"] = m["ours_encrypt_x25519"] / best_enc
        ratios["decrypt_vs_pyrage"] = m["ours_decrypt_x25519"] / best_dec
        for name in ("encrypt_vs_pyrage", "decrypt_vs_pyrage"):
            checks[name] = {"value": ratios[name], "target": f"> {TARGET_VS_PYRAGE}",
                            "pass": ratios[name] > TARGET_VS_PYRAGE}
    if "age_cli_encrypt" in m:
        # Like for like with the CLI: ours also writes a real file, and reads our file.
        ratios["encrypt_file_vs_age_cli"] = m["ours_encrypt_x25519_file"] / m["age_cli_encrypt"]
        ratios["decrypt_vs_age_cli"] = m["ours_decrypt_x25519"] / m["age_cli_decrypt"]
    if result["cli_stdio"]:
        for what, ratio in result["cli_stdio"]["time_ratio"].items():
            checks[f"cli_{what}_time_vs_age"] = {"value": ratio, "target": f"<= {TARGET_CLI_TIME_VS_AGE}",
                                                 "pass": ratio <= TARGET_CLI_TIME_VS_AGE}
    if result["memory"]:
        growth = result["memory"]["growth_mib"]
        checks["rss_growth_mib"] = {"value": growth, "target": f"< {TARGET_RSS_GROWTH_MIB}",
                                    "pass": growth < TARGET_RSS_GROWTH_MIB}
    result["ratios"] = ratios
    result["checks"] = checks
    result["result"] = "PASS" if all(c["pass"] for c in checks.values()) else "FAIL"


def report(result: dict, out) -> None:
    def line(text=""):
        print(text, file=out)

    env, m = result["env"], result["mib_s"]
    line()
    line(f"Python {env['python']}, cryptography {env['cryptography']}, pyrage {env['pyrage'] or '-'}, "
         f"age CLI {env['age_cli'] or '-'}; {env['cpu']}, {env['cpus']} CPUs")
    capped = f" (pyrage bytes: {min(result['size_mib'], PYRAGE_BYTES_CAP_MIB)} MiB)" if "pyrage_encrypt_bytes" in m else ""
    line(f"Throughput, MiB/s of plaintext, median of {result['repeat']} run(s) of {result['size_mib']} MiB{capped}")
    for name, label in LABELS.items():
        if name in m:
            runs = " ".join(f"{s:.3g}" for s in result["seconds"][name])
            line(f"  {label:<60} {m[name]:8.0f}   (runs, s: {runs})")
    for name, why in result["skipped"].items():
        line(f"  {name}: skipped, {why}")

    hdr = result["per_file_ms"]
    line()
    line("Per-file cost of the header (empty file), ms:  "
         f"X25519 encrypt {hdr['x25519']['encrypt']:.2f}, decrypt {hdr['x25519']['decrypt']:.2f};  "
         f"PQ encrypt {hdr['pq']['encrypt']:.2f}, decrypt {hdr['pq']['decrypt']:.2f}")

    line()
    line("Ratios (ours / other; higher is better for us)")
    r = result["ratios"]
    descriptions = {
        "encrypt_vs_raw": "encrypt X25519 1 MiB writes / raw encrypt",
        "encrypt_pq_vs_raw": "encrypt PQ 1 MiB writes / raw encrypt",
        "encrypt_4k_vs_raw": "encrypt X25519 4 KiB writes / raw encrypt",
        "encrypt_file_vs_raw": "encrypt X25519 to a file / raw encrypt (includes file I/O)",
        "decrypt_vs_raw": "decrypt X25519 / raw decrypt (includes file read)",
        "decrypt_pq_vs_raw": "decrypt PQ / raw decrypt (includes file read)",
        "encrypt_file_vs_raw_plus_io": "encrypt X25519 to a file / (raw encrypt + file write)",
        "decrypt_vs_raw_plus_io": "decrypt X25519 / (raw decrypt + file read)",
        "encrypt_vs_pyrage": "encrypt X25519 / pyrage's faster encrypt",
        "decrypt_vs_pyrage": "decrypt X25519 / pyrage's faster decrypt",
        "encrypt_file_vs_age_cli": "encrypt X25519 to a file / age CLI encrypt",
        "decrypt_vs_age_cli": "decrypt X25519 / age CLI decrypt",
    }
    for name, text in descriptions.items():
        if name in r:
            verdict = ""
            if name == "encrypt_4k_vs_raw":
                verdict = "info: not gated, the 1 MiB writes carry the target"
            if name in result["checks"]:
                c = result["checks"][name]
                verdict = f"target {c['target']:<7} {'PASS' if c['pass'] else 'FAIL'}"
            line(f"  {text:<60} {r[name]:6.2f}   {verdict}")

    cli = result["cli_stdio"]
    line()
    if cli:
        line(f"Command lines, stdin -> stdout files, X25519, {cli['size_mib']} MiB, whole process, "
             f"median of {cli['repeat']} (interleaved):")
        line(f"  {'':<56} {'wall s':>7} {'MiB/s':>6}   (runs, s; CPU s of each run)")
        for name, label in CLI_LABELS.items():
            runs = " ".join(f"{s:.3g}" for s in cli["seconds"][name])
            used = " ".join(f"{s:.3g}" for s in cli["cpu_seconds"][name])
            line(f"  {label:<56} {cli['median_s'][name]:7.3f} {cli['mib_s'][name]:6.0f}   ({runs}; CPU {used})")
        for what, ratio in cli["time_ratio"].items():
            c = result["checks"][f"cli_{what}_time_vs_age"]
            line(f"  time ours / age, {what:<8} {ratio:5.2f}   target {c['target']}  {'PASS' if c['pass'] else 'FAIL'}"
                 "   (lower is better for us)")
    else:
        line(f"Command lines, stdin -> stdout: skipped ({result['skipped'].get('cli_stdio', '')})")

    mem = result["memory"]
    line()
    if mem:
        small, big = mem["small"], mem["big"]
        c = result["checks"]["rss_growth_mib"]
        line("Peak RSS of a child process doing our encrypt to file + decrypt (PQ recipient):")
        for run in (small, big):
            line(f"  {run['size_mib']:6d} MiB input: peak {run['peak_kib'] / 1024:7.1f} MiB "
                 f"(after start-up {run['baseline_kib'] / 1024:.1f} MiB, took {run['seconds']:.1f} s)")
        line(f"  difference {round(mem['growth_mib'], 1) + 0.0:.1f} MiB   target {c['target']} MiB   {'PASS' if c['pass'] else 'FAIL'}")
    else:
        line("Peak RSS: skipped (--skip-memory)")

    line()
    passed = sum(c["pass"] for c in result["checks"].values())
    failed = [name for name, c in result["checks"].items() if not c["pass"]]
    line(f"Result: {result['result']} ({passed}/{len(result['checks'])} targets met"
         + (f"; missed: {', '.join(failed)})" if failed else ")"))


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark intake.age (see bench/README.md).")
    parser.add_argument("--size-mib", type=int, default=512, help="plaintext size per measurement (default 512)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout; the text goes to stderr")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--tmpdir", help="where to put the temporary files (default /dev/shm if it has room)")
    parser.add_argument("--age", help="path of the age CLI (default /usr/bin/age, else age on PATH)")
    parser.add_argument("--skip-memory", action="store_true", help="skip the peak-RSS child processes")
    parser.add_argument("--cli-size-mib", type=int, default=1024,
                        help="plaintext size for the CLI stdin -> stdout comparison with age (default 1024)")
    parser.add_argument("--skip-cli", action="store_true", help="skip the CLI stdin -> stdout comparison")
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)  # internal: the child's entry point
    args = parser.parse_args()
    if args.rss_child is not None:
        rss_child(args.rss_child, args.tmpdir or tempfile.gettempdir())
        return 0
    if args.size_mib < 1 or args.repeat < 1 or args.cli_size_mib < 1:
        parser.error("--size-mib, --cli-size-mib and --repeat must be at least 1")
    if args.age and not os.access(args.age, os.X_OK):
        parser.error(f"--age {args.age}: not an executable file")

    text_out = sys.stderr if args.json else sys.stdout

    def log(msg):  # progress always on stderr, so stdout holds only the report or the JSON
        print(msg, file=sys.stderr, flush=True)

    started = time.perf_counter()
    result = run(args, log)
    evaluate(result)
    result["total_seconds"] = time.perf_counter() - started
    report(result, text_out)
    print(f"(benchmark took {result['total_seconds']:.0f} s)", file=text_out)
    if args.json:
        print(json.dumps(result, indent=2))
    return 1 if args.strict and result["result"] != "PASS" else 0


if __name__ == "__main__":
    sys.exit(main())
