"""TEST DOUBLE for a redshift_connector connection — AWS Redshift cannot exist on these machines —
and for `redshift_connector.connect` (RecordingDriver: its arguments checked and recorded).

It records every statement exactly as the session sends it, answers from a script (what a
query returns, or the driver error it raises), and otherwise behaves as a DB-API connection
answering nothing: SELECTs return one row of zeros shaped like their projection (so guards
pass and counts read 0), other statements return no rows. Errors are redshift_connector's own
exception classes, built the way the driver builds them (a dict of the server's fields).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp


def redshift_error(code: str, message: str, detail: str = "", kind: str = "ProgrammingError"):
    import redshift_connector

    return getattr(redshift_connector, kind)({"S": "ERROR", "C": code, "M": message, "D": detail})


@dataclass
class Recording:
    statements: list[str] = field(default_factory=list)
    connections: int = 0
    # (sql) -> rows | Exception | None (None: the default answer); called for every statement
    script: Callable[[str], object] = lambda sql: None


class RecordingCursor:
    def __init__(self, recording: Recording):
        self.recording = recording
        self.description = None
        self.rowcount = -1
        self._rows: list[tuple] = []

    def execute(self, sql: str, params=None):
        assert params is None, "the session binds values itself: nothing is left for the driver"
        self.recording.statements.append(sql)
        answer = self.recording.script(sql)
        if isinstance(answer, BaseException):
            raise answer
        tree = sqlglot.parse_one(sql, read="redshift")
        if isinstance(tree, exp.Select) or (isinstance(tree, exp.Union)):
            names = tree.named_selects
            self._rows = [tuple(row) for row in answer] if answer is not None else [tuple(0 for _ in names)]
            self.description = [(name, None, None, None, None, None, None) for name in names]
        else:
            self._rows, self.description = [], None
            self.rowcount = 0
        return self

    def fetchall(self):
        return self._rows

    def close(self):
        pass


class RecordingConnection:
    def __init__(self, recording: Recording):
        recording.connections += 1
        self.recording = recording
        self.autocommit = False

    def cursor(self):
        return RecordingCursor(self.recording)

    def close(self):
        pass


class RecordingDriver:
    """`redshift_connector.connect` as a test double: each call's arguments must bind to the real
    function's signature (an unknown keyword raises TypeError, as the driver would), are recorded
    in `calls`, and open a RecordingConnection on `recording`."""

    def __init__(self, recording: Recording):
        import inspect

        import redshift_connector

        self.signature = inspect.signature(redshift_connector.connect)
        self.recording, self.calls = recording, []

    def __call__(self, **kwargs) -> RecordingConnection:
        self.signature.bind(**kwargs)
        self.calls.append(kwargs)
        return RecordingConnection(self.recording)
