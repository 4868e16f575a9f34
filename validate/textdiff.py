"""Say where two texts that should be equal differ, and name look-alike characters.

A contributor who copies a quote by hand types ' for ’, " for “ or an ordinary space for a
non-breaking one; an editor may store é as e + ◌́ (NFD). These are invisible in a message
that prints both strings, so the message shows the first differing position with a caret
and names both characters.
"""

from __future__ import annotations

import unicodedata

import regex

from .safetext import visible

# Characters that look alike in most fonts; each maps to the one a keyboard types.
LOOK_ALIKES = {
    "\u2019": "'",
    "\u2018": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2033": '"',
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u2007": " ",
    "\u2013": "-",
    "\u2014": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2026": "...",
}
WINDOW = 24
FUZZY_MAX_LENGTH = 400  # longer texts are not searched approximately (cost grows with length)


def name_of(character: str) -> str:
    """`’ (RIGHT SINGLE QUOTATION MARK)`; invisible characters are shown by code point."""
    shown = (
        character
        if character.isprintable() and not character.isspace()
        else f"U+{ord(character):04X}"
    )
    return f"{shown} ({unicodedata.name(character, f'U+{ord(character):04X}')})"


def first_difference(expected: str, actual: str) -> int | None:
    """Index of the first character where the texts differ (the shorter length if one extends the other), or None."""
    if expected == actual:
        return None
    return next(
        (i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b),
        min(len(expected), len(actual)),
    )


def explain(
    expected: str, actual: str, *, expected_label: str = "expected", actual_label: str = "found"
) -> str:
    """Describe how `actual` differs from `expected`: position, caret, and the look-alikes involved.

    PASS: explain("Mr Bukele’s", "Mr Bukele's") names ’ and ' at character 10.
    """
    if unicodedata.normalize("NFC", expected) == unicodedata.normalize("NFC", actual):
        return (
            "the texts are the same letters in different Unicode forms (one is NFC, the other NFD: an accent stored "
            "as a separate character); normalise to NFC"
        )
    at = first_difference(expected, actual)
    assert at is not None  # equal texts are equal in NFC too, and returned above
    start = max(0, at - WINDOW)
    left = "…" if start else ""
    width = max(len(expected_label), len(actual_label))

    def excerpt(text: str) -> str:
        tail = "…" if len(text) > at + WINDOW else ""
        return visible(left + text[start : at + WINDOW].replace("\n", "⏎") + tail)

    lines = [
        f"they differ at character {at + 1}:",
        f"    {expected_label:<{width}}: {excerpt(expected)}",
        f"    {actual_label:<{width}}: {excerpt(actual)}",
        f"    {'':<{width}}  {' ' * (len(left) + at - start)}^",
    ]
    a, b = expected[at : at + 1], actual[at : at + 1]
    if a and b:
        note = f"{expected_label} has {name_of(a)}, {actual_label} has {name_of(b)}"
        if _fold(a) == _fold(b):
            note += ": look-alike characters"
    else:
        longer, label = (expected, expected_label) if a else (actual, actual_label)
        note = f"{label} goes on with {longer[at : at + WINDOW]!r}"
    lines.append(f"    {note}")
    others = look_alikes_between(expected, actual)
    if len(others) > 1:
        lines.append("    all look-alikes that differ: " + "; ".join(others))
    return "\n".join(lines)


def look_alikes_between(expected: str, actual: str) -> list[str]:
    """Name every look-alike pair (’ vs ', NBSP vs space, ...) where the texts differ only by such pairs, position by position."""
    if len(expected) != len(actual):
        return []
    pairs = dict.fromkeys(
        (a, b) for a, b in zip(expected, actual, strict=True) if a != b and _fold(a) == _fold(b)
    )
    return [f"{name_of(a)} vs {name_of(b)}" for a, b in pairs]


def typographic(article: str, typed: str, label: str) -> str | None:
    """When `typed` is the article's text but for look-alike characters (or Unicode form), say which, for a hint:
    "the article has ’ (U+2019) where exact has ' (U+0027)"; None when the texts differ otherwise.

    Only copying fixes such a difference: `fill` finds a span's offsets from its exact text, which does not occur."""
    if unicodedata.normalize("NFC", article) == unicodedata.normalize("NFC", typed):
        return f"the article stores its accents in another Unicode form (NFC) than {label}"
    if len(article) != len(typed) or _fold_same_length(article) != _fold_same_length(typed):
        return None
    pairs = dict.fromkeys((a, b) for a, b in zip(article, typed, strict=True) if a != b)
    return "the article has " + "; ".join(
        f"{_code_point(a)} where {label} has {_code_point(b)}" for a, b in pairs
    )


def look_alike_cause(text: str, typed: str, label: str) -> str | None:
    """`typographic` of `typed` and the place of `text` that has its words with other look-alikes, if there is one
    (None when `typed` occurs in `text` as it is, or only with other differences)."""
    folded = _fold_same_length(unicodedata.normalize("NFC", typed))
    if not typed or typed in text:
        return None
    at = _fold_same_length(text).find(folded)
    return typographic(text[at : at + len(folded)], typed, label) if at >= 0 else None


def _code_point(character: str) -> str:
    shown = character if character.isprintable() and not character.isspace() else ""
    return f"{shown} (U+{ord(character):04X})".lstrip()


def nearest(text: str, wanted: str) -> tuple[int, str] | None:
    """Return (start, matched text) of the occurrence in `text` closest to `wanted`, or None.

    Look-alike characters count as equal first; otherwise up to one edit in ten characters
    is allowed (the `regex` module's best-match fuzzy search).
    """
    folded_text, folded_wanted = (
        _fold_same_length(text),
        _fold_same_length(unicodedata.normalize("NFC", wanted)),
    )
    at = folded_text.find(folded_wanted)
    if at != -1:
        return at, text[at : at + len(folded_wanted)]
    if not wanted or len(wanted) > FUZZY_MAX_LENGTH:
        return None
    budget = max(1, len(wanted) // 10)
    try:
        match = regex.search(
            rf"(?b)(?:{regex.escape(folded_wanted)}){{e<={budget}}}", folded_text, timeout=2
        )
    except TimeoutError:
        return None
    return (match.start(), text[match.start() : match.end()]) if match else None


def _fold(character: str) -> str:
    return LOOK_ALIKES.get(character, unicodedata.normalize("NFC", character))


def _fold_same_length(text: str) -> str:
    # one character for one, so that offsets in the folded text are offsets in the original
    return "".join(folded if len(folded := _fold(c)) == 1 else c for c in text)
