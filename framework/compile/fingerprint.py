"""Per-spec fingerprints, split like SQLMesh's: what changes the data vs what only describes it.

data      columns (name, type, nullable), keys, history, materialization, load rules, and the
          SELECT normalized by sqlglot (whitespace and comments do not count)
physical  Redshift hints (a rebuild on Redshift, no change in the rows)
table     a model table's shape: columns, primary key, Redshift hints (recreate the table)
checks    the checks (re-run them; no rebuild)
metadata  descriptions, owner, tags (nothing to do)
"""

from __future__ import annotations

import hashlib
import json

from framework.spec import model as m
from framework.sql import SOURCE_DIALECT


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _columns(columns) -> list:
    return [[c.name, str(c.type) if c.type else c.type_text, c.nullable] for c in columns]


def normalized_sql(spec: m.ModelSpec) -> str:
    """The SELECT's tokens without comments or layout; keywords in one case. Tokenizing is
    enough to tell a real change from reformatting, at a fraction of a parse's cost."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    kept = (TokenType.VAR, TokenType.STRING, TokenType.IDENTIFIER, TokenType.NUMBER)
    assert spec.sql is not None, f"{spec.name}: a model without SQL; run `elt lint` first"
    tokens = Dialect.get_or_raise(SOURCE_DIALECT).tokenize(spec.sql.text)
    return " ".join(t.text if t.token_type in kept else t.text.upper() for t in tokens)


def fingerprints(spec) -> dict[str, str]:
    if spec.kind is m.SpecKind.SOURCE:
        data = {
            "columns": _columns(spec.columns),
            "primary_key": spec.primary_key,
            "load_mode": spec.load_mode.value,
            "deduplicate": [spec.deduplicate.order_by, spec.deduplicate.keep] if spec.deduplicate else None,
            "landing": [spec.landing.path, spec.landing.format.value, vars(spec.landing.csv)],
            "schema_drift": spec.schema_drift.value,
            "max_reject_fraction": spec.max_reject_fraction,
            # only when set, so that every fingerprint made before the option existed still holds
            **({"allow_empty_snapshot": True} if spec.allow_empty_snapshot else {}),
            **({"on_conflict": spec.on_conflict.value} if spec.on_conflict is not m.OnConflict.KEEP_LAST else {}),
        }
        # which rows a staging table keeps across batches: rows loaded under another key or mode
        # stay as they were kept, so a change needs a reload from the lake to equal a fresh load
        # (`deduplicate` and `on_conflict` decide between rows of one batch: from then on)
        kept_by = [spec.primary_key, spec.load_mode.value]
        return {
            "data": _digest(data),
            "table": _digest(kept_by),
            "physical": _digest(None),
            "checks": _digest(None),
            "metadata": _digest(
                [
                    spec.description,
                    [c.description for c in spec.columns],
                    vars(spec.freshness) if spec.freshness else None,
                ]
            ),
        }
    history = None
    if isinstance(spec.history, m.Scd2):
        history = ["scd2", spec.history.tracked, spec.history.version_start, spec.history.hard_deletes.value]
    elif spec.history:
        history = ["scd1"]
    data = {
        "columns": _columns(spec.columns),
        "keys": [spec.keys.business, spec.keys.surrogate],
        "history": history,
        "materialization": spec.materialization.value,
        "layer": spec.layer.value,
        "incremental": [
            spec.incremental.strategy.value,
            spec.incremental.time_column,
            # only when set, so that every fingerprint made before the option existed still holds
            *([list(spec.incremental.keys_from)] if spec.incremental.keys_from else []),
        ]
        if spec.incremental
        else None,
        "sql": normalized_sql(spec),
    }
    checks = [
        [
            c.type.value,
            c.severity.value,
            c.columns,
            c.to_spec,
            c.to_column,
            list(c.values),
            c.min_rows,
            c.name,
            c.condition,
        ]
        for c in spec.checks
    ]
    table = {
        "columns": _columns(spec.columns),
        "primary_key": spec.keys.business + (("valid_from",) if isinstance(spec.history, m.Scd2) else ()),
        "physical": vars(spec.redshift),
    }
    return {
        "data": _digest(data),
        "physical": _digest(vars(spec.redshift)),
        "table": _digest(table),
        "checks": _digest(checks),
        "metadata": _digest([spec.description, spec.owner, spec.tags, [c.description for c in spec.columns]]),
    }
