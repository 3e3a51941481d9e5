"""report.html renders in a real headless browser (Debian's chromium) with no console errors.

Driven through the Chrome DevTools Protocol (websocket-client): open about:blank, enable the
Log and Runtime domains, navigate to the report, wait for the load event, then ask the page
whether every image decoded. A positive control (a page with a broken image and a blocked
script) checks that the error capture works, so "no errors" is not vacuous.
Skips when chromium or websocket-client is absent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import release_fixture as rf

websocket = pytest.importorskip("websocket", reason="pip install websocket-client")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

#: Upper bound on any single wait for the browser (seconds); not a timing assertion.
WAIT_S = 60


class Browser:
    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-extensions",
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # its own temporary files (org.chromium.Chromium.*, left when it is stopped) go
            # into the test's folder, not the machine's /tmp
            env={**os.environ, "TMPDIR": str(profile)},
        )
        assert self.proc.stderr is not None
        port = None
        for line in self.proc.stderr:  # "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/..."
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m:
                port = int(m.group(1))
                break
        assert port is not None, "chromium did not start its DevTools endpoint"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=WAIT_S) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=WAIT_S, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                assert "error" not in msg, msg
                result: dict[str, Any] = msg["result"]
                return result
            self.events.append(msg)

    def wait_event(self, method: str) -> None:
        if any(e.get("method") == method for e in self.events):
            return
        while True:
            msg = json.loads(self.ws.recv())
            self.events.append(msg)
            if msg.get("method") == method:
                return

    def load(self, path: Path) -> dict[str, Any]:
        """Navigate to ``path``; return the page's image and heading facts after the load event."""
        self.events.clear()
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_event("Page.loadEventFired")
        expr = (
            "JSON.stringify({images: document.images.length,"
            " decoded: Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length,"
            " h1: (document.querySelector('h1') || {}).textContent || '', tables: document.querySelectorAll('table').length})"
        )
        res = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        facts: dict[str, Any] = json.loads(res["result"]["value"])
        return facts

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries (CSP violations, failed loads)."""
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(
                    "console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
                )
            elif m == "Runtime.exceptionThrown":
                out.append("exception: " + p.get("exceptionDetails", {}).get("text", ""))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append("log: " + p["entry"].get("text", ""))
        return out

    def close(self) -> None:
        self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


def test_error_capture_works_on_a_broken_page(tmp_path: Path, browser: Browser) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:">'
        "</head><body><h1>x</h1><img src='data:image/png;base64,AAAA'><script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    facts = browser.load(bad)
    assert facts["images"] == 1 and facts["decoded"] == 0
    assert any("Content Security Policy" in e or "Content-Security-Policy" in e for e in browser.errors()), (
        browser.errors()
    )


def test_report_renders_without_console_errors(tmp_path: Path, browser: Browser) -> None:
    out = tmp_path / "rel"
    rf.build_finalised_release(out)
    facts = browser.load(out / "report.html")
    assert browser.errors() == []
    assert facts == {"images": 7, "decoded": 7, "h1": "fixture — release report", "tables": 9}


def test_demo_report_renders(demo_release: Path, tmp_path: Path, browser: Browser) -> None:
    demo = demo_release
    from altedic.release.report import render_report
    from altedic.release.stats import release_stats

    manifest = json.loads((demo / "manifest.json").read_text("utf-8"))
    page_dir = tmp_path / "demo"
    page_dir.mkdir()
    page = render_report(release_stats(demo, manifest), manifest)
    (page_dir / "report.html").write_text(page, encoding="utf-8")
    facts = browser.load(page_dir / "report.html")
    assert browser.errors() == []
    assert facts["images"] == facts["decoded"] >= 5
