"""The limits on what the validator reads, enforced before the work they bound.

Every byte of a package under test may come from a stranger, so each input that could
make a check slow or large has a ceiling. The ceilings are far above any real package
(this package is about 0.3 MB; each limit allows a corpus at least a thousand times
larger) and each can be raised for one run with `--limit NAME=N`. Past a limit the
validator does not guess: it reports one `limit-exceeded` error naming the limit and
the option, and exits 2 (could not run), because it has not judged that input.

docs/limits.md is generated from LIMITS (`python -m validate.limits > docs/limits.md`);
tests/test_limits.py keeps the two equal.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """One ceiling: its name (as `--limit` spells it), default, what it counts and why."""

    name: str
    default: int
    counts: str
    why: str


LIMITS: tuple[Limit, ...] = (
    Limit(
        "descriptor-bytes",
        32 * 2**20,
        "bytes of datapackage.json, of each schema and of each dialect file",
        "ours is 9 kB; 32 MiB holds thousands of resources and still parses in well under a second",
    ),
    Limit(
        "json-depth",
        64,
        "nesting depth of any JSON document (descriptor, schema, dialect)",
        "ours nest 6 deep; deeper input would exhaust Python's recursion in the JSON tools",
    ),
    Limit(
        "number-chars",
        40,
        "characters of one JSON number, or of one integer cell read as an offset",
        "Python refuses to parse integers over 4,300 digits; no real count or offset needs more than 20",
    ),
    Limit(
        "resources",
        10_000,
        "resources in the descriptor",
        "ours has 13; each resource is opened and hashed",
    ),
    Limit(
        "file-bytes",
        8 * 2**20,
        "bytes of one resource file (CSV table or text snapshot)",
        "95 times our largest table (88 kB). Set by memory: the loader keeps every row as a Python dict (about "
        "2.6 KB a row at peak; the 1M-row benchmark package, 314 MB, took 2.7 GB), and a run on a stranger's input must stay under 1 GB",
    ),
    Limit(
        "package-bytes",
        16 * 2**20,
        "bytes of all resource files together",
        "55 times this package (0.31 MB), for the same memory budget; raise it with --limit for a corpus on a bigger machine",
    ),
    Limit(
        "csv-columns",
        1_000,
        "columns in the header of one CSV table",
        "ours have at most 21; very wide rows multiply the work of every check",
    ),
    Limit(
        "cell-chars",
        1_000_000,
        "characters in one CSV cell",
        "a larger cell is almost always an unclosed quotation mark",
    ),
    Limit(
        "snapshot-chars",
        8_000_000,
        "code points of one snapshot text",
        "1,400 times the article (5,531); coverage and grapheme checks walk the whole text (16M took 17 s and 433 MB)",
    ),
    Limit(
        "enum-values",
        5_000,
        "values in one `enum` constraint of a Table Schema",
        "ours list at most 11; categories, not data",
    ),
    Limit(
        "json-keys",
        10_000,
        "members of one JSON object (a schema field's keywords, a descriptor object)",
        "profiles report unknown keywords one by one; 10,000 is far past any real object",
    ),
    Limit(
        "yaml-nodes",
        100_000,
        "YAML nodes of CITATION.cff, counting each alias as a full copy",
        "ours has 60; bounds 'billion laughs' alias expansion",
    ),
    Limit(
        "yaml-depth",
        64,
        "nesting depth of CITATION.cff",
        "ours nests 3 deep; deeper input exhausts recursion",
    ),
)

_BY_NAME = {limit.name: limit for limit in LIMITS}


class LimitExceeded(ValueError):
    """An input is past one of the limits; the message names the limit and the option."""

    def __init__(
        self, name: str, what: str, actual: int | None, maximum: int, line: int | None = None
    ):
        self.name, self.what, self.actual, self.maximum, self.line = (
            name,
            what,
            actual,
            maximum,
            line,
        )
        size = f"{actual:,}" if actual is not None else f"more than {maximum:,}"
        super().__init__(
            f"{what} is {size}, over the limit `{name}` ({maximum:,}). "
            f"If this is intended, raise it with `--limit {name}=N`."
        )


@dataclass(frozen=True)
class Limits:
    """The limits of one run: the defaults, with any `--limit NAME=N` applied."""

    values: dict[str, int] = dataclasses.field(
        default_factory=lambda: {limit.name: limit.default for limit in LIMITS}
    )

    def __getitem__(self, name: str) -> int:
        return self.values[name]

    def check(self, name: str, actual: int, what: str) -> None:
        """Raise LimitExceeded when `actual` is past limit `name`."""
        if actual > self.values[name]:
            raise LimitExceeded(name, what, actual, self.values[name])

    @classmethod
    def parse(cls, options: list[str] | None) -> Limits:
        """Build the limits from `--limit NAME=N` options; ValueError names a bad one."""
        values = {limit.name: limit.default for limit in LIMITS}
        for option in options or []:
            name, _, number = option.partition("=")
            if name not in _BY_NAME:
                raise ValueError(
                    f"unknown limit {name!r} in --limit {option!r}; the limits are: {', '.join(_BY_NAME)}"
                )
            if not (number.isascii() and number.isdigit() and 0 < len(number) <= 18):
                raise ValueError(
                    f"--limit {option!r}: give a whole number, e.g. --limit {name}={_BY_NAME[name].default}"
                )
            values[name] = int(number)
        return cls(values)


DEFAULT = Limits()


def add_option(parser) -> None:
    """Add `--limit NAME=N` to an argparse parser."""
    parser.add_argument(
        "--limit",
        action="append",
        metavar="NAME=N",
        default=[],
        help="raise (or lower) one limit for this run, e.g. --limit file-bytes=500000000; see docs/limits.md",
    )


def markdown() -> str:
    """docs/limits.md: the table of limits, generated from LIMITS."""
    lines = [
        "# Limits",
        "",
        "<!-- generated by `python -m validate.limits > docs/limits.md`; tests/test_limits.py keeps it true -->",
        "",
        "The validator judges input from strangers, so everything it reads has a ceiling, checked before the work.",
        "Past a ceiling it reports one `limit-exceeded` error naming the limit and exits 2 (could not run).",
        "Raise a limit for one run with `python -m validate --limit NAME=N` (repeatable).",
        "",
        "| limit | default | counts | why this value |",
        "| --- | ---: | --- | --- |",
    ]
    lines += [
        f"| `{limit.name}` | {limit.default:,} | {limit.counts} | {limit.why} |" for limit in LIMITS
    ]
    lines += [
        "",
        "## What else holds for any input",
        "",
        "- **Exit codes mean one thing**: 0 valid, 1 invalid, 2 could not run (unreadable descriptor, an input past a",
        '  limit, or a bug). An unexpected exception is reported as "a bug in the validator" naming the command and',
        "  its input, with exit 2 (validate/guard.py); a check that fails is named in the report, also exit 2.",
        "- **One path rule** (validate/package.py) for every path the package names (resource `path`, `schema`,",
        "  `dialect`, CITATION.cff, CHANGELOG.md, snapshots) and for every helper (`fill`, `dictionary`): relative,",
        "  not a URL, no control characters, inside the package after resolving links, a regular file (never a FIFO",
        "  or device), within the size limits. `profile`, `$schema` and `$ref` may only name the standard profiles:",
        "  frictionless is not run on a descriptor with any other reference, so nothing is fetched.",
        "- **Writes are all or nothing**: `fill` computes everything first, writes temporary files beside their",
        "  targets and renames them only when all are ready (validate/atomic.py).",
        "- **Writers follow no link** (validate/safepath.py): what `fill`, `normalize`, `rename-id` and `release`",
        "  write, and what `release` bundles, is inside the package or the named output by its own name (no link on",
        "  the way, not even one that stays inside) and a regular file or absent.",
        "- **Output is neutralised** (validate/safetext.py): control characters, bidirectional controls and lone",
        "  surrogates are shown as `\\x1b`, `\\u202e`, ...; no text line can start a GitHub workflow command",
        "  (`::` or `##[`); annotations escape `%`, CR, LF, `:` and `,`; the job summary escapes Markdown and HTML;",
        "  JSON is strict (no NaN; values JSON cannot hold are written as visible text).",
        "- **Time and memory**: sentence splitting, coverage (one sweep over sorted spans), the grapheme check (one",
        "  pass per snapshot), the JSON line mapper and the YAML alias count are linear in their input; at most",
        "  `--max-errors` errors (default 100) are kept per check and code, the rest counted (a broken 16-million-",
        "  character snapshot would otherwise list a million uncovered sentences). Table rows are checked by",
        "  compiled DuckDB queries (validate/engine/), frictionless only with `--engine frictionless`.",
        "  `benchmarks/hostile_scale.py` measures time and peak memory from 1x to 1000x and on the hostile cases.",
        "  `uniqueItems` is tested in linear time (jsonschema compares objects and mixed lists pair by pair) and its",
        "  message names the first repeat, not the list. On 2026-12-06 (a shared, loaded machine), the profile check",
        "  alone: 20,000 unique mixed keywords over 120 s before (stopped), 2.7 s after; an enum of 5,000 objects",
        "  239 s before, 0.04 s after; 30 MB of keywords with one repeat 0.9 s before and 0.8 s after, but a message",
        "  of 30 MB before and 511 characters after (tests/test_slow_descriptors.py).",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
