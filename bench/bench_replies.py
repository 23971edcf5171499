"""The cost of one message lookup on the server: the key derivation a receipt code needs.

    .venv/bin/python bench/bench_replies.py [--runs 9]

Prints JSON: the CPU seconds of one derivation (median), its wall time, its ratio to the 0.3 s
budget per lookup (docs/operations.md), and, measured in the same run as a baseline, the CPU
of sealing one small report (10 KB) to a post-quantum recipient, with the lookup's cost as a
multiple of it. A lookup also reads and decrypts a mailbox file of a few KB: included.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake import age  # noqa: E402
from intake.receipt import new_receipt  # noqa: E402
from intake.replies import batch, content, store  # noqa: E402
from intake.replies.mailbox import derive  # noqa: E402
from intake.replies.reading import read_mailbox  # noqa: E402
from intake.store import Store  # noqa: E402

BUDGET = 0.3


def timed(fn, runs: int) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Store(Path(tmp) / "data")
        data_dir.prepare()
        code = new_receipt()
        mailbox = derive(code)
        plaintext = content.encode(content.MailboxContent("needs-info", (content.Message("2026-12-07", "x" * 2000),)))
        batch.write_batch_dir(Path(tmp) / "batch", batch.new_batch_id(),
                              [batch.Entry(mailbox.id, age.encrypt_bytes([mailbox.recipient], plaintext))])
        store.deliver_dir(data_dir, Path(tmp) / "batch")
        lookup_cpu, lookup_wall = timed(lambda: read_mailbox(data_dir, code), runs)
        wrong_cpu, _ = timed(lambda: read_mailbox(data_dir, new_receipt()), runs)
    recipient = age.HybridIdentity.generate().recipient()
    report = b"r" * 10_000
    seal_cpu, _ = timed(lambda: age.encrypt_bytes([recipient], report), max(runs, 50))
    print(json.dumps({
        "lookup_cpu_s": round(lookup_cpu, 4), "lookup_wall_s": round(lookup_wall, 4), "wrong_code_cpu_s": round(wrong_cpu, 4),
        "lookup_to_budget_ratio": round(lookup_cpu / BUDGET, 3), "budget_s": BUDGET,
        "baseline_seal_10kb_cpu_s": round(seal_cpu, 5), "lookup_to_seal_ratio": round(lookup_cpu / seal_cpu, 1),
        "runs": runs,
    }, indent=1))


if __name__ == "__main__":
    main()
