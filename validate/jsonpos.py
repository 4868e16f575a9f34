"""Map JSON paths to line numbers, so that descriptor errors point at a line.

The standard json module keeps no positions, so this walks the (already valid) JSON
text with a small scanner and records the line on which each value starts.
"""

from __future__ import annotations

import contextlib
import json
import re
from bisect import bisect_left
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

_SCALAR = re.compile(r"-?[0-9][0-9.eE+-]*|true|false|null")
_SPACE = re.compile(r"[ \t\r\n]*")


def value_lines(text: str) -> Mapping[str, int]:
    """Return {json_path: line} for every value in `text` (read-only); paths look like `$.resources[2].hash`.

    Linear in the text; recursion is as deep as the JSON, which the loader bounds (`json-depth`)
    before calling this. A text of up to 32 kB (a schema, a descriptor) is mapped once per process:
    a long-lived caller (the tests) reads the package's own schemas again and again. The map of a
    text is many times its size, so the cache holds at most 32 of them."""
    return _remembered_lines(text) if len(text) <= REMEMBERED_CHARS else _value_lines(text)


REMEMBERED_CHARS = 32_000


@lru_cache(maxsize=32)
def _remembered_lines(text: str) -> Mapping[str, int]:
    return MappingProxyType(_value_lines(text))


def _value_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    newlines = [match.start() for match in re.finditer("\n", text)]

    def line_at(pos: int) -> int:
        return bisect_left(newlines, pos) + 1  # how many newlines stand before pos

    def skip(pos: int) -> int:
        return _match_end(_SPACE, text, pos)

    def value(pos: int, path: str) -> int:
        pos = skip(pos)
        lines[path] = line_at(pos)
        char = text[pos]
        if char == "{":
            pos = skip(pos + 1)
            if text[pos] == "}":
                return pos + 1
            while True:
                start = skip(pos)
                end = _string_end(text, start)
                key = _decode(text[start:end])
                pos = skip(end) + 1  # past the colon
                pos = skip(value(pos, f"{path}.{key}"))
                if text[pos] == "}":
                    return pos + 1
                pos += 1  # past the comma
        if char == "[":
            pos = skip(pos + 1)
            if text[pos] == "]":
                return pos + 1
            index = 0
            while True:
                pos = skip(value(pos, f"{path}[{index}]"))
                if text[pos] == "]":
                    return pos + 1
                pos, index = pos + 1, index + 1
        return _string_end(text, pos) if char == '"' else _match_end(_SCALAR, text, pos)

    # Not valid JSON: positions are best effort, the parse error is reported elsewhere.
    with contextlib.suppress(AttributeError, IndexError, RecursionError, ValueError):
        value(0, "$")
    return lines


def line_for(lines: Mapping[str, int], path: str) -> int | None:
    """Return the line of `path`, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def _match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Return the position after `pattern` matched at `pos`; raise ValueError where it does not match."""
    match = pattern.match(text, pos)
    if match is None:
        raise ValueError(f"no {pattern.pattern!r} at {pos}")
    return match.end()


def _string_end(text: str, start: int) -> int:
    """Return the position after the JSON string that opens at `start`.

    A quote closes the string when an even number of backslashes precede it. Each run of
    backslashes is looked at once, so this is linear (a regex would keep a backtracking
    frame per escape: gigabytes for a long string of escapes)."""
    if text[start] != '"':
        raise ValueError("not a string")
    at = start + 1
    while True:
        quote = text.index('"', at)
        run = text[at:quote]
        if (len(run) - len(run.rstrip("\\"))) % 2 == 0:
            return quote + 1
        at = quote + 1


def _decode(token: str) -> str:
    return json.loads(token)
