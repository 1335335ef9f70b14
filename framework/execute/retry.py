"""Retry a whole step when the warehouse failed for a passing reason, never for a data problem.

A step is one transaction: after a serialization conflict (Redshift error 1023), a dropped
connection or a capacity limit, the transaction is gone, so the step is run again from its
start (every step is idempotent). Anything else — a failed guard, a bad value, a syntax
error — fails at once.

Which is which is the error's type (`framework.errors.is_transient`): each session maps its
driver's exceptions to `TransientWarehouseError` or `TerminalWarehouseError` where they are
raised (postgres.py, redshift.py, duckdb.py); no message is read here.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from framework.errors import is_transient

__all__ = ["NO_RETRY", "RetryPolicy", "is_transient", "with_retries"]

T = TypeVar("T")


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
