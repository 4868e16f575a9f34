"""Which values the exports make into links: absolute http(s) addresses, nothing else.

One rule for Datasette's metadata and the static site, so that a `javascript:` or `data:` value,
or one with white space or control characters in it, is shown as text and never followed.
"""

from __future__ import annotations

import re

_LINK = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.ASCII)


def web_address(value: object) -> str | None:
    """`value` when it is an absolute http(s) address, else None."""
    return value if isinstance(value, str) and _LINK.fullmatch(value) else None
