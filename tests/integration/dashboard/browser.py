"""Headless Chromium driven over the DevTools protocol: load a page, wait until it has rendered,
read its DOM and take a PNG.

Why not `chromium --screenshot --dump-dom` alone: Streamlit renders client-side from messages on
a websocket, and `--virtual-time-budget` only waits for pending fetches, not for websocket
traffic; the CLI captures the loading skeleton. So the test starts the same Chromium (with the
flags of DESIGN.md §6) with `--remote-debugging-port=0`, and asks the page itself whether it has
finished. `websockets` comes with Streamlit.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import re
import subprocess
import time
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--run-all-compositor-stages-before-draw",
    "--hide-scrollbars",
    "--mute-audio",
    # A target Chromium thinks is in the background gets no new frames, and a screenshot waits
    # for one: under load that wait outlasted the call's timeout (CI, stop 31).
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    # Playwright's flag for the same hang: the capture copies a new surface, not the last frame.
    "--enable-features=CDPScreenshotNewSurface",
]

# A healthy capture takes well under a second; one that waits on an idle compositor may wait
# minutes (Chromium 147+, e.g. browser-use/browser-harness#812, vercel-labs/agent-browser#1189).
CAPTURE_TIMEOUT = 20
CAPTURE_ATTEMPTS = 3

# Rendered: the app is not running a script, nothing is a skeleton or a spinner, and every Plotly
# chart has drawn its SVG.
READY_JS = """(() => {
  const q = (s) => document.querySelectorAll(s);
  const status = document.querySelector('[data-testid="stStatusWidget"]');
  const running = status && /running/i.test(status.innerText);
  const charts = q('[data-testid="stPlotlyChart"]').length;
  const drawn = q('[data-testid="stPlotlyChart"] .main-svg').length;
  return document.readyState === 'complete' && !running && q('[data-testid="stMain"]').length > 0
    && q('[data-testid="stSkeleton"]').length === 0 && q('[data-testid="stSpinner"]').length === 0
    && drawn >= charts;
})()"""


class BrowserError(Exception):
    pass


class Chromium:
    """One headless Chromium process; `with Chromium(binary, profile_dir) as browser: ...`."""

    def __init__(self, binary: str, profile_dir: Path, width: int = 1400, height: int = 1000):
        self.binary, self.profile_dir, self.size = binary, profile_dir, (width, height)
        self.process = None
        self.socket = None
        self.stack = contextlib.ExitStack()
        self.ids = itertools.count(1)

    def __enter__(self) -> Chromium:
        from websockets.sync.client import connect

        self.process = subprocess.Popen(
            [
                self.binary,
                *FLAGS,
                f"--user-data-dir={self.profile_dir}",
                "--remote-debugging-port=0",
                f"--window-size={self.size[0]},{self.size[1]}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = self._devtools_url(deadline=time.monotonic() + 30)
            self.socket = self.stack.enter_context(connect(url, max_size=64 * 1024 * 1024, open_timeout=10))
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _devtools_url(self, deadline: float) -> str:
        lines = []
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            lines.append(line)
            found = re.search(r"DevTools listening on (ws://\S+)", line)
            if found:
                return found.group(1)
        raise BrowserError("Chromium did not start:\n" + "".join(lines[-20:]))

    def _call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        message_id = next(self.ids)
        message = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def render(self, url: str, expect: list[str], timeout: float = 60) -> tuple[str, str, bytes]:
        """(visible text, DOM HTML, PNG) of `url` once it has rendered and shows every `expect` text."""
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        width, height = self.size
        self._call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self._call("Page.navigate", {"url": url}, session)
        deadline = time.monotonic() + timeout
        text, settled_since = "", None
        while time.monotonic() < deadline:
            ready = self._evaluate(f"{READY_JS} && document.body.innerText", session)
            text = ready or ""
            if ready and all(e in text for e in expect):
                settled_since = settled_since or time.monotonic()
                if time.monotonic() - settled_since >= 1.0:  # stable for a second: charts laid out
                    break
            else:
                settled_since = None
            time.sleep(0.25)
        else:
            raise BrowserError(f"{url} did not render {expect} within {timeout:.0f}s; it shows:\n{text[:2000]}")
        html = self._evaluate("document.documentElement.outerHTML", session)
        self._call("Page.bringToFront", {}, session)
        png = self._capture(session)
        self._call("Target.closeTarget", {"targetId": target})
        return text, html, png

    def _capture(self, session: str) -> bytes:
        """A PNG of the page; a capture stuck on an idle compositor is woken by a short screencast
        and asked again (CI, stops 31 and 33: one capture outlasted a minute under load)."""
        for attempt in range(1, CAPTURE_ATTEMPTS + 1):
            try:
                shot = self._call("Page.captureScreenshot", {"format": "png"}, session, timeout=CAPTURE_TIMEOUT)
                return base64.b64decode(shot["data"])
            except TimeoutError:
                if attempt == CAPTURE_ATTEMPTS:
                    raise
            self._call("Page.startScreencast", {"format": "jpeg", "quality": 10}, session)
            time.sleep(0.25)
            self._call("Page.stopScreencast", {}, session)
        raise AssertionError("unreachable")

    def _evaluate(self, expression: str, session: str):
        result = self._call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        return result.get("result", {}).get("value")
