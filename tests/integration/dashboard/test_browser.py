"""The real thing: `streamlit run` on a free port, headless Chromium on every page: the Overview's DOM
shows the KPI values computed here with plain SQL (at `/` and at `/overview`), a Customer profile
shows the person, every page renders its title with no traceback, and no screenshot is blank.

Screenshots: one PNG per page, `artifacts/screenshots/<page>.png` (git-ignored; CI keeps the
folder as its artefacts — .ci/run).

Chromium is Debian's `chromium` (.ci/run installs it). In CI (CI=true) its absence fails the
test; elsewhere the test is skipped with a message."""

from __future__ import annotations

import datetime
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import fmt
from tests.conftest import REPO
from tests.integration.dashboard.browser import Chromium
from tests.integration.dashboard.conftest import expected_overview, query

SCREENSHOTS = REPO / "artifacts" / "screenshots"
STREAMLIT = str(Path(sys.executable).parent / "streamlit")


def chromium_or_skip() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but chromium is not installed (.ci/run installs Debian's chromium)")
    pytest.skip("chromium not installed (apt-get install chromium) — browser test skipped")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(sample_warehouse, tmp_path_factory):
    """The app served by `streamlit run`, as `make dashboard` serves it, on the sample warehouse."""
    browser = chromium_or_skip()
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {
        **os.environ,
        "ELT_DASHBOARD_PIPELINE": str(sample_warehouse.pipeline),
        "ELT_DASHBOARD_WAREHOUSE": str(sample_warehouse.warehouse),
    }
    env.pop("ELT_DASHBOARD_TARGET", None)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [
                STREAMLIT,
                "run",
                str(REPO / "dashboard" / "app.py"),
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--client.toolbarMode",
                "minimal",
                "--server.fileWatcherType",
                "none",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process, log)
        yield f"http://127.0.0.1:{port}", browser
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"streamlit not healthy after {timeout:.0f}s:\n{log.read_text()}")


def assert_not_blank(png: bytes, size: tuple[int, int]) -> None:
    """A real page: the right size, many colours, and enough contrast (not one flat colour)."""
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size == size
    grey = image.convert("L")
    assert ImageStat.Stat(grey).stddev[0] > 15, "screenshot is (almost) one flat colour"
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 200, "screenshot has too few colours to be a dashboard"
    dark = sum(grey.histogram()[:100])
    assert dark > 0.002 * size[0] * size[1], "no text or chart pixels"


# url path → (screenshot name, texts the page shows once rendered)
PAGES = {
    "/trends": ("trends", ["Revenue trends", "Freight share"]),
    "/products": ("products", ["Product performance", "Top products by revenue"]),
    "/customers": ("customers", ["Top customers", "Delivered spend", "Ranked by delivered spend"]),
    "/delivery": ("delivery", ["Delivery", "Late-delivery rate"]),
    "/health": ("health", ["Pipeline health", "Source freshness"]),
}
DEFAULT_WINDOW = (datetime.date(2017, 11, 1), datetime.date(2018, 8, 31))  # see test_app.py


def test_every_page_in_headless_chromium_with_a_screenshot_each(server, sample_warehouse, tmp_path):
    url, browser = server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    kpis = expected_overview(sample_warehouse, *DEFAULT_WINDOW)
    values = [
        fmt.brl(kpis["revenue"]),
        fmt.number(kpis["orders"]),
        fmt.brl(kpis["avg_ticket"]),
        fmt.number(kpis["customers"]),
        fmt.percent(kpis["on_time"]),
        fmt.number(kpis["avg_review"], 2),
    ]
    mover, city = query(
        sample_warehouse,
        """
        SELECT m.customer_unique_id, m.city FROM mart.mart_customer_360 m
        WHERE m.customer_unique_id IN (SELECT customer_unique_id FROM dwh.dim_customer GROUP BY 1 HAVING COUNT(*) > 1)
        ORDER BY m.total_spent DESC, 1 LIMIT 1""",
    )[0]
    spent = query(
        sample_warehouse, "SELECT total_spent FROM mart.mart_customer_360 WHERE customer_unique_id = ?", [mover]
    )[0][0]
    size = (1400, 1000)
    with Chromium(browser, tmp_path / "profile", *size) as chromium:
        for path, name in (("/", "overview"), ("/overview", "overview-path")):
            text, html, png = chromium.render(url + path, ["Overview", *values])
            (SCREENSHOTS / f"{name}.png").write_bytes(png)
            assert "<h1" in html and "Page not found" not in text
            assert all(value in html for value in values), (path, "the KPI values are in the DOM")
            assert "Revenue and orders by month" in html and "Traceback" not in text
            assert_not_blank(png, size)

        text, html, png = chromium.render(
            f"{url}/profile?customer={mover}", ["Customer profile", mover, fmt.brl(spent), "Address history"]
        )
        (SCREENSHOTS / "profile.png").write_bytes(png)
        assert city in text and "Traceback" not in text
        assert_not_blank(png, size)

        for path, (name, expect) in PAGES.items():
            text, html, png = chromium.render(url + path, expect)
            (SCREENSHOTS / f"{name}.png").write_bytes(png)
            assert "Traceback" not in text and "Page not found" not in text, path
            assert_not_blank(png, size)

        # a shared URL opens the same view: the filters come from the query string
        text, _, png = chromium.render(
            f"{url}/customers?from=2018-01-01&to=2018-03-31&states=SP",
            ["Top customers", "01/01/2018 – 31/03/2018 · SP"],
        )
        assert "Traceback" not in text
    assert sorted(p.stem for p in SCREENSHOTS.glob("*.png")) == sorted(
        ["overview", "overview-path", "profile", *(name for name, _ in PAGES.values())]
    )
