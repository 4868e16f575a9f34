"""Run frictionless once per package and share what it said between the checks that use it.

With the default engine only the descriptor is read by frictionless (`inspect`): it opens
the package and validates each resource's metadata, without reading a row. With
`--engine frictionless`, `run` also validates every row, as the reference path; patterns are
then taken out of the schemas it is given (Python's `re` can backtrack for ever on a hostile
pattern) and checked by the engine's RE2 instead.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import json
import os
import re
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..package import Package
from ._jsonschema import usable_schema


@dataclass
class _State:
    """What this module knows of one loaded package: frictionless's pending reading, and its answers."""

    pending: tuple[Any, Any, str | None] | None = (
        None  # start_inspect: (child process, pipe, memo key)
    )
    descriptor: Outcome | None = None  # inspect
    rows: Outcome | None = None  # run (--engine frictionless)


_STATES: dict[int, _State] = {}  # id(package) -> its state, dropped when the package is collected


def _state(package: Package) -> _State:
    if id(package) not in _STATES:
        _STATES[id(package)] = _State()
        weakref.finalize(package, _STATES.pop, id(package), None)
    return _STATES[id(package)]


@dataclass(frozen=True)
class Failure:
    """frictionless raised something other than its own exception."""

    message: str
    type: str = "frictionless-failed"


@dataclass
class Outcome:
    """What frictionless said: descriptor problems that stopped it, or its validation report."""

    metadata_errors: list = field(default_factory=list)
    report: Any = None  # a frictionless Report (imported lazily, so not named here)
    skipped_because: list[str] = field(
        default_factory=list
    )  # files that kept frictionless from running
    resource_warnings: dict[str, list[str]] = field(
        default_factory=dict
    )  # inspect(): warnings by resource name
    rows_checked: bool = False


def unreadable_files(package: Package) -> list[str]:
    """Files frictionless must not open: it would read outside the package (a link), or
    report the same unreadable file again under other tables' names (foreign keys)."""
    files = set()
    for resource in package.resources:
        if (resource.table is None) if resource.is_table else (resource.text is None):
            files.add(resource.path or resource.name)
        if resource.schema_path and usable_schema(package, resource) is None:
            files.add(resource.schema_path)  # frictionless may crash on a malformed schema
        elif (
            isinstance(resource.descriptor.get("schema"), dict)
            and usable_schema(package, resource) is None
        ):
            files.add(
                f"{resource.path or resource.name} (its inline schema)"
            )  # nor may it hang on one (20,000 keywords)
    # frictionless only ever gets a descriptor whose every path and profile passed the path rule
    files.update(error.field or error.file for error in package.unsafe_references)
    if package.over_limit:
        files.add("(input past a limit)")
    return sorted(files)


def outcome(package: Package) -> Outcome:
    """What frictionless said, by the package's engine: the rows too only with the frictionless engine."""
    return run(package) if package.engine == "frictionless" else inspect(package)


def start_inspect(package: Package) -> None:
    """Start `inspect` in a forked child, so that frictionless reads the descriptor beside the other checks.

    Importing frictionless and opening the package with it are a large part of a small run (docs/engine.md),
    and a second core is idle meanwhile. The child is handed nothing but what `inspect` would do here
    (a package with no unsafe reference; otherwise `inspect` answers without frictionless), and
    sends back plain data. Without fork, `inspect` simply runs in this process when asked."""
    if (
        not hasattr(os, "fork")
        or _state(package).descriptor is not None
        or unreadable_files(package)
        or importlib.util.find_spec("frictionless") is None
    ):  # not installed: the run says so, the child would only print a traceback
        return
    key = _inputs_of(package)  # here, not in the child: what the child says is remembered here
    if key in _VERDICTS:  # already said in this process: nothing to wait for
        return
    import multiprocessing

    # The loaded package (millions of objects for a large one) stays alive to the end of the run:
    # frozen, the child's collections do not touch its pages (each touch would copy a page of the
    # parent) and neither do the parent's, which no longer walk it again and again. Unfrozen when
    # the answer is read, so that a long-lived caller frees the package as usual.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def work() -> None:
        said = _asked(lambda: _read_descriptor(package))
        sender.send(
            Outcome(
                metadata_errors=[
                    Failure(str(getattr(e, "message", e)), str(getattr(e, "type", Failure.type)))
                    for e in said.metadata_errors
                ],
                resource_warnings=said.resource_warnings,
            )
        )

    process = context.Process(target=work, daemon=True)
    try:
        process.start()
    except OSError:  # no memory or process left to fork: `inspect` will run here instead
        gc.unfreeze()
        receiver.close()
        return
    finally:
        sender.close()
    _state(package).pending = (process, receiver, key)


def finish(package: Package) -> None:
    """Collect a child that no check asked for (a run that stopped early), and unfreeze the collector."""
    _answer_of_child(package)


def _answer_of_child(package: Package) -> Outcome | None:
    pending, _state(package).pending = _state(package).pending, None
    if pending is None:
        return None
    process, receiver, key = pending
    try:
        said = receiver.recv()
    except (
        EOFError,
        OSError,
    ):  # the child died (a memory limit, say): say so rather than guess, and remember nothing
        return Outcome(
            metadata_errors=[
                Failure("frictionless stopped before it finished reading the descriptor")
            ]
        )
    else:
        if key is not None:
            _remember(key, said)
        return said
    finally:
        receiver.close()
        process.join()
        gc.unfreeze()


def inspect(package: Package) -> Outcome:
    """Open the package with frictionless and validate each resource's metadata, without its rows."""
    answer = _answer_of_child(package)
    if answer is not None:
        _state(package).descriptor = answer
    blocking = unreadable_files(package)
    if blocking:
        return Outcome(skipped_because=blocking)
    state = _state(package)
    if state.descriptor is None:
        state.descriptor = _remembered(package)
    return state.descriptor


# frictionless's verdicts on the last few descriptors read in this process, by what it read.
_VERDICTS: OrderedDict[str, Outcome] = OrderedDict()
_REMEMBERED_VERDICTS = 32


def _remembered(package: Package) -> Outcome:
    """What frictionless says of the descriptor, remembered by the texts it reads.

    A long-lived caller (the tests run some three hundred packages, most with the same
    descriptor and schemas) would otherwise pay for frictionless's reading again and again for the
    same verdict. The verdict depends on nothing but the descriptor and the schema files it
    names (it reads no row and fetches nothing: `unreadable_files` has ruled that out), so those
    texts are the key; a resource with a dialect file is never remembered."""
    key = _inputs_of(package)
    if key is None:
        return _asked(lambda: _read_descriptor(package))
    if key in _VERDICTS:
        _VERDICTS.move_to_end(key)
        return _VERDICTS[key]
    return _remember(key, _asked(lambda: _read_descriptor(package)))


def _remember(key: str, said: Outcome) -> Outcome:
    _VERDICTS[key] = said
    if len(_VERDICTS) > _REMEMBERED_VERDICTS:
        _VERDICTS.popitem(last=False)
    return said


def _inputs_of(package: Package) -> str | None:
    """A digest of what frictionless reads to open the descriptor, or None when it reads a file not loaded here.

    A resource's `bytes` and the digits of its `hash` enter as their form only (a positive
    whole number, that many hexadecimal digits): reading no file, frictionless judges nothing
    else of them, and they are what changes from one edit of a package to the next."""
    try:
        descriptor = json.loads(json.dumps(package.descriptor))
    except (
        RecursionError,
        ValueError,
    ):  # nested deeper than json can write (raised limits): never remembered
        return None
    resources = descriptor.get("resources")
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict):
            continue
        if isinstance(resource.get("dialect"), str):
            return None
        size, digest = resource.get("bytes"), resource.get("hash")
        if type(size) is int and size > 0:
            resource["bytes"] = 1
        if isinstance(digest, str):
            resource["hash"] = _HEX_DIGITS.sub(lambda digits: "0" * len(digits.group()), digest)
    key = hashlib.sha256(
        json.dumps(descriptor, ensure_ascii=False).encode("utf-8", "surrogatepass")
    )
    for resource in package.resources:
        if isinstance(
            resource.descriptor.get("schema"), str
        ):  # a file frictionless reads: in the key, if the loader read it
            text = package.schema_texts.get(resource.schema_path) if resource.schema_path else None
            if text is None:
                return None
            for part in (resource.schema_path, text):
                encoded = part.encode("utf-8", "surrogatepass")
                key.update(len(encoded).to_bytes(8, "big") + encoded)
    return key.hexdigest()


# The digits of a `hash` value, after its algorithm prefix if any (`sha256:9a0f...`).
_HEX_DIGITS = re.compile(r"(?<=:)[0-9a-f]+$|^[0-9a-f]+$")


def run(package: Package) -> Outcome:
    """Validate the package with frictionless (descriptor, types, constraints, keys), once."""
    blocking = unreadable_files(package)
    state = _state(package)
    if blocking:
        state.rows = Outcome(skipped_because=blocking)
    if state.rows is None:
        state.rows = _asked(lambda: _validate_rows(package))
    return state.rows


def _asked(question) -> Outcome:
    """Ask frictionless; its own exception becomes metadata errors, any other a Failure (never a crash here)."""
    from frictionless import FrictionlessException

    try:
        return question()
    except FrictionlessException as exception:
        return Outcome(metadata_errors=list(exception.reasons) or [exception.error])
    except Exception as exception:  # frictionless itself failed on input it did not expect
        return Outcome(metadata_errors=[Failure(f"{type(exception).__name__}: {exception}")])


def _read_descriptor(package: Package) -> Outcome:
    from frictionless import Package as FrictionlessPackage
    from frictionless import helpers

    result = Outcome()
    loaded = FrictionlessPackage(str(package.descriptor_path))
    for resource in loaded.resources:
        resource.to_descriptor(validate=True)
        # the warning that Resource.validate gives before it reads any data
        if resource.hash and helpers.parse_resource_hash_v1(resource.hash)[0] not in (
            "md5",
            "sha256",
        ):
            result.resource_warnings.setdefault(resource.name, []).append(
                "hash is ignored; supported algorithms: md5/sha256"
            )
    return result


def _validate_rows(package: Package) -> Outcome:
    from frictionless import Package as FrictionlessPackage

    report = FrictionlessPackage(without_patterns(package), basepath=str(package.root)).validate()
    return Outcome(
        report=report,
        rows_checked=True,
        resource_warnings={task.name: list(task.warnings) for task in report.tasks},
    )


def without_patterns(package: Package) -> dict:
    """The descriptor with each table's (usable) schema inlined and its `pattern` constraints removed."""
    descriptor = json.loads(package.descriptor_text)
    for resource in package.resources:
        schema = usable_schema(package, resource)
        if schema is None or resource.index >= len(descriptor.get("resources", [])):
            continue
        stripped = json.loads(json.dumps(schema))
        for item in stripped.get("fields", []):
            if isinstance(item.get("constraints"), dict):
                item["constraints"].pop("pattern", None)
        descriptor["resources"][resource.index]["schema"] = stripped
    return descriptor
