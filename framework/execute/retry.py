"""Retry a whole step when the warehouse failed for a passing reason, never for a data problem.

A step is one transaction: after a serialization conflict (Redshift error 1023), a dropped
connection or a capacity limit, the transaction is gone, so the step is run again from its
start (every step is idempotent). Anything else — a failed guard, a bad value, a syntax
error — fails at once.
"""

from __future__ import annotations

import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# Lower-case fragments of driver messages that mean "try again" (Redshift, PostgreSQL, sockets).
TRANSIENT_MESSAGES = (
    "error: 1023",  # Redshift: "ERROR: 1023 DETAIL: Serializable isolation violation on table …"
    "1023 detail",
    "serializable isolation violation",
    "could not serialize access",  # PostgreSQL
    "deadlock detected",
    "connection reset",
    "connection refused",
    "connection timed out",
    "server closed the connection",
    "broken pipe",
    "ssl syscall error",
    "insufficient capacity",  # Redshift Serverless scaling
    "not enough capacity",
    "throttl",
    "too many connections",
    "the database system is starting up",
)
# Driver exception class names that mean the connection itself failed.
TRANSIENT_TYPES = ("InterfaceError", "OperationalError", "ConnectionError", "TimeoutError")
# …unless the message says retrying cannot help.
PERMANENT_MESSAGES = ("syntax", "authentication", "password", "permission denied", "does not exist")


def is_transient(err: BaseException) -> bool:
    if isinstance(err, (ConnectionError, TimeoutError, socket.timeout)):
        return True
    text = " ".join(str(err).split()).lower()
    if any(fragment in text for fragment in TRANSIENT_MESSAGES):
        return True
    names = {cls.__name__ for cls in type(err).__mro__}
    return bool(names & set(TRANSIENT_TYPES)) and not any(fragment in text for fragment in PERMANENT_MESSAGES)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all
    base_delay: float = 2.0  # seconds before the second try; doubles each time
    max_delay: float = 60.0

    def delay(self, attempt: int) -> float:
        """Exponential backoff with full jitter (many tasks hitting one warehouse don't retry in step)."""
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


NO_RETRY = RetryPolicy(attempts=1)


def with_retries(
    action: Callable[[], T],
    policy: RetryPolicy,
    *,
    before_retry: Callable[[BaseException, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `action`; on a transient error wait and run it again, up to `policy.attempts` tries.
    `before_retry(error, attempt)` runs before each new try (e.g. to reconnect)."""
    attempt = 1
    while True:
        try:
            return action()
        except Exception as err:
            if attempt >= policy.attempts or not is_transient(err):
                raise
            sleep(policy.delay(attempt))
            attempt += 1
            if before_retry is not None:
                before_retry(err, attempt)
