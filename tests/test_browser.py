"""The HTML report and the documentation's home page in a real browser (headless Chromium).

Each page is served from a local HTTP server on 127.0.0.1 and opened in Debian's ``chromium``,
driven over the Chrome DevTools protocol (websocket-client). A page passes when it logs no
console error or uncaught exception, fetches nothing from any other host (the report is
self-contained; the site uses no CDN or web fonts), and every diagram is drawn at a non-zero
size. The report's diagrams must also fit a 1280-pixel-wide window without scrolling sideways
and keep their text at least 10 pixels high, as the browser draws them (the font size of each
SVG text element times the scale its coordinate system is drawn at): the bundled example's,
and those of a model discovered from a real log (receipt). A full-page screenshot of
each page goes to ``tests/_artifacts/`` for CI to keep.

Off CI, the tests skip when chromium (or, for the docs, mkdocs) is missing; with ``CI=true``
they fail instead.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
ARTIFACTS = ROOT / "tests" / "_artifacts"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)
# A diagram is an SVG drawn by bpr: inline in the report, an image in the docs.
DIAGRAMS = """JSON.stringify(
  [...document.querySelectorAll('.diagram > svg, img.diagram')].map(e => {
    const box = e.getBoundingClientRect();
    return {tag: e.tagName.toLowerCase(), width: box.width, height: box.height,
            loaded: e.tagName !== 'IMG' || (e.complete && e.naturalWidth > 0)};
}))"""
# How the report's inline diagrams sit in the window: widths against the room they have, and
# the smallest text each shows, in CSS pixels.
FIT = """JSON.stringify({
  window: window.innerWidth,
  page: document.documentElement.scrollWidth,
  diagrams: [...document.querySelectorAll('.diagram > svg')].map(svg => {
    const box = svg.parentElement;
    const sizes = [...svg.querySelectorAll('text')].map(t => {
      const m = t.getScreenCTM();
      return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
    });
    return {width: svg.getBoundingClientRect().width, room: box.clientWidth,
            scrolls: box.scrollWidth > box.clientWidth, texts: sizes.length,
            smallest: Math.min(...sizes)};
  })
})"""
TIMEOUT = 60.0


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


class DevTools:
    """One Chromium page, driven over the DevTools protocol; events are kept as they come."""

    def __init__(self, profile: Path) -> None:
        import websocket

        self.process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = self._port(profile / "DevToolsActivePort")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            page = next(t for t in json.load(answer) if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=TIMEOUT)
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def _port(self, announced: Path) -> int:
        # Chromium writes the port it chose into the profile once it listens.
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if announced.exists() and (text := announced.read_text().split("\n"))[0]:
                return int(text[0])
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited with code {self.process.returncode}")
            time.sleep(0.1)
        raise TimeoutError("chromium did not open its DevTools port")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send a command and return its result; events that arrive meanwhile are kept."""
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, method: str) -> dict[str, Any]:
        seen = len(self.events)
        while not any(e["method"] == method for e in self.events[seen:]):
            self.events.append(json.loads(self.socket.recv()))
        return next(e for e in self.events[seen:] if e["method"] == method)

    def open(self, url: str) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        self.settle()

    def settle(self) -> None:
        """Wait two animation frames: the page has been laid out and painted since."""
        self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def evaluate(self, expression: str) -> Any:
        result = self.call(
            "Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        """A PNG of the whole page, not only the window."""
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=min(int(size["height"]) + 1, 16000),
            deviceScaleFactor=1,
            mobile=False,
        )
        self.settle()  # lay the page out again in the tall window before taking the picture
        shot = self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser-logged errors, in order."""
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                words = (a.get("value", a.get("description")) for a in params["args"])
                found.append(" ".join(map(str, words)))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description", details["text"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"{params['entry']['text']} ({params['entry'].get('url', '')})")
        return found

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    pytest.importorskip("websocket", reason="websocket-client is in the test extra")
    devtools = DevTools(tmp_path / "chromium-profile")
    yield devtools
    devtools.close()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        # Chromium asks every http page for /favicon.ico whether or not it names one; a page
        # that names none is not at fault for the 404.
        if self.path == "/favicon.ico" and not Path(self.translate_path(self.path)).exists():
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a site's search worker cannot load from file://)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def check_page(browser: DevTools, folder: Path, page: str, screenshot: str) -> list[dict]:
    """Open ``page`` of ``folder``, save its screenshot and check it; return its diagrams."""
    with serve(folder) as origin:
        browser.open(origin + page)
        ARTIFACTS.mkdir(exist_ok=True)
        browser.screenshot(ARTIFACTS / screenshot)
        diagrams = json.loads(browser.evaluate(DIAGRAMS))
        assert browser.errors() == []
        elsewhere = [u for u in browser.requests() if not u.startswith((origin, "data:", "blob:"))]
        assert elsewhere == []
    assert diagrams, f"{page} shows no diagram"
    for diagram in diagrams:
        assert diagram["loaded"] and diagram["width"] > 50 and diagram["height"] > 50, diagram
    return diagrams


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_report_opens_without_errors_and_shows_its_diagrams(browser, tmp_path, lang):
    from bpr._demo import demo_inputs
    from bpr.analysis import analyze
    from bpr.report import report

    demo = demo_inputs(cases=60)
    analysis = analyze(
        demo.log,
        documented=demo.documented,
        annotations=demo.annotations,
        read={"timezone": "Asia/Tehran"},
        cases=50,
        replications=2,
    )
    report(analysis, lang=lang).save(tmp_path / "report.html")

    diagrams = check_page(browser, tmp_path, "report.html", f"report-{lang}.png")

    # The as-is, the gaps overlay and the as-is/to-be comparison, each inline.
    assert [d["tag"] for d in diagrams] == ["svg", "svg", "svg"]
    assert browser.evaluate("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
    assert_diagrams_fit(browser)


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_province_catalogue_report_opens_without_errors(browser, tmp_path, lang):
    # The bundled synthetic province: the dashboard (inquiry-link graph) and a service's page.
    from bpr.examples import province
    from bpr.portfolio import portfolio

    result = portfolio(province(), lang=lang)
    folder = tmp_path / "catalogue"
    result.save(folder)
    first = min(result.pages)

    diagrams = check_page(browser, folder, "catalog.html", f"catalog-{lang}.png")
    assert [d["tag"] for d in diagrams] == ["svg"]  # the inquiry-link graph
    assert browser.evaluate("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
    shown = browser.evaluate("document.querySelectorAll('table.priorities tbody tr').length")
    assert shown == 20  # the top of the ranking
    browser.events.clear()  # the next page is served from another port: its own requests
    check_page(browser, folder, f"services/{first}.html", f"catalog-{first}-{lang}.png")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_the_diagrams_of_a_discovered_model_fit_the_window(browser, tmp_path, lang):
    # A real log: the receipt log's discovered model has 27 steps and three times as many
    # gateways, and no step has an agency.
    from bpr.analysis import analyze
    from bpr.report import report

    analysis = analyze(ROOT / "tests" / "data" / "logs" / "receipt.xes.gz", simulate=False)
    assert len(analysis.as_is.steps) >= 20 and len(analysis.as_is.gateways) >= 40
    report(analysis, lang=lang).save(tmp_path / "report.html")

    diagrams = check_page(browser, tmp_path, "report.html", f"report-receipt-{lang}.png")

    assert [d["tag"] for d in diagrams] == ["svg", "svg"]  # the as-is and the comparison
    assert_diagrams_fit(browser)


def assert_diagrams_fit(browser: DevTools) -> None:
    """Each of the page's diagrams fits the 1280-pixel window with readable text: the page
    never scrolls sideways, nor does a diagram."""
    fit = json.loads(browser.evaluate(FIT))
    assert fit["page"] <= fit["window"] == 1280
    for diagram in fit["diagrams"]:
        assert diagram["width"] <= diagram["room"] and not diagram["scrolls"], diagram
        assert diagram["texts"] > 10 and diagram["smallest"] >= 10, diagram


def test_docs_home_page_opens_without_errors_and_shows_the_example(browser, tmp_path):
    if importlib.util.find_spec("mkdocs") is None:
        _unavailable('mkdocs is not installed: pip install -e ".[docs]"')
    site = tmp_path / "site"
    # The notebooks are not run here: the home page does not need them, and CI runs them
    # under pytest and again in its own `mkdocs build --strict`.
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "BPR_DOCS_EXECUTE": "false", "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr

    diagrams = check_page(browser, site, "index.html", "docs-home.png")

    # The example service as-is, and its redesign.
    assert [d["tag"] for d in diagrams] == ["img", "img"]
    assert browser.evaluate("document.title").startswith("bpr")
