"""Triage of a report.json: which UN mandates, how urgent, what is missing. The rules are data.

The rules are rules/routing.toml, urgency.toml and readiness.toml, each citing the section of the
domain notes (un-procedures.md) it implements. This module only loads, checks and evaluates them.
Standard library only: the desk runs offline and never loads the web side.

A condition is a TOML table, evaluated on the report (inside `some`, on one element of it):
  {path = P, in = [...]}            a value at P is one of these (P: a path or a list of paths);
                                    has_any = [...] is the same, for lists such as violations
  {path = P, filled = true}         a value at P is not empty (false: none is)
  {path = P, text_any = [...]}      a string at P contains one of these, ignoring case, width and
                                    punctuation; a keyword's edge space marks a word edge (" upr ").
                                    Instead of a list, {words = "name"} (or a list of names): the
                                    named lists of rules/words.toml, every language of the form
  {path = P, same_sentence = [A, B]}  one sentence of a string at P has a keyword of A and one of B
                                    (each a list or {words = ...}, as for text_any); sentences end
                                    at . 。 ! ? ！ ？ ; ； ؟ ؛ ། ༎ and line breaks
  {path = P, within_days = N}       a date at P could be N days old or less
  {path = P, older_than_days = N}   a date at P is more than N days old, even on its latest day
  {path = P, due_within_days = N}   a date at P could fall between today and N days ahead
  {path = P, precise_to = "month"}  a date at P gives at least the month ("year", "month", "day")
  {path = P, age_at_least = N}      an age or a year of birth at P (also age_under = N)
  {path = P, some = {...}}          the inner condition holds for some element at P, with paths
                                    relative to it (e.g. "violations" inside "incidents[]")
  {all = [...]}, {any = [...]}, {not = {...}}, {ref = "name"} (a condition from any [define])
  {suggested = [...]}               a mandate is already suggested (for the global routing rules)
Paths: "victim.status", "incidents[].start.date"; lists are flattened at every step ("[]" is for
the reader). A missing key gives no values: an unknown path is false, never an error.
Each urgency reason is "ID: text (evidence)": the answers that made the rule hold, as the path
with its index ("incidents[0].narrative") and, never more, the code, the date (as read), the age,
or the keyword of the rule's own list that matched: reasons go into drafts, so no report text.

A violation row may also apply when no incident ticks its code: `also = {why, when}` (routing.toml).
Dates: "YYYY", "YYYY-MM", "YYYY-MM-DD" (also 2024年5月3日 and timestamps). A partial date counts as
its latest possible day ("2024-05" as 2024-05-31) for within_days and older_than_days alike, so
urgency errs towards flagging and nothing is called stale on a guess. 2024-02-31 reads as
2024-02-29. "Today" is `now` in UTC (a naive `now` is taken as it is).
"""

import dataclasses
import datetime
import functools
import hashlib
import importlib.resources
import json
import re
import tomllib
import unicodedata
from pathlib import Path

from ..submission.dates import find_date

# Our own short codes (un-procedures.md §5.1, "not official UN codes") and the mandates' names.
MANDATES = {
    "WGAD": "Working Group on Arbitrary Detention",
    "WGEID": "Working Group on Enforced or Involuntary Disappearances",
    "SR-TORTURE": "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment",
    "SR-HRD": "Special Rapporteur on the situation of human rights defenders",
    "SR-FOE": "Special Rapporteur on the promotion and protection of the right to freedom of opinion and expression",
    "SR-FOAA": "Special Rapporteur on the rights to freedom of peaceful assembly and of association",
    "SR-IJL": "Special Rapporteur on the independence of judges and lawyers",
    "SR-FORB": "Special Rapporteur on freedom of religion or belief",
    "SR-MIN": "Special Rapporteur on minority issues",
    "SR-PRIV": "Special Rapporteur on the right to privacy",
    "SR-CT": "Special Rapporteur on the promotion and protection of human rights while countering terrorism",
    "SR-HEALTH": "Special Rapporteur on the right to physical and mental health",
    "SR-EXEC": "Special Rapporteur on extrajudicial, summary or arbitrary executions",
    "SR-VAWG": "Special Rapporteur on violence against women and girls",
    "WG-DAWG": "Working Group on discrimination against women and girls",
    "SR-EDU": "Special Rapporteur on the right to education",
    "SR-CULT": "Special Rapporteur in the field of cultural rights",
    "SR-MIGRANTS": "Special Rapporteur on the human rights of migrants",
    "SR-TRUTH": "Special Rapporteur on truth, justice, reparation and guarantees of non-recurrence",
    "SR-SLAVERY": "Special Rapporteur on contemporary forms of slavery",
    "SR-RACISM": "Special Rapporteur on racism, racial discrimination, xenophobia and related intolerance",
    "IE-SOGI": "Independent Expert on sexual orientation and gender identity",
    "SR-DISAB": "Special Rapporteur on the rights of persons with disabilities",
    "SR-HOUSING": "Special Rapporteur on adequate housing",
    "SR-POVERTY": "Special Rapporteur on extreme poverty and human rights",
    "WG-BHR": "Working Group on business and human rights",
    "ASG-REPRISALS": "Assistant Secretary-General for Human Rights, UN senior official on reprisals (SG reprisals report)",
}

FILES = ("routing.toml", "urgency.toml", "readiness.toml")
WORDS_FILE = "words.toml"
# The languages of the form (intake/submission/schema.py LANGUAGES; a test keeps them equal): every
# named word list has one key per language.
LANGUAGES = ("en", "zh_Hans", "zh_Hant", "ug", "bo")
PREDICATES: dict[str, type | tuple[type, ...]] = {"in": list, "has_any": list, "filled": bool, "text_any": (list, dict), "within_days": int,
              "older_than_days": int, "due_within_days": int, "precise_to": str, "age_at_least": int,
              "age_under": int, "some": dict, "same_sentence": list}
PRECISION = {"year": 1, "month": 2, "day": 3}
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
NUMBER = re.compile(r"\d+")


# --- Reading a report -----------------------------------------------------------------------

def values(data, path: str) -> list:
    """Every value at a dotted path, lists flattened; [] when anything on the way is missing."""
    found = [data]
    for key in _keys(path):
        found = [v for item in found if isinstance(item, dict) for v in _flat(item.get(key))]
    return found


@functools.lru_cache(maxsize=1024)
def _keys(path: str) -> tuple:
    return tuple(path.replace("[]", "").split("."))


def _flat(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """_fold(text, pad=True), remembered: the same answers are searched by many rules."""
    return _fold(text, pad=True)


# A word: letters and digits with their combining marks. \w alone would cut Tibetan syllables at
# every vowel sign and subjoined letter (U+0F71-0FBC) and Uyghur words at any Arabic mark; the
# Tibetan tsheg and shad are punctuation, so each syllable is a word.
WORD = re.compile("[\\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8"
                  "\u06ea-\u06ed\u0f18\u0f19\u0f35\u0f37\u0f39\u0f3e\u0f3f\u0f71-\u0f84\u0f86\u0f87\u0f8d-\u0fbc"
                  "\u0fc6\u200c\u200d]+")
SENTENCE_END = re.compile("[.。!?！？;；؟؛།༎\n\r\u2028\u2029]+")


def _fold(text: str, *, pad: bool = False) -> str:
    """NFKC, case-folded, punctuation and spacing as one space. Texts get a space at each end;
    a keyword keeps only its own edge spaces."""
    core = " ".join(WORD.findall(unicodedata.normalize("NFKC", text).casefold()))
    return (" " if pad or text[:1].isspace() else "") + core + (" " if pad or text[-1:].isspace() else "")


def date_range(value):
    """(earliest day, latest day, precision 1-3) of the first date written in `value`, or None."""
    found = find_date(value)
    if found is None:
        return None
    return found.first_day(), found.last_day(), PRECISION[found.precision]


def _age(value, today: datetime.date):
    """Years, roughly, from "45", "45岁" or a year of birth ("born 3 May 1950"); None if unreadable."""
    year = YEAR.search(value) if isinstance(value, str) else None
    if year and int(year[0]) <= today.year:
        return today.year - int(year[0])
    number = NUMBER.search(value) if isinstance(value, str) else None
    return int(number[0]) if number and int(number[0]) < 130 else None


def _filled(value) -> bool:
    if isinstance(value, (dict, list)):
        return any(map(_filled, value.values() if isinstance(value, dict) else value))
    return bool(value.strip()) if isinstance(value, str) else value is not None and value is not False


def located(data, path: str) -> list:
    """values(data, path) with where each was found: [("incidents[0].violations", "EXIT_BAN"), ...].
    An element of a list of dicts is numbered; a list of codes or texts is not (its elements
    share the path)."""
    found = [("", data)]
    for key in _keys(path):
        step = []
        for label, item in found:
            if not isinstance(item, dict):
                continue
            name, value = f"{label}.{key}" if label else key, item.get(key)
            if isinstance(value, list):
                step += [(f"{name}[{n}]" if isinstance(v, dict) else name, v) for n, v in enumerate(value)]
            elif value is not None:
                step.append((name, value))
        found = step
    return found


# --- Evaluating a condition -----------------------------------------------------------------

@dataclasses.dataclass
class _Context:
    today: datetime.date
    suggested: list  # mandates suggested so far, for {suggested = [...]}
    # The first later day on which a date test that was evaluated could give another answer:
    # until then the whole result stands (a skipped test could only matter once an evaluated
    # one changes). None: no evaluated test depends on the day.
    changes_on: datetime.date | None = None
    # Values found at a path, per object searched: many rules read the same paths of a report.
    found: dict = dataclasses.field(default_factory=dict)
    # The evidence of the rule being evaluated, when asked for (urgency reasons), else None; and
    # where the condition is evaluated ("incidents[0]." inside `some`, "" at the root).
    trail: list | None = None
    at: str = ""

    def values(self, data, path: str) -> list:
        key = (id(data), path)  # the objects searched live as long as this context
        if key not in self.found:
            self.found[key] = values(data, path)
        return self.found[key]

    def may_change_on(self, day: datetime.date) -> None:
        if day > self.today and (self.changes_on is None or day < self.changes_on):
            self.changes_on = day


def _texts(found) -> list:
    return [_folded(v) for v in found if isinstance(v, str)]


def _dates(found) -> list:
    return [r for r in map(date_range, found) if r]


def _ages(found, ctx) -> list:
    return [a for a in (_age(v, ctx.today) for v in found) if a is not None]


def _within_days(found, arg, ctx) -> bool:
    dates = _dates(found)
    for _, last, _ in dates:  # true up to and including day last + arg
        ctx.may_change_on(last + datetime.timedelta(days=arg + 1))
    return any((ctx.today - last).days <= arg for _, last, _ in dates)


def _older_than_days(found, arg, ctx) -> bool:
    dates = _dates(found)
    for _, last, _ in dates:  # true from day last + arg + 1 on
        ctx.may_change_on(last + datetime.timedelta(days=arg + 1))
    return any((ctx.today - last).days > arg for _, last, _ in dates)


def _due_within_days(found, arg, ctx) -> bool:
    dates = _dates(found)
    for first, last, _ in dates:  # true from day first - arg to day last
        ctx.may_change_on(first - datetime.timedelta(days=arg))
        ctx.may_change_on(last + datetime.timedelta(days=1))
    return any(last >= ctx.today and (first - ctx.today).days <= arg for first, last, _ in dates)


def _age_test(found, arg, ctx, holds) -> bool:
    if any(YEAR.search(v) for v in found if isinstance(v, str)):
        ctx.may_change_on(datetime.date(ctx.today.year + 1, 1, 1))  # an age from a year of birth
    return any(holds(a, arg) for a in _ages(found, ctx))


def _sentences(text: str) -> list:
    return [_folded(s) for s in SENTENCE_END.split(text) if s.strip()]


def _keyword(text: str, keywords) -> str | None:
    """The first keyword (as written in the rules) found in a folded text, or None."""
    return next((shown for folded, shown in keywords if folded in text), None)


def _same_sentence(text, lists) -> list | None:
    """The keywords, one per list, of the first sentence of `text` that has one of each; or None."""
    for sentence in _sentences(text) if isinstance(text, str) else ():
        found = [_keyword(sentence, keywords) for keywords in lists]
        if all(found):
            return found
    return None


TESTS = {  # predicate -> test(values found at the path, the predicate's argument, context)
    "in": lambda found, arg, ctx: any(v in arg for v in found if not isinstance(v, (dict, list))),
    "filled": lambda found, arg, ctx: any(map(_filled, found)) == arg,
    "text_any": lambda found, arg, ctx: any(_keyword(text, arg) for text in _texts(found)),
    "same_sentence": lambda found, arg, ctx: any(_same_sentence(v, arg) for v in found),
    "within_days": _within_days,
    "older_than_days": _older_than_days,
    "due_within_days": _due_within_days,
    "precise_to": lambda found, arg, ctx: any(p >= PRECISION[arg] for _, _, p in _dates(found)),
    "age_at_least": lambda found, arg, ctx: _age_test(found, arg, ctx, lambda a, n: a >= n),
    "age_under": lambda found, arg, ctx: _age_test(found, arg, ctx, lambda a, n: a < n),
    "some": lambda found, arg, ctx: any(_holds(arg, v, ctx) for v in found if isinstance(v, dict)),
}
TESTS["has_any"] = TESTS["in"]
DATE_TESTS = {"within_days", "older_than_days", "due_within_days", "precise_to"}


def _shown(name: str, value, arg, ctx) -> str:
    """What of one answer made a test hold, fit for a reason: a code, a date as read, an age, or
    a keyword of the rule's list; never the report's own text."""
    if name == "text_any":
        return f"“{_keyword(_folded(value), arg)}”"
    if name == "same_sentence":
        return " + ".join(f"“{k}”" for k in _same_sentence(value, arg) or ())
    if name in DATE_TESTS:
        first, _, precision = date_range(value)
        return first.isoformat()[:(4, 7, 10)[precision - 1]]
    if name in ("age_at_least", "age_under"):
        return f"{_age(value, ctx.today)} years"
    if name == "filled":
        return "given"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, bool) else str(value)


def _evidence(name: str, cond: dict, data, ctx: _Context) -> str:
    """The first answer at the condition's path that makes the test hold, as "path shown"."""
    if name == "filled" and not cond[name]:
        return f"{ctx.at}{cond['path'][0]} empty"
    for path in cond["path"]:
        for label, value in located(data, path):
            if TESTS[name]([value], cond[name], ctx):
                return f"{ctx.at}{label} {_shown(name, value, cond[name], ctx)}"
    return f"{ctx.at}{cond['path'][0]}"  # not reached: the test held on one of these values


def _some(cond: dict, data, ctx: _Context) -> bool:
    """{path, some}, noting where the element that holds was found (when evidence is asked for)."""
    outer, trail = ctx.at, ctx.trail if ctx.trail is not None else []
    mark = len(trail)
    for path in cond["path"]:
        for label, item in located(data, path):
            if isinstance(item, dict):
                ctx.at = f"{outer}{label}."
                held = _holds(cond["some"], item, ctx)
                ctx.at = outer
                if held:
                    return True
                del trail[mark:]
    return False


def _holds(cond: dict, data, ctx: _Context) -> bool:
    trail = ctx.trail
    if "all" in cond:
        mark = len(trail) if trail is not None else 0
        if all(_holds(c, data, ctx) for c in cond["all"]):
            return True
        if trail is not None:
            del trail[mark:]
        return False
    if "any" in cond:
        for c in cond["any"]:
            mark = len(trail) if trail is not None else 0
            if _holds(c, data, ctx):
                return True
            if trail is not None:
                del trail[mark:]
        return False
    if "not" in cond:  # what is absent is no evidence
        ctx.trail = None
        try:
            return not _holds(cond["not"], data, ctx)
        finally:
            ctx.trail = trail
    if "suggested" in cond:
        return any(m in ctx.suggested for m in cond["suggested"])
    (name,) = cond.keys() - {"path"}
    if name == "some" and trail is not None:
        return _some(cond, data, ctx)
    paths = cond["path"]
    found = ctx.values(data, paths[0]) if len(paths) == 1 else [v for p in paths for v in ctx.values(data, p)]
    held = TESTS[name](found, cond[name], ctx)
    if held and trail is not None and name != "some":
        trail.append(_evidence(name, cond, data, ctx))
    return held


def matches(condition: dict, data, now: datetime.datetime) -> bool:
    """Check and evaluate one condition (without refs or suggestions), e.g. to try a new rule."""
    return _holds(_compile(condition, "condition", {}, shipped_words()), data, _Context(_today(now), []))


def _today(now: datetime.datetime) -> datetime.date:
    return now.astimezone(datetime.timezone.utc).date() if now.tzinfo else now.date()


# --- Loading and checking the rules ---------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Rules:
    violations: dict    # code -> {"primary", "secondary", "conditional", "huridocs_acts", "also"}
    global_rules: list  # {"id", "mandate", "why", "when"}, applied in order
    urgency: list       # {"id", "text", "when"}; entries may share an id (branches of one rule)
    stale: list         # {"id", "text", "when"}
    general: list       # readiness items for every mandate: {"id", "missing", "when"}
    checklists: dict    # mandate -> its own readiness items
    words: dict = dataclasses.field(default_factory=dict)  # words.toml: name -> language -> keywords


def parse_words(doc: dict) -> dict:
    """Check words.toml: each named list has every language of the form, none empty unless the
    list names it in `untranslated` (a gap said out loud, not an oversight)."""
    words = {}
    for name, entry in _table(doc, WORDS_FILE).items():
        where = f"{WORDS_FILE} [{name}]"
        entry = _table(entry, where, {*LANGUAGES, "untranslated"})
        gaps = _strings(entry.get("untranslated", []), f"{where} untranslated")
        for language in LANGUAGES:
            if language not in entry:
                raise ValueError(f"{where}: no {language} list; every language of the form needs one: {list(LANGUAGES)}")
            keywords = _strings(entry[language], f"{where} {language}")
            if not all(_fold(k).strip() for k in keywords):
                raise ValueError(f"{where} {language}: a keyword with no letters")
            if bool(keywords) == (language in gaps):
                raise ValueError(f"{where} {language}: " + ("listed as untranslated but has keywords" if keywords else
                                 "empty; give keywords, or list the language in untranslated (and say why)"))
        words[name] = {language: list(entry[language]) for language in LANGUAGES}
    return words


def _keywords(arg, where: str, words: dict, fail) -> list:
    """A keyword list, or {words = name(s)} from words.toml, as (folded, as written) pairs."""
    if isinstance(arg, dict):
        if set(arg) != {"words"}:
            fail("a word-list reference is {words = \"name\"} or {words = [\"name\", ...]}")
        names = _flat(arg["words"])
        unknown = [n for n in names if not isinstance(n, str) or n not in words]
        if not names or unknown:
            fail(f"unknown word list(s) {unknown or names} in {WORDS_FILE}")
        arg = [k for n in names for language in LANGUAGES for k in words[n][language]]
    if not isinstance(arg, list) or not arg or not all(isinstance(k, str) and _fold(k).strip() for k in arg):
        fail("needs a list of keywords, or {words = \"name\"}")
    return list({_fold(k): k.strip() for k in arg}.items())


def _compile(cond, where: str, defines: dict, words: dict, seen: tuple = ()) -> dict:
    """Check a condition; return it with refs inlined, paths as lists and keywords folded."""
    def fail(problem: str):
        raise ValueError(f"{where}: {problem}, in condition {cond!r}")

    keys = set(cond) if isinstance(cond, dict) else set()
    if keys in ({"all"}, {"any"}):
        (key,) = keys
        if not isinstance(cond[key], list) or not cond[key]:
            fail(f"{key} needs a non-empty list of conditions")
        return {key: [_compile(c, where, defines, words, seen) for c in cond[key]]}
    if keys == {"not"}:
        return {"not": _compile(cond["not"], where, defines, words, seen)}
    if keys == {"ref"}:
        name = cond["ref"]
        if not isinstance(name, str) or name not in defines:
            fail(f"unknown ref {name!r}")
        if name in seen:
            fail(f"ref {name!r} refers back to itself")
        return _compile(defines[name], where, defines, words, seen + (name,))
    if keys == {"suggested"}:
        return {"suggested": _mandates(cond["suggested"], where)}
    if "path" not in keys or len(keys) != 2 or not keys <= {"path", *PREDICATES}:
        fail(f"unknown or misplaced keys {sorted(keys - {'path'} - PREDICATES.keys() or keys)}: a condition is "
             f"path with one of {sorted(PREDICATES)}, or all/any/not/ref/suggested")
    (name,) = keys - {"path"}
    paths, arg, kind = _flat(cond["path"]), cond[name], PREDICATES[name]
    if not paths or not all(isinstance(p, str) and p for p in paths):
        fail("path must be a string or a list of strings")
    if kind is int:
        wrong = not isinstance(arg, int) or isinstance(arg, bool) or arg < 0
    else:
        wrong = not isinstance(arg, kind)
    if wrong:
        fail(f"{name} must be a {'non-negative integer' if kind is int else 'list' if isinstance(kind, tuple) else kind.__name__}")
    if name == "text_any":
        arg = _keywords(arg, where, words, lambda problem: fail(f"text_any {problem}"))
    if name == "same_sentence":
        if len(arg) < 2:
            fail("same_sentence needs two keyword lists or more")
        arg = [_keywords(a, where, words, lambda problem: fail(f"same_sentence {problem}")) for a in arg]
    if name == "precise_to" and arg not in PRECISION:
        fail(f"precise_to must be one of {sorted(PRECISION)}")
    return {"path": paths, name: _compile(arg, where, defines, words, seen) if name == "some" else arg}


def _strings(raw, where: str) -> list:
    if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
        raise ValueError(f"{where}: expected a list of strings, got {raw!r}")
    return list(raw)


def _mandates(codes, where: str) -> list:
    unknown = [c for c in _strings(codes, where) if c not in MANDATES]
    if unknown:
        raise ValueError(f"{where}: unknown mandate code(s) {unknown}; known: {sorted(MANDATES)}")
    return list(codes)


def _table(raw, where: str, allowed: set | None = None) -> dict:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table, got {raw!r}")
    if allowed is not None and set(raw) - allowed:
        raise ValueError(f"{where}: unknown keys {sorted(set(raw) - allowed)}; allowed: {sorted(allowed)}")
    return raw


def _items(raw, where: str, keys: set, defines: dict, words: dict) -> list:
    """A list of rule items ([[...]]) with exactly `keys`: "when" compiled, "mandate" checked."""
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list of tables ([[...]]), got {raw!r}")
    items = []
    for item in raw:
        label = f"{where} {item.get('id') or item.get('mandate') or '?'}" if isinstance(item, dict) else where
        if set(_table(item, label, keys)) != keys or not all(isinstance(item[k], str) and item[k] for k in keys - {"when"}):
            raise ValueError(f"{label}: needs {sorted(keys)} (texts not empty), got {sorted(item)}")
        if "mandate" in item:
            _mandates([item["mandate"]], label)
        items.append({**item, "when": _compile(item["when"], label, defines, words)})
    return items


def parse_rules(routing: dict, urgency: dict, readiness: dict, words: dict | None = None) -> Rules:
    """Check the three parsed TOML files (and words.toml, the shipped one if not given); any
    problem is a ValueError naming the file and rule."""
    lists = parse_words(words) if words is not None else shipped_words()
    docs = dict(zip(FILES, (routing, urgency, readiness)))
    sections = ({"define", "violations", "global"}, {"define", "urgency", "stale"}, {"define", "general", "mandates"})
    defines = {}
    for (file, doc), allowed in zip(docs.items(), sections):
        for name, cond in _table(_table(doc, file, allowed).get("define", {}), f"{file} [define]").items():
            if name in defines:  # one namespace: a define in any file serves all three
                raise ValueError(f"{file}: define {name!r} is defined twice")
            defines[name] = cond
    for name, cond in defines.items():  # every define is checked, used or not
        _compile(cond, f"define {name}", defines, lists, (name,))
    violations = {}
    for code, entry in _table(routing.get("violations", {}), "routing.toml [violations]").items():
        where = f"routing.toml violation {code}"
        entry = _table(entry, where, {"primary", "secondary", "conditional", "huridocs_acts", "also"})
        also = None
        if "also" in entry:
            (also,) = _items([entry["also"]], f"{where} also", {"why", "when"}, defines, lists)
        violations[code] = {
            "primary": _mandates(entry.get("primary", []), where),
            "secondary": _mandates(entry.get("secondary", []), where),
            "conditional": _items(entry.get("conditional", []), f"{where} conditional", {"mandate", "why", "when"},
                                  defines, lists),
            "huridocs_acts": _strings(entry.get("huridocs_acts", []), f"{where} huridocs_acts"),
            "also": also,
        }
    mandates = _table(readiness.get("mandates", {}), "readiness.toml [mandates]")
    _mandates(list(mandates), "readiness.toml [mandates]")
    check, flag = {"id", "missing", "when"}, {"id", "text", "when"}
    return Rules(
        violations=violations,
        global_rules=_items(routing.get("global", []), "routing.toml global", {"id", "mandate", "why", "when"}, defines,
                            lists),
        urgency=_items(urgency.get("urgency", []), "urgency.toml rule", flag, defines, lists),
        stale=_items(urgency.get("stale", []), "urgency.toml stale", flag, defines, lists),
        general=_items(readiness.get("general", []), "readiness.toml general", check, defines, lists),
        checklists={m: _items(raw, f"readiness.toml mandate {m}", check, defines, lists) for m, raw in mandates.items()},
        words=lists,
    )


def _shipped(name: str):
    return importlib.resources.files("intake.desk") / "rules" / name


def _read(path, name: str) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{name}: not valid TOML: {error}") from None


@functools.lru_cache(maxsize=1)
def shipped_words() -> dict:
    """The checked word lists of the shipped rules/words.toml."""
    return parse_words(_read(_shipped(WORDS_FILE), WORDS_FILE))


@functools.lru_cache(maxsize=8)
def load_rules(directory=None) -> Rules:
    """The rules shipped in intake/desk/rules/ (cached), or those of another directory (with its
    own words.toml if it has one, else the shipped word lists)."""
    base = Path(directory) if directory is not None else _shipped("")
    routing, urgency, readiness = (_read(base / name, name) for name in FILES)
    words = _read(base / WORDS_FILE, WORDS_FILE) if directory is None or (base / WORDS_FILE).is_file() else None
    return parse_rules(routing, urgency, readiness, words)


# --- Triage ---------------------------------------------------------------------------------

@dataclasses.dataclass
class Triage:
    suggested_mandates: list  # primaries, then secondaries, then global-rule additions; unique
    mandate_reasons: dict     # mandate -> why it was suggested
    urgent: bool              # any of U1..U9 matched
    urgency_reasons: list     # "U1: text (evidence)": a plain string, see the module docstring
    stale: list               # "STALE-SRT: ..."
    readiness: dict           # suggested mandate -> missing items ("GEN-3: ..."), GEN items included
    ready_for: list           # suggested mandates with nothing missing
    # The first day this result may differ ("YYYY-MM-DD"), or None: it stands until the report
    # or the rules change. Stored results are reused until then (index.py).
    valid_until: str | None = None

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


@functools.lru_cache(maxsize=1)
def rules_digest() -> str:
    """A fingerprint of the shipped rule files: cached results are valid only for these rules."""
    digest = hashlib.sha256()
    for name in (*FILES, WORDS_FILE):
        digest.update(_shipped(name).read_bytes())
    return digest.hexdigest()[:16]


def _reason(rule: dict, report: dict, ctx: _Context) -> str | None:
    """"ID: text (evidence, ...)" when the rule holds, else None."""
    ctx.trail = []
    try:
        if not _holds(rule["when"], report, ctx):
            return None
        evidence = list(dict.fromkeys(ctx.trail))
    finally:
        ctx.trail = None
    return f"{rule['id']}: {rule['text']}" + (f" ({', '.join(evidence)})" if evidence else "")


def evaluate(report: dict, now: datetime.datetime, *, rules: Rules | None = None) -> Triage:
    """Suggest mandates, flag urgency and staleness, and list what each mandate still needs."""
    rules = rules or load_rules()
    ctx = _Context(_today(now), [])
    reasons: dict[str, list[str]] = {}

    def suggest(mandate: str, why: str) -> None:
        reasons.setdefault(mandate, []).append(why)
        if mandate not in ctx.suggested:
            ctx.suggested.append(mandate)

    # Codes in the order ticked, first incident first; a code these rules do not know is skipped.
    # Then the rows that also apply without their code (HARASSMENT_OF_FAMILY from related persons).
    codes = [c for c in dict.fromkeys(v for v in values(report, "incidents[].violations") if isinstance(v, str))
             if c in rules.violations]
    also = {c: row["also"]["why"] for c, row in rules.violations.items()
            if c not in codes and row["also"] and _holds(row["also"]["when"], report, ctx)}
    codes += list(also)
    for code in codes:
        for mandate in rules.violations[code]["primary"]:
            suggest(mandate, f"{code}: primary" + (f" ({also[code]})" if code in also else ""))
    for code in codes:
        for mandate in rules.violations[code]["secondary"]:
            suggest(mandate, f"{code}: secondary")
        for rule in rules.violations[code]["conditional"]:
            if _holds(rule["when"], report, ctx):
                suggest(rule["mandate"], f"{code}: secondary ({rule['why']})")
    for rule in rules.global_rules:  # in file order: each sees what the earlier ones added
        if _holds(rule["when"], report, ctx):
            suggest(rule["mandate"], rule["why"])

    def missing(items) -> list:
        return [f"{i['id']}: {i['missing']}" for i in items if not _holds(i["when"], report, ctx)]

    urgency = [r for r in (_reason(rule, report, ctx) for rule in rules.urgency) if r]
    stale = [f"{r['id']}: {r['text']}" for r in rules.stale if _holds(r["when"], report, ctx)]
    general = missing(rules.general)
    readiness = {m: general + missing(rules.checklists.get(m, [])) for m in ctx.suggested}
    return Triage(list(ctx.suggested), reasons, bool(urgency), urgency, stale, readiness,
                  [m for m in ctx.suggested if not readiness[m]],
                  ctx.changes_on.isoformat() if ctx.changes_on else None)
