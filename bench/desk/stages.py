"""Where `intake list` spends its time, step by step, without a profiler's overhead.

Run by bench_desk.py in a fresh process: `python bench/desk/stages.py IDENTITY_FILE VAULT`.
It calls the same functions as the list command, in the same order, times each step with
perf_counter, and prints one JSON object. Then two diagnostics that are not part of the timing:
how many times rules._fold runs per case and on how much text (on a sample), and select_rows
again with _fold memoised (in this process only; nothing in intake/ is changed), to size that fix.
"""

import datetime
import functools
import json
import statistics
import sys
import time

started = time.perf_counter()
from intake.cli.sources import load_identity_file  # noqa: E402
from intake.desk import rules  # noqa: E402
from intake.desk.state import VaultState  # noqa: E402
from intake.desk.vault import Vault  # noqa: E402
from intake.desk import views  # noqa: E402
from intake.desk.rules import evaluate  # noqa: E402
from intake.desk.views import format_table, summary  # noqa: E402
from intake import age  # noqa: E402

MS = 1000
SAMPLE = 500  # cases for the _fold diagnostics


def main(identity_path: str, vault_path: str) -> dict:
    out = {}
    clock = time.perf_counter
    out["import_modules_s"] = clock() - started
    t = clock()
    identities = load_identity_file(identity_path, None)
    out["identity_s"] = clock() - t
    vault = Vault(vault_path).require()
    t = clock()
    with vault.locked(exclusive=False), open(vault.state_path, "rb") as f:
        data = age.decrypt(identities, f).read()
    out["decrypt_s"] = clock() - t
    out["state_plaintext_bytes"] = len(data)
    t = clock()
    parsed = json.loads(data)
    out["json_loads_s"] = clock() - t
    t = clock()
    state = VaultState.from_json(parsed)
    out["from_json_s"] = clock() - t
    cases = list(state.cases.values())
    out["cases"] = len(cases)
    now = datetime.datetime.now(datetime.timezone.utc)

    t = clock()
    rules.load_rules()
    out["load_rules_s"] = clock() - t

    # select_rows exactly as list runs it, with a stopwatch around the two per-case calls it makes
    # (views.evaluate and views.summary are looked up at call time, so wrapping them is enough).
    spent = {"evaluate": [], "summary": 0.0}

    def timed_evaluate(report, moment, **kwargs):
        t0 = clock()
        try:
            return evaluate(report, moment, **kwargs)
        finally:
            spent["evaluate"].append(clock() - t0)

    def timed_summary(case):
        t0 = clock()
        try:
            return summary(case)
        finally:
            spent["summary"] += clock() - t0

    views.evaluate, views.summary = timed_evaluate, timed_summary
    t = clock()
    rows = views.select_rows(state, now)
    out["select_rows_s"] = clock() - t
    views.evaluate, views.summary = evaluate, summary
    per_case = sorted(spent["evaluate"])
    out["evaluate_all_s"] = sum(per_case)
    out["summaries_s"] = spent["summary"]
    out["evaluate_per_case_ms"] = {"mean": MS * statistics.fmean(per_case), "p50": MS * per_case[len(per_case) // 2],
                                   "p99": MS * per_case[int(0.99 * (len(per_case) - 1))], "max": MS * per_case[-1]}
    t = clock()
    text = json.dumps(rows, ensure_ascii=False, indent=1)
    out["json_dumps_s"] = clock() - t
    out["json_output_bytes"] = len(text.encode())
    t = clock()
    format_table(rows)
    out["format_table_s"] = clock() - t

    # Diagnostics, not part of list's time. On a sample: how often rules._fold runs per case,
    # on how much text, and how many distinct strings a case has ...
    sample = cases[:: max(1, len(cases) // SAMPLE)][:SAMPLE]
    fold = rules._fold
    counts = {"calls": 0, "chars": 0}

    def counting_fold(text, *, pad=False):
        counts["calls"] += 1
        counts["chars"] += len(text)
        return fold(text, pad=pad)

    rules._fold = counting_fold
    for case in sample:
        evaluate(case.report, now)
    out["diagnostic_sample"] = len(sample)
    out["fold_calls_per_case"] = counts["calls"] / max(len(sample), 1)
    out["fold_chars_per_case"] = counts["chars"] / max(len(sample), 1)
    out["distinct_strings_per_case"] = statistics.fmean(len(set(_strings(c.report))) for c in sample) if sample else 0
    # ... and select_rows again, every case, with each text folded once (an LRU cache in front of
    # _fold, in this process only): what list would cost with that fix.
    rules._fold = functools.lru_cache(maxsize=4096)(fold)
    t = clock()
    views.select_rows(state, now)
    out["select_rows_fold_cached_s"] = clock() - t
    rules._fold = fold
    return out


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str) and value:
        yield value


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
