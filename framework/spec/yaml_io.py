"""Strict YAML loading with source positions.

YAML is data here: only the core types (mappings, sequences, strings, numbers,
booleans, null). Dates and YAML 1.1 oddities (`yes`, `1:30`, `0o17`) stay strings,
duplicate keys are errors, tags, anchors and aliases are refused, and nothing is
expanded. The result keeps the line and column of every key and value so that
every later layer can point at the exact spot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from framework.diagnostics import Diagnostic
from framework.errors import SpecError

try:  # libyaml is an order of magnitude faster; PyYAML's wheels ship it.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Loader = yaml.SafeLoader

PathKey = tuple  # ('history', 'tracked', 1)

_CORE = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True)
class NodeInfo:
    """Where a value (or a mapping key) starts, 1-based; style of a scalar ('|', '>', '"', "'" or '')."""

    line: int
    col: int
    style: str = ""


@dataclass
class Document:
    path: str
    text: str
    value: Any
    values: dict = field(default_factory=dict)  # PathKey -> NodeInfo of the value
    keys: dict = field(default_factory=dict)  # PathKey -> NodeInfo of the mapping key

    def where(self, path: PathKey, *, key: bool = False) -> NodeInfo:
        """Best position for a path: the key (if asked and known), else the value, else the nearest parent."""
        path = tuple(path)
        while True:
            if key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            if not path:
                return NodeInfo(1, 1)
            path = path[:-1]

    def get(self, path: PathKey, default: Any = None) -> Any:
        node = self.value
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return default
        return node


class _LoadError(SpecError):
    """Internal to load_document, which turns it into a diagnostic; it never leaves this module."""

    def __init__(self, code: str, line: int, col: int, message: str, hint: str = ""):
        super().__init__(message)
        self.diagnostic = (code, line, col, message, hint)


def load_document(path: str, data: bytes) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one spec file. Returns (document, []) or (None, [diagnostic])."""
    try:
        text = _decode(data)
        root = yaml.compose(text, Loader=_Loader)
        if root is None:
            raise _LoadError("E004", 1, 1, "the file is empty; expected a spec mapping with 'version' and 'kind'")
        doc = Document(path=path, text=text, value=None)
        doc.value = _Builder(doc).build(root, ())
        return doc, []
    except _LoadError as err:
        code, line, col, message, hint = err.diagnostic
        return None, [Diagnostic(path, line, col, code, message, hint=hint)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = "YAML syntax error: " + " ".join(p for p in (err.context, err.problem) if p)
        return None, [Diagnostic(path, line, col, "E001", message)]
    except yaml.reader.ReaderError as err:  # control characters and the like
        before = text[: err.position]
        line, col = before.count("\n") + 1, err.position - (before.rfind("\n") + 1) + 1
        return None, [
            Diagnostic(path, line, col, "E001", f"YAML syntax error: {err.reason} (character #x{err.character:04x})")
        ]
    except yaml.YAMLError as err:
        return None, [Diagnostic(path, 1, 1, "E001", f"YAML syntax error: {err}")]


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _LoadError(
            "E003",
            line,
            col,
            f"not valid UTF-8: byte 0x{data[err.start]:02x} cannot be decoded",
            hint="Save the file as UTF-8.",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


class _Builder:
    """Turns a composed node tree into plain values, recording positions."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        if id(node) in self.seen:
            raise _LoadError("E005", *_pos(node), "anchors and aliases are not supported; write the value out")
        self.seen.add(id(node))
        if self.doc.text.startswith("&", node.start_mark.index):  # an anchor even with no alias (round 54)
            anchor = self.doc.text[node.start_mark.index :].split(None, 1)[0]
            raise _LoadError(
                "E005", *_pos(node), f"anchor '{anchor}': anchors and aliases are not supported; write the value out"
            )
        if self.doc.text.startswith("!", node.start_mark.index):  # written: `!!str`, `!<tag:…>` (a core one too)
            tag = self.doc.text[node.start_mark.index :].split(None, 1)[0]
            raise _LoadError("E005", *_pos(node), f"YAML tag '{tag}' is not allowed; specs are plain data")
        self.doc.values[path] = NodeInfo(*_pos(node), style=getattr(node, "style", None) or "")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            _require_tag(node, "seq")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return _scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict:
        _require_tag(node, "map")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _LoadError("E001", *_pos(key_node), "a mapping key must be a plain scalar")
            if key_node.tag == _CORE + "merge":
                raise _LoadError("E005", *_pos(key_node), "merge keys ('<<') are not supported; write the keys out")
            key = key_node.value
            if "\x00" in key:
                raise _LoadError("E003", *_pos(key_node), "a NUL character (\\0) in a key")
            if key in result:
                first = self.doc.keys[path + (key,)]
                raise _LoadError(
                    "E002",
                    *_pos(key_node),
                    f"duplicate key '{key}' (first defined at line {first.line})",
                    hint="Keep one of them.",
                )
            self.doc.keys[path + (key,)] = NodeInfo(*_pos(key_node))
            result[key] = self.build(value_node, path + (key,))
        return result


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _require_tag(node: yaml.Node, kind: str) -> None:
    if node.tag != _CORE + kind:
        raise _LoadError("E005", *_pos(node), f"YAML tag '{node.tag}' is not allowed; specs are plain data")


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, text = node.tag, node.value
    if "\x00" in text:  # "\0" in a quoted scalar: a file path, SQL or a name would be cut at it
        raise _LoadError("E003", *_pos(node), "a NUL character (\\0) in a value: no path, name or SQL text takes one")
    if not tag.startswith(_CORE) or tag[len(_CORE) :] not in {"str", "int", "float", "bool", "null", "timestamp"}:
        raise _LoadError("E005", *_pos(node), f"YAML tag '{tag}' is not allowed; specs are plain data")
    if node.style:  # quoted or block scalars are always strings
        return text
    kind = tag[len(_CORE) :]
    if kind == "null" and text in _NULLS:
        return None
    if kind == "bool" and text in _BOOLS:
        return _BOOLS[text]
    if kind == "int" and _INT.match(text):
        return int(text)
    if kind == "float":
        if _FLOAT.match(text):
            return float(text)
        if _INT.match(text):
            return int(text)
    return text  # timestamps, yes/no, 0x1F, 1:30 ... stay the text the user wrote
