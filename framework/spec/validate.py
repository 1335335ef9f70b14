"""JSON Schema validation of a loaded Document, reported as positioned diagnostics.

The schemas (Draft 2020-12, shipped in `schemas/`) are the single source of truth
for the shape of a spec; this module only translates jsonschema's findings into
compiler-style messages with the key path, the position and a hint.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

from framework.diagnostics import Diagnostic, did_you_mean
from framework.spec.targets import MEMORY_PATTERN
from framework.spec.yaml_io import Document

KINDS = ("pipeline", "source", "model")
SUPPORTED_VERSION = 1

_PATTERN_MEANINGS = {
    "^[a-z][a-z0-9_]{0,62}$": "a lower_snake_case name starting with a letter (at most 63 characters)",
    "^[A-Z][A-Z0-9_]*$": "an environment variable name in UPPER_SNAKE_CASE",
    "^\\d{4}-\\d{2}-\\d{2}$": "a date written YYYY-MM-DD",
    "^[1-9][0-9]*[mhd]$": "a duration such as 30m, 26h or 2d",
    "^[a-z][a-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$": "a reference written spec_name.column",
    "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$": "an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)",
    "^[a-z]{2}(-[a-z]+)+-\\d$": "an AWS region such as eu-west-1",
    "^[A-Za-z_][A-Za-z0-9_]{0,62}$": "a column name (letters, digits, underscores; at most 63, PostgreSQL's limit)",
    "^[a-z_][a-z0-9_]{0,62}$": "a lower_snake_case column name (at most 63 characters, PostgreSQL's limit)",
    "^[A-Za-z0-9_.-]{1,100}$": "a tag of letters, digits, '_', '.' and '-' (at most 100), as `--select tag:x` reads it",
    "^[A-Za-z0-9_./-]*$": "an S3 key prefix of letters, digits, '_', '.', '/' and '-'",
    "^([A-Za-z0-9_./-]|\\{batch_date\\})*$": (
        "an S3 key prefix of letters, digits, '_', '.', '/' and '-', with `{batch_date}` where deliveries are filed per day"
    ),
    "^[^/].*\\.sql$": "a path relative to the model's file, ending in .sql",
    "^[^/]": "a glob relative to the landing folder (not starting with '/')",
    MEMORY_PATTERN: "a memory size such as 1.5GB or 800MiB, or a share of RAM from 1% to 100%",
}


def schema_text(kind: str) -> str:
    return resources.files("framework.spec.schemas").joinpath(f"{kind}.v{SUPPORTED_VERSION}.json").read_text("utf-8")


@functools.cache
def _validator(kind: str):
    import jsonschema

    schema = json.loads(schema_text(kind))
    # The shipped schemas are checked against their metaschema by the tests
    # (tests/unit/cli/test_cli.py), not on every command: that costs ~0.1 s.
    validator = jsonschema.validators.validator_for(schema)
    return jsonschema.validators.extend(validator, {"pattern": _pattern})(schema)


def _pattern(validator, pattern: str, instance, schema):
    """The `pattern` keyword as the schemas mean it (ECMA-262): a `$` ends the text. Python's
    `$` also matches before a final line break, so `"dwh\n"` passed `^[a-z_]+$` and reached
    the SQL and file names."""
    import jsonschema

    if validator.is_type(instance, "string") and not re.search(_ecma_end(pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.cache
def _ecma_end(pattern: str) -> str:
    return pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern


def format_key_path(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def spec_kind(doc: Document) -> tuple[str | None, list[Diagnostic]]:
    """Read version and kind first: they choose the schema."""
    value = doc.value
    if not isinstance(value, dict):
        where = doc.where(())
        return None, [
            Diagnostic(
                doc.path,
                where.line,
                where.col,
                "E103",
                f"expected a mapping at the top of the file, found {_type_name(value)}",
            )
        ]
    problems = []
    version = value.get("version")
    if "version" not in value:
        problems.append(_at(doc, (), "E102", "missing required field 'version'", hint="Add 'version: 1'."))
    elif type(version) is not int or version != SUPPORTED_VERSION:  # 1.0 and true equal 1 in Python
        problems.append(
            _at(
                doc,
                ("version",),
                "E106",
                f"unsupported spec version {version!r}; this framework reads version {SUPPORTED_VERSION}",
            )
        )
    kind = value.get("kind")
    if "kind" not in value:
        problems.append(
            _at(doc, (), "E102", "missing required field 'kind'", hint=f"Expected one of: {', '.join(KINDS)}.")
        )
        return None, problems
    if kind not in KINDS:
        hint = did_you_mean(str(kind), KINDS) or f"Expected one of: {', '.join(KINDS)}."
        problems.append(_at(doc, ("kind",), "E107", f"unknown spec kind {kind!r}", hint=hint))
        return None, problems
    return kind, problems


def validate_document(doc: Document, kind: str) -> list[Diagnostic]:
    validator = _validator(kind)
    found: list[Diagnostic] = []
    for error in validator.iter_errors(doc.value):
        if tuple(error.absolute_path) == ("version",) or tuple(error.absolute_path) == ("kind",):
            continue  # reported by spec_kind with a better message
        found.extend(_translate(doc, error))
    return found


def without_nested_unknown_fields(doc: Document, kind: str) -> Document | None:
    """The document without its unknown fields, when those are its only schema errors and each
    sits inside an item (a column's `nulable`, a check's `sevrity`): reported as E101, they
    need not hide the spec's other findings, nor other specs' findings about it — dropping
    one cannot make any other rule fire. None otherwise: an unknown top-level field may be a
    misspelt `depends_on` or `keys`, whose absence would drag follow-on errors along."""
    import copy

    unknown: list[tuple] = []
    for error in _errors_reported(_validator(kind).iter_errors(doc.value)):
        path = tuple(error.absolute_path)
        if path in (("version",), ("kind",)):
            continue
        if error.validator != "additionalProperties" or len(path) < 2 or not isinstance(error.instance, dict):
            return None
        allowed = set((error.schema if isinstance(error.schema, dict) else {}).get("properties", {}))
        extras = set(error.instance) - allowed
        if any(_split_by_comma(extra, error.instance) for extra in extras):
            return None  # a value YAML cut at a comma: the value left is wrong too, a follow-on
        unknown.extend(path + (extra,) for extra in extras)
    if not unknown:
        return None
    value = copy.deepcopy(doc.value)
    for path in unknown:
        node = value
        for part in path[:-1]:
            node = node[part]
        node.pop(path[-1], None)
    pruned = dataclasses.replace(doc, value=value)
    return None if any(True for _ in _validator(kind).iter_errors(value)) else pruned


def _errors_reported(errors) -> Iterator:
    """The schema errors as reported: of an item that may take one of several shapes (a column
    test: a name or a mapping), the errors of the shape its value has (`_translate_any_of`)."""
    for error in errors:
        if error.validator not in ("anyOf", "oneOf"):
            yield error
            continue
        for branch_index, branch in enumerate(error.validator_value):
            if (branch.get("type") == "object") == isinstance(error.instance, dict):
                inner = [e for e in error.context if e.relative_schema_path[0] == branch_index]
                yield from _errors_reported(inner) if inner else [error]
                break
        else:
            yield error


def _split_by_comma(extra: str, mapping) -> str:
    """A hint for a key that is the tail of a value a flow mapping `{...}` cut at its comma
    (`{type: decimal(8,2)}` reads as `type: decimal(8` and a key `2)`)."""
    if not re.fullmatch(r"\s*\d+\s*\)\s*", str(extra)):
        return ""
    cut = next((f"{k}: {v}" for k, v in mapping.items() if isinstance(v, str) and re.search(r"\(\s*\d+\s*$", v)), "")
    read = f" (it read `{cut}` and a key `{extra}`)" if cut else ""
    return f"YAML cuts a value at a comma inside a flow mapping `{{...}}`{read}: quote it, e.g. `type: 'decimal(8,2)'`."


def _translate(doc: Document, error) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    rule = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    if rule == "anyOf":
        yield from _translate_any_of(doc, error)
    elif rule == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for extra in sorted(set(error.instance) - set(allowed)):
            hint = (
                _split_by_comma(extra, error.instance)
                or did_you_mean(extra, allowed)
                or (f"Allowed: {', '.join(allowed)}." if allowed else "")
            )
            yield _at(doc, path + (extra,), "E101", f"unknown field '{extra}'", hint=hint, key=True)
    elif rule == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        yield _at(doc, path, "E102", f"missing required field '{missing}'", key=True)
    elif rule == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        yield _at(doc, path, "E103", f"expected {_article(expected)}, found {_type_name(error.instance)}")
    elif rule in ("enum", "const"):
        options = error.validator_value if rule == "enum" else [error.validator_value]
        shown = ", ".join(str(o) for o in options)
        hint = did_you_mean(str(error.instance), [str(o) for o in options]) or f"Expected one of: {shown}."
        yield _at(doc, path, "E104", f"value {error.instance!r} is not allowed", hint=hint)
    elif rule == "pattern" and _is_property_name(doc, error):
        meaning = _PATTERN_MEANINGS.get(error.validator_value, f"text matching {error.validator_value}")
        yield _at(doc, path + (error.instance,), "E105", f"name {error.instance!r} is not {meaning}", key=True)
    elif rule == "pattern":
        meaning = _PATTERN_MEANINGS.get(error.validator_value, f"text matching {error.validator_value}")
        yield _at(doc, path, "E105", f"{error.instance!r} is not {meaning}")
    else:
        yield _at(doc, path, "E105", _plain(error))


def _is_property_name(doc: Document, error) -> bool:
    """jsonschema reports a bad key under propertyNames with the parent's path and the key as instance."""
    return "propertyNames" in error.schema_path and isinstance(doc.get(tuple(error.absolute_path)), dict)


def _translate_any_of(doc: Document, error) -> Iterator[Diagnostic]:
    """Report the branch that fits the value's type (a string vs an object alternative)."""
    instance = error.instance
    for branch_index, branch in enumerate(error.validator_value):
        wants_object = branch.get("type") == "object"
        if wants_object == isinstance(instance, dict):
            inner = [e for e in error.context if e.relative_schema_path[0] == branch_index]
            if inner:
                for sub in inner:
                    yield from _translate(doc, sub)
                return
    description = error.schema.get("description", "a value of another shape")
    yield _at(
        doc, tuple(error.absolute_path), "E104", f"value {instance!r} is not allowed", hint=f"Expected {description}"
    )


def _plain(error) -> str:
    rule, value = error.validator, error.validator_value
    messages = {
        "minItems": f"expected at least {value} item(s)",
        "maxItems": f"expected at most {value} item(s)",
        "uniqueItems": "items must be unique",
        "minLength": "must not be empty" if value == 1 else f"expected at least {value} characters",
        "maxLength": f"expected at most {value} character(s)",
        "minimum": f"expected a number >= {value}",
        "maximum": f"expected a number <= {value}",
        "minProperties": f"expected at least {value} entr{'y' if value == 1 else 'ies'}",
    }
    return messages.get(rule, error.message)


def _at(doc: Document, path: tuple, code: str, message: str, hint: str = "", key: bool = False) -> Diagnostic:
    where = doc.where(path, key=key)
    return Diagnostic(doc.path, where.line, where.col, code, message, key_path=format_key_path(path), hint=hint)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _article(expected: str) -> str:
    return {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean",
        "null": "null",
    }.get(expected, expected)


def positioned(doc: Document, key_path: tuple, code: str, message: str, hint: str = "") -> Diagnostic:
    """A finding at a value of a document (for a caller that reads a spec without linting it)."""
    where = doc.where(key_path)
    return Diagnostic(doc.path, where.line, where.col, code, message, key_path=".".join(map(str, key_path)), hint=hint)
