"""`--select` / `--exclude`: graph selectors over a manifest's specs, as dbt users know them.

Grammar (one selector; several, space- or comma-separated, are a union):

    selector  := ["+"] method-value ["+"]
    method-value := NAME | "tag:" TAG | "source:" SOURCE | "layer:" LAYER

`+x` adds everything x reads (transitively, sources included), `x+` everything that reads x
(models), `+x+` both. NAME is a model or a source; `source:x` is the source x alone (its load),
`source:x+` also every model downstream of it; `layer:staging` selects every source. An unknown
name, tag or layer is a `SelectionError` (a usage error) with a did-you-mean hint.

Parsed once (`SelectionRequest.parse`: syntax only), resolved once against the manifest
(`SelectionRequest.resolve` → `Selection`, the set of selected spec names). Stdlib only: the run
and the DAGs read manifests without a SQL library.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from framework.compile.manifest import Manifest, StepInfo, StepKind
from framework.errors import ConfigError
from framework.spec.model import SpecKind

LAYERS = ("staging", "dimension", "fact", "mart")  # framework.spec.model.Layer: a source is staging
_SELECTOR = re.compile(r"^(?P<up>\+?)(?:(?P<method>[a-z_]+):)?(?P<value>[A-Za-z0-9_.-]+)(?P<down>\+?)\Z")


class SelectionError(ConfigError):
    """A selector that cannot be parsed or names nothing the pipeline has."""


class SelectorKind(StrEnum):
    NAME = "name"  # a model or a source, by name
    TAG = "tag"  # the models carrying the tag
    SOURCE = "source"  # a source spec (its load)
    LAYER = "layer"  # staging (the sources), dimension, fact, mart


@dataclass(frozen=True)
class Selector:
    kind: SelectorKind
    value: str
    upstream: bool = False  # +x: and everything x reads
    downstream: bool = False  # x+: and everything that reads x

    @classmethod
    def parse(cls, text: str) -> Selector:
        found = _SELECTOR.match(text)
        if found is None:
            raise SelectionError(
                f"'{text}' is not a selector: write name, +name, name+, tag:x, source:x or layer:x "
                "(several: space- or comma-separated)"
            )
        methods = {k.value: k for k in SelectorKind if k is not SelectorKind.NAME}  # a bare word is a name
        method = found["method"]
        if method is not None and method not in methods:
            from framework.diagnostics import did_you_mean

            hint = did_you_mean(method, methods)
            raise SelectionError(
                f"'{text}': unknown selector method '{method}:' (methods: {', '.join(methods)})"
                + (f". {hint}" if hint else "")
            )
        kind = methods[method] if method is not None else SelectorKind.NAME
        return cls(kind, found["value"], bool(found["up"]), bool(found["down"]))

    def __str__(self) -> str:
        body = self.value if self.kind is SelectorKind.NAME else f"{self.kind.value}:{self.value}"
        return ("+" if self.upstream else "") + body + ("+" if self.downstream else "")


@dataclass(frozen=True)
class SelectionRequest:
    """The selectors as the command line gave them, parsed (not yet resolved)."""

    include: tuple[Selector, ...] = ()  # empty: every spec
    exclude: tuple[Selector, ...] = ()

    @classmethod
    def parse(cls, select: Sequence[str] = (), exclude: Sequence[str] = ()) -> SelectionRequest | None:
        """None when neither option was given (the whole pipeline)."""
        include, excluded = _parse_all(select), _parse_all(exclude)
        if not include and not excluded:
            return None
        return cls(include, excluded)

    def describe(self) -> str:
        parts = []
        if self.include:
            parts.append("--select " + " ".join(str(s) for s in self.include))
        if self.exclude:
            parts.append("--exclude " + " ".join(str(s) for s in self.exclude))
        return " ".join(parts)

    def resolve(self, manifest: Manifest) -> Selection:
        chosen = (
            set().union(*(_matches(manifest, s) for s in self.include))
            if self.include
            else {s.name for s in manifest.specs}
        )
        for selector in self.exclude:
            chosen -= _matches(manifest, selector)
        if not chosen:
            raise SelectionError(f"{self.describe()} selects nothing in pipeline {manifest.pipeline.name}")
        return Selection(tuple(s.name for s in manifest.specs if s.name in chosen), self)


@dataclass(frozen=True)
class Selection:
    """The specs a command works on, in the manifest's (dependency) order."""

    names: tuple[str, ...]
    request: SelectionRequest

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def keeps(self, step: StepInfo) -> bool:
        """Setup (schemas, framework tables) always; every other step when its spec is selected."""
        return step.kind is StepKind.SETUP or step.spec in self.names

    def restrict(self, manifest: Manifest) -> Manifest:
        """The manifest with only the selected steps (its specs stay: they describe the graph)."""
        return dataclasses.replace(manifest, steps=tuple(s for s in manifest.steps if self.keeps(s)))

    def describe(self, manifest: Manifest) -> str:
        def named(kind: str) -> list[str]:
            return [n for n in self.names if (spec := manifest.spec(n)) is not None and spec.kind == kind]

        models, sources = named("model"), named("source")
        total = sum(1 for s in manifest.specs if s.kind is SpecKind.MODEL)
        return (
            f"selected ({self.request.describe()}): {len(models)} of {total} model(s)"
            + (f" {', '.join(models)}" if models else "")
            + f"; {len(sources)} source(s)"
            + (f" {', '.join(sources)}" if sources else "")
        )


def _parse_all(texts: Sequence[str]) -> tuple[Selector, ...]:
    words = [w for text in texts for w in re.split(r"[\s,]+", text.strip()) if w]
    if texts and not words:  # `--select "$MODELS"` with the variable unset: not "everything"
        raise SelectionError(
            f"{', '.join(repr(t) for t in texts)} names no selector: write name, +name, name+, tag:x, source:x "
            "or layer:x (leave the option out to run the whole pipeline)"
        )
    return tuple(Selector.parse(w) for w in words)


def _matches(manifest: Manifest, selector: Selector) -> set[str]:
    seeds = _direct(manifest, selector)
    found = set(seeds)
    # `+x+` is x's inputs and x's readers, both from x: not the readers of x's inputs too
    if selector.upstream:
        found |= _upstream(manifest, seeds)
    if selector.downstream:
        found |= {d for name in seeds for d in manifest.downstream(name)}
    return found


def _direct(manifest: Manifest, selector: Selector) -> set[str]:
    from framework.diagnostics import did_you_mean

    def unknown(what: str, choices: Sequence[str]) -> SelectionError:
        hint = did_you_mean(selector.value, choices)
        known = f" (known: {', '.join(sorted(set(choices))) or 'none'})" if len(set(choices)) <= 12 else ""
        return SelectionError(
            f"--select/--exclude '{selector}': no {what} '{selector.value}' in pipeline {manifest.pipeline.name}"
            + (f". {hint}" if hint else known)
        )

    specs = manifest.specs
    value = selector.value
    if selector.kind is SelectorKind.NAME:
        if manifest.spec(value) is None:
            raise unknown("model or source", [s.name for s in specs])
        return {value}
    if selector.kind is SelectorKind.SOURCE:
        spec = manifest.spec(value)
        if spec is not None and spec.kind is not SpecKind.SOURCE:
            raise SelectionError(f"--select/--exclude '{selector}': '{value}' is a model; select it as '{value}'")
        if spec is None:
            raise unknown("source", [s.name for s in specs if s.kind is SpecKind.SOURCE])
        return {value}
    if selector.kind is SelectorKind.TAG:
        tagged = {s.name for s in specs if value in s.tags}
        if not tagged:
            raise unknown("model tagged", [t for s in specs for t in s.tags])
        return tagged
    if value not in LAYERS:
        raise unknown("layer", LAYERS)
    return {s.name for s in specs if s.layer == value}  # a known layer may hold nothing: no error


def _upstream(manifest: Manifest, names: set[str]) -> set[str]:
    found: set[str] = set()
    for spec in reversed(manifest.specs):  # dependency order reversed: one pass closes the set
        if spec.name in names or spec.name in found:
            found.update(spec.depends_on)
    return found
