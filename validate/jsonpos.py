"""Map JSON paths to line numbers, so that descriptor errors point at a line.

The standard json module keeps no positions, so this walks the (already valid) JSON
text with a small scanner and records the line on which each value starts.
"""

from __future__ import annotations

import json
import re

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"-?[0-9][0-9.eE+-]*|true|false|null")
_SPACE = re.compile(r"[ \t\r\n]*")


def value_lines(text: str) -> dict[str, int]:
    """Return {json_path: line} for every value in `text`; paths look like `$.resources[2].hash`."""
    lines: dict[str, int] = {}
    newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line_at(pos: int) -> int:
        low, high = 0, len(newlines)
        while low < high:  # bisect: how many newlines stand before pos
            mid = (low + high) // 2
            if newlines[mid] < pos:
                low = mid + 1
            else:
                high = mid
        return low + 1

    def skip(pos: int) -> int:
        return _SPACE.match(text, pos).end()

    def value(pos: int, path: str) -> int:
        pos = skip(pos)
        lines[path] = line_at(pos)
        char = text[pos]
        if char == "{":
            pos = skip(pos + 1)
            if text[pos] == "}":
                return pos + 1
            while True:
                key_match = _STRING.match(text, skip(pos))
                key = _decode(key_match.group())
                pos = skip(key_match.end()) + 1  # past the colon
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
        match = _STRING.match(text, pos) if char == '"' else _SCALAR.match(text, pos)
        return match.end()

    try:
        value(0, "$")
    except (AttributeError, IndexError):
        pass  # not valid JSON: positions are best effort, the parse error is reported elsewhere
    return lines


def line_for(lines: dict[str, int], path: str) -> int | None:
    """Return the line of `path`, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def _decode(token: str) -> str:
    return json.loads(token)
