"""A headless Chromium, driven over the DevTools protocol on a pipe.

``--remote-debugging-pipe`` makes Chromium read protocol commands from its file
descriptor 3 and write replies and events to descriptor 4, as JSON messages each ended by
a NUL byte: no port to open, no websocket, no Python dependency. ``ccc report --pdf``
prints the page with it (``Page.printToPDF``), and the tests use it to open the page,
read the DOM, watch the console and the network, and take screenshots.

The browser is the system's (Debian's package ``chromium``, or ``CCC_CHROMIUM`` naming a
binary); ccc never downloads one.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from ccc_cli.errors import OutputError, UsageError

# An explicit browser binary wins over the search.
ENV_BROWSER: Final = "CCC_CHROMIUM"
NAMES: Final = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
PACKAGE: Final = "chromium"
# Flags that work headless on servers and in containers (as root: --no-sandbox), and keep
# the browser from reaching out to any service of its own.
FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TIMEOUT_S: Final = 60.0


class BrowserError(OutputError):
    """The browser failed (did not start, crashed, or answered with an error)."""


def find_chromium() -> str | None:
    """The Chromium binary to use: ``$CCC_CHROMIUM``, else the first of :data:`NAMES`
    on the ``PATH``; ``None`` when there is none."""
    explicit = os.environ.get(ENV_BROWSER)
    if explicit:
        found = shutil.which(explicit)
        return found
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium(option: str = "--pdf") -> str:
    """The browser binary, or a usage error (exit 2) naming the package to install."""
    path = find_chromium()
    if path is None:
        where = os.environ.get(ENV_BROWSER)
        raise UsageError(
            f"{option} needs a headless Chromium"
            + (f", and {ENV_BROWSER}={where} is not one" if where else ", and none is installed"),
            hint=f"install the package {PACKAGE} (Debian, Ubuntu: apt-get install {PACKAGE}), "
            f"or set {ENV_BROWSER} to a Chromium binary",
        )
    return path


class Browser:
    """One headless Chromium process and its protocol pipe.

    ``call`` sends a command and returns its result; events that arrive meanwhile are
    kept in :attr:`events` (``(method, params, session)``). Use as a context manager: the
    process group is ended on exit whatever happened.
    """

    def __init__(
        self,
        executable: str,
        *,
        width: int = 1200,
        height: int = 900,
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.timeout = timeout
        self.events: list[tuple[str, dict[str, Any], str | None]] = []
        self._next_id = 0
        self._buffer = b""
        self.profile = tempfile.mkdtemp(prefix="ccc-chromium-")
        self.stderr_path = Path(self.profile) / "stderr.txt"
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()
        argv = [
            executable,
            *FLAGS,
            f"--user-data-dir={self.profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        try:
            # posix_spawn, not fork + exec in Python: safe with the threads Polars runs.
            self.pid = os.posix_spawn(
                executable,
                argv,
                {**os.environ},
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (
                        os.POSIX_SPAWN_OPEN,
                        2,
                        str(self.stderr_path),
                        os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                        0o600,
                    ),
                    (os.POSIX_SPAWN_DUP2, to_child, 3),
                    (os.POSIX_SPAWN_DUP2, from_child, 4),
                ],
                setsid=True,
            )
        except OSError as exc:
            self._cleanup_fds(to_child, from_child)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserError(f"cannot start {executable}: {exc.strerror or exc}") from exc
        finally:
            for fd in (to_child, from_child):
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._closed = False

    @staticmethod
    def _cleanup_fds(*fds: int) -> None:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the protocol -------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                written = os.write(self._to_browser, data)
                data = data[written:]
        except OSError as exc:
            raise BrowserError(f"the browser went away: {self._stderr_tail()}") from exc

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("the browser did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError(f"the browser exited: {self._stderr_tail()}")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send ``method`` and wait for its result."""
        self._next_id += 1
        ident = self._next_id
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self._send(message)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == ident:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message', reply['error'])}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(
                    (reply["method"], reply.get("params", {}), reply.get("sessionId"))
                )

    def wait_for(
        self, method: str, *, session: str | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        """The next event ``method`` (already received, or arriving within ``timeout``)."""
        for i, (name, params, sid) in enumerate(self.events):
            if name == method and (session is None or sid == session):
                del self.events[i]
                return params
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._receive(deadline)
            if "method" not in reply:
                continue
            event = (reply["method"], reply.get("params", {}), reply.get("sessionId"))
            if event[0] == method and (session is None or event[2] == session):
                found: dict[str, Any] = event[1]
                return found
            self.events.append(event)

    # --- pages --------------------------------------------------------------------
    def open(self, url: str, *, width: int | None = None, height: int | None = None) -> Tab:
        """A new tab showing ``url``, loaded (its ``load`` event fired)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        tab = Tab(self, session)
        for domain in ("Page", "Runtime", "Network", "Log"):
            tab.call(f"{domain}.enable")
        if width is not None and height is not None:
            tab.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            )
        tab.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired", session=session)
        return tab

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(BrowserError, OSError, ValueError):
            self._send({"id": self._next_id + 1, "method": "Browser.close", "params": {}})
        self._cleanup_fds(self._to_browser, self._from_browser)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(OSError):
                os.killpg(self.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
        # Helpers (zygote, renderers) of the browser's own process group.
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _stderr_tail(self) -> str:
        try:
            lines = self.stderr_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no message"
        return lines[-1] if lines else "no message"


class Tab:
    """One page of a :class:`Browser`."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return self.browser.call(method, params, session=self.session, **kw)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (JSON-able), or a BrowserError."""
        reply = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise BrowserError(f"script error: {reply['exceptionDetails'].get('text')}")
        return reply["result"].get("value")

    def events(self, method: str) -> list[dict[str, Any]]:
        """Every event ``method`` of this tab received so far."""
        return [p for m, p, s in self.browser.events if m == method and s == self.session]

    def screenshot(self, *, full_page: bool = True) -> bytes:
        """A PNG of the page (the whole page when ``full_page``)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            metrics = self.call("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params |= {
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": size["width"],
                    "height": size["height"],
                    "scale": 1,
                },
            }
        return base64.b64decode(self.call("Page.captureScreenshot", params)["data"])

    def pdf(self) -> bytes:
        """The page printed (its CSS page size and margins, backgrounds included)."""
        reply = self.call(
            "Page.printToPDF",
            {
                "printBackground": True,
                "preferCSSPageSize": True,
                "displayHeaderFooter": False,
            },
            timeout=120,
        )
        return base64.b64decode(reply["data"])


@contextlib.contextmanager
def opened(path: Path, executable: str, **size: int) -> Iterator[Tab]:
    """``path`` (a local HTML file) open in a fresh headless browser."""
    with Browser(executable) as browser:
        yield browser.open(path.resolve().as_uri(), **size)


def print_pdf(html: Path, pdf: Path, executable: str) -> int:
    """Print the page ``html`` to ``pdf`` (atomically); return the bytes written."""
    from ccc_cli.report.atomic import atomic_path

    with opened(html, executable) as tab:
        data = tab.pdf()
    with atomic_path(pdf) as tmp:
        tmp.write_bytes(data)
    return len(data)
