"""Recall and precision of redaction on the labelled corpus of free text (tests/corpus/).

    .venv/bin/python bench/bench_names.py [--corpus FILE ...]   # default: the four files of tests/corpus/
    .venv/bin/python bench/bench_names.py --speed [--megabytes N]

Runs the whole engine (`propose`, with an empty register: nothing is known about the people in
advance) over every line of each corpus file and compares its proposals with the labelled spans:
- person: proposals of kind "person", under the un-sp profile (every free-text answer carried);
- place_org: proposals of kind "place" or "organisation" under the reprisals-report profile (the
  one that pseudonymises them), leaving out the generalisation of whole cities to their province
  (detector "gazetteer"), which the corpus does not label.
A labelled span counts as found when the proposals of its kind cover every character of it (a
name cut in half still leaks); a proposal counts as correct when it overlaps a labelled span of
its kind. JSON on stdout, per corpus file, per script (the line's language) and per kind;
progress on stderr.

--speed times the engine instead: for each script, the corpus lines of that language written
one after another into one narrative of N MB (UTF-8, default 1), given to `propose` once under
un-sp in a fresh process (so the segmenter's dictionary load is counted, as a staff command pays
it), CPU seconds per MB. In the same process and on the same text it times two baselines: one
regular-expression scan of every word (`re.findall` of word characters) and `normalize`, the first step of
the engine, so a slower machine shows as slower baselines, not as a slower engine.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.desk.redaction import Register, propose  # noqa: E402

CORPORA = [Path(__file__).resolve().parent.parent / "tests" / "corpus" / name
           for name in ("names_tuning.jsonl", "names_held_out.jsonl", "names_held_out_2.jsonl",
                        "names_held_out_3.jsonl")]
# --speed repeats the lines of the first two files, as it did before the later ones were written, so
# that its figures stay comparable from run to run.
SPEED_CORPORA = CORPORA[:2]
KINDS = {"person": ("un-sp", {"person"}), "place": ("reprisals-report", {"place", "organisation"})}
NAMES = {"person": "person", "place": "place_org"}


def _covered(span: tuple[int, int], proposals: list[tuple[int, int]]) -> bool:
    return all(any(a <= i < b for a, b in proposals) for i in range(*span))


def _tally(counts: dict, key: tuple[str, str], field: str, n: int = 1) -> None:
    counts.setdefault(key, {"labelled": 0, "found": 0, "proposed": 0, "correct": 0})[field] += n


def evaluate(rows: list[dict]) -> dict:
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for n, row in enumerate(rows):
        for kind, (profile, proposal_kinds) in KINDS.items():
            proposals = [(p.start, p.end) for p in propose({"narrative": row["text"]}, Register(), profile)
                         if p.kind in proposal_kinds and p.detector != "gazetteer"]
            gold = [(s["start"], s["end"]) for s in row["spans"] if s["kind"] == kind]
            for key in ((row["lang"], NAMES[kind]), ("all", NAMES[kind])):
                for span in gold:
                    _tally(counts, key, "labelled")
                    _tally(counts, key, "found", _covered(span, proposals))
                for a, b in proposals:
                    _tally(counts, key, "proposed")
                    _tally(counts, key, "correct", any(a < e and s < b for s, e in gold))
        if n % 20 == 0:
            print(f"  {n}/{len(rows)} lines", file=sys.stderr)
    out: dict[str, dict] = {}
    for (lang, kind), c in sorted(counts.items()):
        out.setdefault(lang, {})[kind] = {
            **c, "recall": round(c["found"] / c["labelled"], 3) if c["labelled"] else None,
            "precision": round(c["correct"] / c["proposed"], 3) if c["proposed"] else None}
    return out


def narrative(lang: str, megabytes: float) -> str:
    """The corpus lines of `lang`, repeated into one text of `megabytes` MB of UTF-8."""
    lines = [json.loads(line)["text"] for path in SPEED_CORPORA for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and json.loads(line)["lang"] == lang]
    size = int(megabytes * 1_000_000)
    parts, length = [], 0
    while length < size:
        for line in lines:
            parts.append(line + "\n")
            length += len(parts[-1].encode("utf-8"))
    return "".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")


def _cpu(fn) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started


def speed_child(lang: str, megabytes: float) -> dict:
    from intake.desk.redaction import normalize

    text = narrative(lang, megabytes)
    mb = len(text.encode("utf-8")) / 1_000_000
    scan = _cpu(lambda: re.findall(r"\w+", text))
    norm = _cpu(lambda: normalize(text))
    engine = _cpu(lambda: propose({"narrative": text}, Register(), "un-sp"))
    return {"mb": round(mb, 3), "engine_s_per_mb": round(engine / mb, 2), "regex_scan_s_per_mb": round(scan / mb, 3),
            "normalize_s_per_mb": round(norm / mb, 3), "engine_over_normalize": round(engine / norm, 1)}


def speed(megabytes: float) -> dict:
    out = {}
    for lang in ("zh-Hans", "zh-Hant", "en", "ug", "bo"):
        print(f"  {lang}: {megabytes} MB", file=sys.stderr)
        child = subprocess.run([sys.executable, __file__, "--speed-child", lang, "--megabytes", str(megabytes)],
                               capture_output=True, text=True, check=True)
        out[lang] = json.loads(child.stdout)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", help="a corpus file (JSON lines); default: all four")
    parser.add_argument("--speed", action="store_true", help="CPU seconds per MB of narrative, per script, against baselines")
    parser.add_argument("--megabytes", type=float, default=1.0, help="narrative size for --speed (default 1)")
    parser.add_argument("--speed-child", metavar="LANG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.speed_child:
        json.dump(speed_child(args.speed_child, args.megabytes), sys.stdout)
        return
    if args.speed:
        json.dump(speed(args.megabytes), sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    results = {}
    for path in args.corpus or CORPORA:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"{path.name}: {len(rows)} lines", file=sys.stderr)
        started = time.process_time()
        results[path.stem] = {"lines": len(rows), "cpu_seconds": None, "by_script": evaluate(rows)}
        results[path.stem]["cpu_seconds"] = round(time.process_time() - started, 2)
    json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
