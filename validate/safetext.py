"""Neutralise text from the package before it is shown to a person or to CI.

A package is written by strangers: an ID holding `ESC]0;…BEL` retitles a terminal, a
newline forges a report line, U+202E reverses what a reviewer reads, a line starting
`::` is a GitHub workflow command. Every string that comes from the package goes through
`visible` (text reports), `annotation_data`/`annotation_property` (GitHub annotations),
`markdown_cell` (the job summary) or `json_safe` (JSON reports) on its way out.

PASS: visible("clm-001") == "clm-001"
FAIL-safe: visible("a\\x1b[2Jb") == "a\\\\x1b[2Jb"  (shown as the six characters `\\x1b`, never sent to the terminal)
"""

from __future__ import annotations

import re

# Bidirectional controls (embeddings, overrides, isolates, marks) reorder what is shown.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 and C1 controls, DEL, line/paragraph separators, bidi controls, lone surrogates.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}\ud800-\udfff]")
# Workflow commands: `::name …::` and the older `##[name]…`, recognised at the start of a line.
_COMMAND_START = re.compile(r"^(\s*)(::|##\[)", re.MULTILINE)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: object) -> str:
    """Return `text` with every control, separator, bidi control and lone surrogate escaped visibly."""
    return _UNSAFE.sub(_escape, str(text))


def visible_lines(text: object) -> str:
    """Like `visible`, but keep the line breaks of a message laid out on several lines.

    The validator lays out a long message (a caret under the first difference) on lines
    indented by four spaces; only such a break is kept. Any other line break (one that came
    from the package, in an ID, say) is escaped like every control, so it can never start a
    report line of its own (a forged `valid: 0 error(s)`)."""
    lines = str(text).split("\n")
    shown = visible(lines[0])
    for line in lines[1:]:
        shown += ("\n" if line.startswith("    ") else "\\x0a") + visible(line)
    return shown


def no_command(line: str) -> str:
    """Make sure no line of `line` can be read as a GitHub workflow command."""
    return _COMMAND_START.sub(
        lambda m: m.group(1) + ("\\x3a:" if m.group(2) == "::" else "\\x23#["), line
    )


def text_report(text: str) -> str:
    """A whole text report: each line safe to print in a terminal and in a CI log."""
    return no_command(text)


def annotation_data(text: object) -> str:
    """The message part of `::error …::message` (GitHub's escapes for % CR LF, then every other control made visible)."""
    return visible(str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def annotation_property(text: object) -> str:
    """A property value of `::error file=…,line=…` (GitHub escapes: % CR LF : ,)."""
    return annotation_data(text).replace(":", "%3A").replace(",", "%2C")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def markdown_cell(text: object) -> str:
    """A cell of a Markdown table: no line break (CR, LF), no pipe, no HTML, no link, no code, no emphasis."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text))
    return re.sub("[<>&]", lambda m: _HTML[m.group()], escaped)


def json_safe(value: object) -> object:
    """A copy of `value` that `json.dumps(..., allow_nan=False)` can write as strictly valid UTF-8 JSON.

    Lone surrogates cannot be encoded, NaN and infinities are not JSON: they are replaced by
    visible descriptions, so the report says what was there instead of failing."""
    if isinstance(value, str):
        return re.sub("[\ud800-\udfff]", _escape, value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return f"<not a JSON number: {value!r}>"
    if isinstance(value, dict):
        return {json_safe(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    return value
