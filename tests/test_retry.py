"""Which warehouse errors are worth retrying (a table), and the backoff loop itself."""

from __future__ import annotations

import pytest

from framework.execute.retry import RetryPolicy, is_transient, with_retries
from framework.execute.steps import StepFailed
from tests.s3.recording import redshift_error


@pytest.mark.parametrize(
    "error, transient",
    [
        (
            redshift_error(
                "XX000",
                "1023",
                "Serializable isolation violation on table - 123, transactions forming the cycle are: 1, 2",
            ),
            True,
        ),
        (redshift_error("08006", "connection reset by peer", kind="InterfaceError"), True),
        (redshift_error("53000", "Insufficient capacity to run the query; try again"), True),
        (ConnectionResetError(104, "Connection reset by peer"), True),
        (TimeoutError("timed out"), True),
        (redshift_error("42601", 'syntax error at or near "SELEC"'), False),
        (redshift_error("42703", 'column "x" does not exist'), False),
        (redshift_error("XX000", "Load into table '__load_orders' failed."), False),
        (redshift_error("28000", "password authentication failed for user", kind="InterfaceError"), False),
        (StepFailed("build:x", "guard", "the SELECT returned several rows for one key (3 key(s))"), False),
        (ValueError("value 1023 is out of range"), False),
    ],
)
def test_transient_errors_are_told_from_permanent_ones(error, transient):
    assert is_transient(error) is transient


def test_a_transient_error_is_retried_until_it_passes_with_growing_waits():
    calls, waits, retried = [], [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionResetError("connection reset")
        return "done"

    policy = RetryPolicy(attempts=4, base_delay=1.0, max_delay=3.0)
    result = with_retries(flaky, policy, before_retry=lambda err, n: retried.append(n), sleep=waits.append)
    assert result == "done" and len(calls) == 3 and retried == [2, 3]
    assert 0 <= waits[0] <= 1.0 and 0 <= waits[1] <= 2.0


def test_a_permanent_error_is_raised_at_once_and_attempts_are_bounded():
    calls = []

    def broken():
        calls.append(1)
        raise ValueError("bad data")

    with pytest.raises(ValueError):
        with_retries(broken, RetryPolicy(attempts=5), sleep=lambda s: None)
    assert len(calls) == 1
    calls.clear()

    def down():
        calls.append(1)
        raise ConnectionResetError("reset")

    with pytest.raises(ConnectionResetError):
        with_retries(down, RetryPolicy(attempts=3), sleep=lambda s: None)
    assert len(calls) == 3


def test_the_redshift_driver_is_asked_for_iam_serverless_and_no_password(monkeypatch):
    """The driver call itself (redshift_connector.connect replaced by a recorder: no Redshift here)."""
    import redshift_connector

    from framework.execute.redshift import connect_redshift
    from tests.s3.recording import Recording, RecordingConnection

    seen = {}

    def fake_connect(**kwargs):
        seen.update(kwargs)
        return RecordingConnection(Recording())

    monkeypatch.setattr(redshift_connector, "connect", fake_connect)
    from framework.settings import RedshiftSettings

    settings = RedshiftSettings(
        "olist",
        "prod",
        "/project",
        "redshift_olist",
        "aws_olist",
        "lake",
        "ROLE_ENV",
        "olist",
        "analytics",
        region="sa-east-1",
    )
    session = connect_redshift(settings)
    assert seen == {
        "iam": True,
        "is_serverless": True,
        "serverless_work_group": "olist",
        "database": "analytics",
        "region": "sa-east-1",
        "timeout": 60,
    }
    assert session.conn.autocommit is True
