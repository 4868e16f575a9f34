"""Shared translation of jsonschema errors into the project's Error record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from jsonschema.validators import extend

from ..errors import Code, Error, Place
from ..jsonpos import REMEMBERED_CHARS

# The profiles ship inside the package (validate/profiles/), so an installed validator finds them from any folder.
PROFILES = (
    resources.files(__name__.split(".")[0]) / "profiles"
)  # `validate` here, another name installed

_HINTS = {
    "required": "Add the missing property.",
    "additionalProperties": "Remove or rename the property: only the properties the profile lists are allowed (check the spelling).",
    "pattern": "Change the value so that it has the expected form.",
    "enum": "Use one of the allowed values.",
    "const": "Use exactly the expected value.",
    "type": "Change the value to the expected JSON type.",
    "format": "Write the value in the expected format.",
    "minItems": "Add at least one item.",
    "minLength": "Fill in the value.",
    "minimum": "Use a number no smaller than the minimum the message gives.",
    "minProperties": "Give at least one property, or remove the empty object.",
    "uniqueItems": "Remove the repeated item.",
    "not": "Remove the property the message names, or change what forbids it there.",
}


# What each JSON Schema keyword that can fail means to a contributor: the codes of the profile checks.
_MEANINGS = {
    "required": "A property the profile requires is missing.",
    "additionalProperties": "A property the profile does not list is present (often a misspelt name, which would otherwise be ignored).",
    "pattern": "A text value does not have the form the profile asks for (the message shows the value and the expected form).",
    "enum": "The value is not one of the values the profile allows.",
    "const": "The value is not the one value the profile allows here.",
    "type": "The value has the wrong JSON type (text where a list is expected, a number where text is, ...).",
    "format": "The value is not in the format the profile names (an e-mail address, an RFC 3339 date-time, ...).",
    "minItems": "A list has fewer items than the profile asks for (usually: it is empty).",
    "minLength": "A text value is empty where the profile asks for one.",
    "minimum": "A number is below the smallest value the profile allows.",
    "minProperties": "An object is empty where the profile asks for at least one property.",
    "uniqueItems": "A list repeats an item where each item must be unique.",
    "not": "A property is present that the profile forbids in this place (the message names the rule).",
}


def profile_codes(profile_name: str) -> dict[str, Code]:
    """The codes a check of `instance` against a profile can report: each failing keyword the profile uses, and
    `limit-exceeded` (a document nested too deeply to be checked)."""
    used: set[str] = set()
    stack: list[object] = [json.loads(PROFILES.joinpath(profile_name).read_text(encoding="utf-8"))]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                used.add(key)
                if key in (
                    "properties",
                    "patternProperties",
                    "$defs",
                ):  # names of properties and definitions, not keywords
                    stack.extend(value.values() if isinstance(value, dict) else ())
                elif key not in (
                    "enum",
                    "const",
                    "required",
                    "examples",
                    "default",
                ):  # values, not schemas
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    codes = {
        keyword: Code(meaning, _HINTS.get(keyword, ""))
        for keyword, meaning in _MEANINGS.items()
        if keyword in used
    }
    codes["limit-exceeded"] = Code(
        "The document is nested too deeply to be checked against the profile (a raised `json-depth` limit allows this).",
        "Flatten the document, or keep `json-depth` at its default.",
    )
    return codes


def _unique_items(
    validator: Draft202012Validator, unique: bool, instance: Any, schema: dict
) -> Iterator[ValidationError]:
    """`uniqueItems` in linear time: jsonschema compares unhashable items (objects, lists) pair by pair, so 5,000
    objects in an enum took minutes; here each item becomes a hashable key with JSON equality (1 == 1.0, true is not
    1, an object's key order does not count), and the message names the first repeated item, not the whole list."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: dict[object, int] = {}
    for index, item in enumerate(instance):
        first = seen.setdefault(_json_key(item), index)
        if first != index:
            shown = repr(item)
            shown = shown if len(shown) <= 80 else shown[:80] + "…"
            yield ValidationError(
                f"a list of {len(instance):,} items has non-unique elements: item {index} repeats item {first} ({shown})"
            )
            return


def _json_key(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return (type(value).__name__, value)
    if isinstance(value, int | float):
        return ("number", value)  # 1 and 1.0 hash and compare equal, as JSON Schema says
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list | tuple):
        return ("array", tuple(_json_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _json_key(item)) for key, item in value.items()))
    return ("other", id(value))


_Validator = extend(Draft202012Validator, {"uniqueItems": _unique_items})


@cache
def validator(profile_name: str) -> Draft202012Validator:
    """Return a validator for a profile in validate/profiles/ (package data, never fetched)."""
    profile = json.loads(PROFILES.joinpath(profile_name).read_text(encoding="utf-8"))
    return _Validator(profile, format_checker=Draft202012Validator.FORMAT_CHECKER)


def usable_schema(package, resource) -> dict | None:
    """Return the resource's Table Schema if it passes the project's profile, else None.

    Checks that read a schema's fields and keys use only schemas that pass, so that a
    malformed schema is reported once (by schema-profile) instead of crashing them."""
    usable = package.views.usable_schemas
    if resource.name not in usable:
        schema = resource.schema
        usable[resource.name] = (
            schema
            if isinstance(schema, dict)
            and (
                not profile_problems(schema, "tableschema.profile.json")
                if getattr(package, "profile", True)
                else _standard_shape(schema)
            )
            else None
        )
    return usable[resource.name]


def _standard_shape(schema: dict) -> bool:
    """A package outside this dataset's profile: its schema needs only fields with distinct names to be read;
    frictionless judges the rest of the Table Schema standard (descriptor-frictionless)."""
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return False
    names = [f.get("name") for f in fields if isinstance(f, dict)]
    return (
        bool(names)
        and len(names) == len(fields)
        and all(isinstance(n, str) and n for n in names)
        and len(set(names)) == len(names)
    )


def iter_profile_errors(instance: object, profile_name: str, file: str, line_of) -> Iterator[Error]:
    """Validate `instance` against a profile; yield one Error per problem found."""
    for code, path, message in profile_problems(instance, profile_name):
        yield Error.at(
            Place(file, line_of(path)),
            path,
            code,
            f"{message} ({PROFILE_RULE.format(profile=profile_name)})",
            hint=_HINTS.get(code, ""),
        )


# Said of every profile error: the profile is this dataset's, stricter than the Data Package standard.
PROFILE_RULE = (
    "a rule of this dataset's profile, {profile}, which is stricter than the Data Package standard"
)


def profile_problems(instance: object, profile_name: str) -> tuple[tuple[str, str, str], ...]:
    """(code, JSON path, message) of each problem of `instance` against a profile, in jsonschema's order.

    The same schema is judged again and again by a long-lived caller (the tests run the
    package's own twelve schemas in every case: a third of each run), so the verdict on a JSON
    text of up to 32 kB is remembered (32 of them at most); it depends on nothing else."""
    try:
        text = json.dumps(instance, ensure_ascii=False)
        return (
            _remembered_problems(text, profile_name)
            if len(text) <= REMEMBERED_CHARS
            else _problems(instance, profile_name)
        )
    except (
        RecursionError
    ):  # only past a raised `json-depth`: Python's own recursion limit, not a bug
        return (
            (
                "limit-exceeded",
                "$",
                f"The document is nested too deeply to be checked against {profile_name}: Python's recursion "
                "limit is reached (a `json-depth` limit raised past about 900 allows this).",
            ),
        )


@lru_cache(maxsize=32)
def _remembered_problems(text: str, profile_name: str) -> tuple[tuple[str, str, str], ...]:
    return _problems(json.loads(text), profile_name)


def _problems(instance: object, profile_name: str) -> tuple[tuple[str, str, str], ...]:
    found = []
    for error in validator(profile_name).iter_errors(instance):
        if error.context:  # anyOf/oneOf/if-then: report the most relevant branch
            error = best_match(error.context)
        path = error.json_path
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # point at the unexpected key itself, not at the object that holds it
            unexpected = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            if unexpected:
                path = f"{path}.{unexpected[0]}"
        found.append((str(error.validator), path, f"{_where(error)}: {_plain(error)}"))
    return tuple(found)


def _where(error: ValidationError) -> str:
    return error.json_path if error.json_path != "$" else "the top level"


def _plain(error: ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace(
            "Additional properties are not allowed", "unknown property not allowed"
        )
    if error.validator == "pattern":
        described = error.schema.get("description")
        return f"{error.instance!r} does not have the expected form" + (
            f" ({described})" if described else f" (pattern {error.validator_value})"
        )
    return error.message
