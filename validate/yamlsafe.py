"""Read untrusted YAML (CITATION.cff) safely: safe tags only, depth and alias expansion bounded.

`yaml.safe_load` refuses arbitrary Python objects, but it still builds "billion laughs"
(nine levels of ten aliases: a billion nodes once anything walks them) and recurses
once per nesting level. Before constructing anything, the event stream is walked once
(PyYAML's parser keeps its own stack, it does not recurse) to measure the nesting depth
and the size of the document with every alias counted as a full copy.

PASS: CITATION.cff of this package (60 nodes, depth 3)
FAIL: `a: &a [x, x]`, `b: &b [*a, *a]`, ... nine levels deep  ->  LimitExceeded(yaml-nodes)
"""

from __future__ import annotations

import yaml

from .limits import Limits

_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def safe_load(text: str, limits: Limits) -> object:
    """Parse YAML text within the `yaml-depth` and `yaml-nodes` limits.

    Raises LimitExceeded past a limit and yaml.YAMLError for text that is not YAML."""
    measure(text, limits)
    return yaml.safe_load(text)


def measure(text: str, limits: Limits) -> int:
    """Return the expanded node count of `text`; raise LimitExceeded past a limit."""
    sizes: dict[str, int] = {}  # anchor -> expanded size of the node it names
    stack: list[list] = []  # per open collection: [anchor, size so far]
    total = 0

    def finished(anchor: str | None, size: int) -> None:
        nonlocal total
        if anchor:
            sizes[anchor] = size
        if stack:
            stack[-1][1] += size
        else:
            total += size
        limits.check(
            "yaml-nodes",
            total + sum(frame[1] for frame in stack),
            "the YAML document (aliases expanded)",
        )

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, _OPEN):
            stack.append([event.anchor, 1])
            limits.check("yaml-depth", len(stack), "the YAML nesting depth")
        elif isinstance(event, _CLOSE):
            anchor, size = stack.pop()
            finished(anchor, size)
        elif isinstance(event, yaml.ScalarEvent):
            finished(event.anchor, 1)
        elif isinstance(event, yaml.AliasEvent):
            finished(None, sizes.get(event.anchor, 1))
    return total
