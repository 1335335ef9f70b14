from __future__ import annotations

import os

import pytest

from tests.postgres import server as pg


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session. Missing binaries fail in CI and skip elsewhere."""
    try:
        running = pg.start()
    except pg.PostgresUnavailable as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but PostgreSQL cannot start: {err}")
        pytest.skip(str(err))
    yield running
    pg.stop(running)
