"""The order GitHub annotations should follow, written plainly, for the tests of `reporters.first_annotations`."""

from __future__ import annotations

from validate.reporters import _in_rounds


def distinct_codes_first(errors: list) -> list:
    """Reorder errors so that each distinct check/code comes before a second of the same code.

    GitHub keeps only a few annotations: one mistyped ID repeated eight times must not hide
    a quote typo. Within each round, the report's order (file, line) is kept.
    """
    return [error for _, _, error in sorted(_in_rounds(errors), key=lambda entry: entry[:2])]
