"""Compiler-style diagnostics: `path:line:col: CODE key.path: message`.

Every layer reports problems as Diagnostic values instead of raising, so one run
collects all of them. Positions are 1-based, like every editor's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Position:
    line: int = 1
    col: int = 1


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    col: int
    code: str
    message: str
    key_path: str = ""
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code.startswith("W") else Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.code, self.message)

    def format(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        subject = f" {self.key_path}:" if self.key_path else ""
        text = f"{where}: {self.code}{subject} {self.message}"
        if self.hint:
            text += ("" if text.endswith((".", "?", "!", ":")) else ".") + f" {self.hint}"
        return text

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'Did you mean ...?' hint for the closest choice, or ''."""
    import difflib

    options = sorted(set(choices))
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return f"Did you mean '{lowered[word.lower()]}'?"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"Did you mean '{close[0]}'?" if close else ""


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def format_text(diagnostics: Iterable[Diagnostic]) -> str:
    return "\n".join(d.format() for d in sorted(diagnostics, key=Diagnostic.sort_key))


def format_json(diagnostics: Iterable[Diagnostic], **extra) -> str:
    items = sorted(diagnostics, key=Diagnostic.sort_key)
    summary = {
        "errors": sum(d.severity is Severity.ERROR for d in items),
        "warnings": sum(d.severity is Severity.WARNING for d in items),
    }
    return json.dumps({"diagnostics": [d.to_dict() for d in items], "summary": summary, **extra}, indent=2)
