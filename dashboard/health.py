"""Source freshness: how old each source's last loaded file is, against the thresholds its spec
declares (`freshness: {warn_after: 26h, error_after: 50h}`). Read from the YAML alone, like
`pipeline_target` does, so the page needs no compile."""

from __future__ import annotations

import datetime
import glob
import os

UNITS = {"m": 60, "h": 3600, "d": 86400}


def duration_seconds(text: str | None) -> int | None:
    """'26h' → 93600; None stays None (the schema guarantees the form)."""
    return None if not text else int(text[:-1]) * UNITS[text[-1]]


def freshness_thresholds(pipeline_root: str) -> dict[str, tuple[str | None, str | None]]:
    """{source: (warn_after, error_after)} for every source spec of the pipeline."""
    from framework.spec.yaml_io import load_document

    found = {}
    for path in sorted(glob.glob(os.path.join(pipeline_root, "**", "*.yml"), recursive=True)):
        with open(path, "rb") as handle:
            doc, _ = load_document(path, handle.read())
        value = doc.value if doc is not None else None
        if isinstance(value, dict) and value.get("kind") == "source" and value.get("name"):
            fresh = value.get("freshness") or {}
            found[value["name"]] = (fresh.get("warn_after"), fresh.get("error_after"))
    return found


def status(age: datetime.timedelta | None, warn_after: str | None, error_after: str | None) -> str:
    """'never loaded', 'error', 'warn', 'ok', or 'no threshold'."""
    if age is None:
        return "never loaded"
    seconds = age.total_seconds()
    error_s, warn_s = duration_seconds(error_after), duration_seconds(warn_after)
    if error_s is not None and seconds > error_s:
        return "error"
    if warn_s is not None and seconds > warn_s:
        return "warn"
    return "ok" if warn_s is not None or error_s is not None else "no threshold"


def age_text(age: datetime.timedelta | None) -> str:
    if age is None:
        return "—"
    minutes = int(age.total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} d {hours % 24} h"
