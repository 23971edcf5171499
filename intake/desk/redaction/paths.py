"""Field paths into a report ("victim.name", "incidents[0].narrative") and the walk over its strings.

The walk visits keys in sorted order and list items by index, so the order (and with it the
numbering of pseudonyms by first appearance) depends on the report's content only, never on the
order in which its keys were written. `updates` (the follow-ups the desk adds to a case's report)
comes last, so a follow-up arriving later never renumbers the labels of the report before it.
"""

import re
from collections.abc import Iterator
from typing import Any

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
WALKED_LAST = frozenset({"updates"})


def _key_order(key) -> tuple[bool, str]:
    return key in WALKED_LAST, str(key)


def walk_strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON-like value, with its path: dict values, list items, nested."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key in sorted(value, key=_key_order):
            yield from walk_strings(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_strings(item, f"{path}[{i}]")


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for m in _STEP.finditer(path):
        steps.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return steps


def get_path(value: Any, path: str) -> Any:
    for step in _steps(path):
        value = value[step]
    return value


def set_path(value: Any, path: str, new: Any) -> None:
    *parents, last = _steps(path)
    for step in parents:
        value = value[step]
    value[last] = new


def pattern(path: str) -> str:
    """The path with list indices dropped, as the schema names fields: "incidents[].place"."""
    return re.sub(r"\[\d+\]", "[]", path)
