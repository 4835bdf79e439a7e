"""The editors' web page of ``attribution serve`` as an editor uses it: the real server
(tests/webserver.py) on a loopback port, opened in headless Chromium (Debian's
``chromium``, driven by Playwright) with its script on, as editors have it, and once
with JavaScript off, as the page must still be read.

The pages checked are served by the ``server`` fixture on 127.0.0.1, the host the
test profile allows. A screenshot of an answer and of a page's history are kept as
test artefacts in ``test-artifacts/`` (or the folder ``ATTRIBUTION_TEST_ARTIFACTS``
names)."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from browsers import artefacts, launched_chromium, needs_browser
from conftest import LoopbackServer, send
from sqlalchemy import create_engine, text
from webserver import EXAMPLE_BASE, WebServer, running_server, web_profile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "seed-article.html").read_bytes()
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
# A check fetches a page and reads its images: generous on a busy machine.
WAIT_MS = 120_000

SCRIPT_CAPTION = "<script>window.pwned=1</script>"
ONERROR_CREDIT = "<img src=x onerror=window.pwned=2>"
# The caption and credit hold markup as text: escaped in the page's source.
HOSTILE_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A hostile caption</title></head>
<body><article><h1>A hostile caption</h1>
<figure>
<img src="https://images.news.example/harbour.jpg" alt="The harbour at dawn" width="800" height="533">
<figcaption>&lt;script&gt;window.pwned=1&lt;/script&gt; The harbour at dawn.
<span class="credit">Photo: &lt;img src=x onerror=window.pwned=2&gt; / Flickr (CC BY 2.0)</span>
</figcaption>
</figure>
<p>The boats leave before the sun is up.</p>
</article></body></html>
"""


pytestmark = needs_browser("browser tests")


def serve_page(server: LoopbackServer, path: str, body: bytes) -> str:
    """Serve ``body`` as HTML at ``path`` of the loopback server; its address."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, body)

    server.routes[path] = route
    return server.url(path)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/web.db"


@pytest.fixture
def web(database: str) -> Iterator[WebServer]:
    """The application on a loopback port, over its own SQLite file."""
    with running_server(web_profile(database)) as running:
        yield running


class Tab:
    """A tab of its own browser context, with a record of what the console said, the
    Content-Security-Policy violations the page reported, and the dialogs it opened."""

    def __init__(self, browser: Any, *, javascript: bool = True) -> None:
        self.context = browser.new_context(
            java_script_enabled=javascript,
            viewport={"width": 1280, "height": 900},
            permissions=["clipboard-read", "clipboard-write"] if javascript else [],
        )
        self.context.set_default_timeout(WAIT_MS)
        self.context.set_default_navigation_timeout(WAIT_MS)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))
        self.page.on(
            "dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss())
        )
        if javascript:
            # Run by the browser before any page script, and not subject to the policy.
            self.page.add_init_script(
                "window.__violations = [];"
                "document.addEventListener('securitypolicyviolation', (event) =>"
                " window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));"
            )

    def violations(self) -> list[str]:
        reported: list[str] = self.page.evaluate("window.__violations")
        logged = [line for line in self.console if "Content Security Policy" in line]
        return reported + logged

    def check_address(self, web: WebServer, url: str) -> None:
        """Open the form, give ``url``, send it and wait for the answer."""
        self.page.goto(web.url("/"))
        self.page.fill("#url", url)
        with self.page.expect_navigation(url=web.url("/check")):
            self.page.click("form.check button[type=submit]")
        self.page.wait_for_selector("section.verdict, .error-message")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    opened = Tab(browser)
    yield opened
    opened.close()


def finding(page: Any, rule: str) -> Any:
    """The finding of ``rule`` on the answer page (exactly one)."""
    found = page.locator("li.finding").filter(has=page.locator("code.rule", has_text=rule))
    assert found.count() == 1, rule
    return found


def rules(page: Any, severity: str) -> list[str]:
    codes = page.locator(f"li.finding.severity-{severity} code.rule").all_inner_texts()
    return sorted(codes)


def runs(database: str) -> int:
    engine = create_engine(database)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT COUNT(*) FROM runs")).scalar_one()
    engine.dispose()
    return int(count)


def test_an_editor_checks_the_example_and_copies_a_corrected_line(
    web: WebServer, server: LoopbackServer, tab: Tab
) -> None:
    address = serve_page(server, "/2023/09/trump-kim-putin-xi-art.html", EXAMPLE)
    tab.check_address(web, address)
    page = tab.page

    assert page.locator("section.verdict h1").inner_text() == (
        "Fix the findings below before publishing."
    )
    assert "verdict-failed" in (page.locator("section.verdict").get_attribute("class") or "")
    images = page.locator("article.image")
    assert images.count() == 2
    captions = page.locator("article.image dd.caption").all_inner_texts()
    assert captions[0] == "Art depicting Donald Trump and Kim Jong Un."
    assert captions[1].startswith("President of the People\u2019s Republic of China Xi Jinping")
    assert "arctic penguin / Flickr" in images.nth(0).locator("dd.credit").inner_text()
    assert "President of Russia / Wikimedia" in images.nth(1).locator("dd.credit").inner_text()

    assert rules(page, "error") == ["nc-commercial-use"]
    assert rules(page, "warning") == ["attribution-incomplete", "licence-not-linked"]
    assert page.locator("li.finding").count() == 3
    assert page.locator(".counts .count.severity-error").inner_text() == "1 error"
    assert page.locator(".counts .count.severity-warning").inner_text() == "2 warnings"
    # The colour classes reach the page's style sheet (the policy lets it load).
    error_colour = finding(page, "nc-commercial-use").locator(".badge")
    warning_colour = finding(page, "licence-not-linked").locator(".badge")
    assert error_colour.evaluate("e => getComputedStyle(e).color") == "rgb(179, 38, 30)"
    assert warning_colour.evaluate("e => getComputedStyle(e).color") == "rgb(138, 90, 0)"

    unlinked = finding(page, "licence-not-linked")
    shown = unlinked.locator("output.line-text").inner_text()
    assert CC_BY_4 in shown  # the line in text fixes what the finding is about
    as_text = unlinked.locator("button.copy-text")
    as_html = unlinked.locator("button.copy-html")
    assert as_text.is_visible() and as_html.is_visible()  # the script showed them

    page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
    as_text.click()
    page.wait_for_function(
        "async () => (await navigator.clipboard.readText()) !== 'nothing copied yet'",
        polling=100,
    )
    assert page.evaluate("navigator.clipboard.readText()") == shown

    page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
    as_html.click()
    page.wait_for_function(
        "async () => (await navigator.clipboard.readText()) !== 'nothing copied yet'",
        polling=100,
    )
    assert page.evaluate("navigator.clipboard.readText()") == shown  # the text fallback
    markup = page.evaluate(
        """async () => {
            for (const item of await navigator.clipboard.read()) {
                if (item.types.includes('text/html')) {
                    return await (await item.getType('text/html')).text();
                }
            }
            return null;
        }"""
    )
    assert markup is not None and f'href="{CC_BY_4}"' in markup
    assert markup.endswith(unlinked.locator("details.markup pre").inner_text())

    assert not tab.violations()
    assert not tab.dialogs
    path = artefacts() / "web-check-result.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_markup_in_a_caption_stays_text_and_never_runs(
    web: WebServer, server: LoopbackServer, tab: Tab
) -> None:
    tab.check_address(web, serve_page(server, "/hostile.html", HOSTILE_PAGE))
    page = tab.page

    assert page.locator("article.image").count() == 1
    caption = page.locator("article.image dd.caption").inner_text()
    credit = page.locator("article.image dd.credit").inner_text()
    assert SCRIPT_CAPTION in caption
    assert ONERROR_CREDIT in credit
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("img[src='x'], img[onerror], main script").count() == 0
    # The one script the page has is the server's file, and it ran: its buttons show.
    sources = page.evaluate("Array.from(document.scripts, (s) => s.getAttribute('src'))")
    assert sources == ["/static/web.js"]
    assert page.locator("button.copy-text").first.is_visible()
    assert not tab.violations()
    assert not tab.dialogs


@pytest.mark.parametrize(
    "address",
    ["http://10.0.0.1/story", "http://169.254.169.254/latest/meta-data/", "localhost"],
)
def test_a_private_address_is_refused_with_a_clear_message(
    web: WebServer, server: LoopbackServer, tab: Tab, database: str, address: str
) -> None:
    if address == "localhost":
        # A page that is there, on loopback, under a host name the profile does not allow.
        address = serve_page(server, "/story.html", EXAMPLE).replace("127.0.0.1", "localhost")
    tab.check_address(web, address)
    page = tab.page
    assert page.locator("section.verdict h1").inner_text() == "The page could not be checked."
    assert "verdict-unreadable" in (page.locator("section.verdict").get_attribute("class") or "")
    reason = page.locator("section.verdict .error-message").inner_text()
    assert "private address" in reason
    assert page.locator("article.image").count() == 0
    assert not server.requests  # never fetched


def test_an_editor_without_javascript_checks_pasted_html(web: WebServer, browser: Any) -> None:
    plain = Tab(browser, javascript=False)
    try:
        page = plain.page
        page.goto(web.url("/"))
        assert not page.locator("#html").is_visible()  # folded away at first
        page.click("form.check details:not(.options) > summary")
        page.fill("#html", EXAMPLE.decode("utf-8"))
        page.fill("#base_url", EXAMPLE_BASE)
        with page.expect_navigation(url=web.url("/check")):
            page.click("form.check button[type=submit]")
        page.wait_for_selector("section.verdict")

        assert page.locator("section.verdict h1").inner_text() == (
            "Fix the findings below before publishing."
        )
        assert page.locator("article.image").count() == 2
        assert rules(page, "error") == ["nc-commercial-use"]
        assert rules(page, "warning") == ["attribution-incomplete", "licence-not-linked"]
        assert EXAMPLE_BASE in page.locator("p.page-url").inner_text()
        lines = page.locator("output.line-text").all_inner_texts()
        assert len(lines) == 2 and all(line.startswith("Photo: ") for line in lines)
        buttons = page.locator("button.copy-text, button.copy-html")
        assert buttons.count() == 4
        assert not any(button.is_visible() for button in buttons.all())
        assert not page.locator("form.check .progress").is_visible()
    finally:
        plain.close()


def test_the_history_shows_both_checks_and_the_resolved_finding(
    web: WebServer, server: LoopbackServer, tab: Tab
) -> None:
    unlinked = b"(CC BY 4.0)</p></div>"
    assert EXAMPLE.count(unlinked) == 1
    linked = EXAMPLE.replace(
        unlinked, b', <a href="' + CC_BY_4.encode() + b'" rel="license">CC BY 4.0</a></p></div>'
    )
    address = serve_page(server, "/story.html", EXAMPLE)
    tab.check_address(web, address)
    assert "licence-not-linked" in rules(tab.page, "warning")

    serve_page(server, "/story.html", linked)  # the editor links the licence
    tab.check_address(web, address)
    page = tab.page
    assert rules(page, "warning") == ["attribution-incomplete"]

    with page.expect_navigation():
        page.click("text=earlier checks of this page")
    page.wait_for_selector("section.snapshot")
    assert page.locator("h1").inner_text() == "Earlier checks of a page"
    assert page.locator("section.snapshot").count() == 2
    rows = page.locator("table.history-findings tbody tr")
    statuses = {
        row.locator("code").inner_text(): row.locator("td.status").inner_text()
        for row in rows.all()
    }
    assert statuses == {
        "nc-commercial-use": "open",
        "attribution-incomplete": "open",
        "licence-not-linked": "resolved",
    }
    resolved = rows.filter(has=page.locator("code", has_text="licence-not-linked"))
    assert "status-resolved" in (resolved.locator("td.status").get_attribute("class") or "")
    assert not tab.violations()
    path = artefacts() / "web-page-history.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_a_form_sent_from_another_site_is_refused_and_checks_nothing(
    web: WebServer, server: LoopbackServer, tab: Tab, database: str
) -> None:
    target = serve_page(server, "/story.html", EXAMPLE)
    # Another origin (the same host on another port): a form that posts to the server,
    # which its visitor is lured into sending. It cannot know the browser's form token.
    forged = f"""<!doctype html><html><head><title>Win a prize</title></head><body>
<form method="post" action="{web.url("/check")}" enctype="multipart/form-data">
<input type="hidden" name="url" value="{target}">
<input type="hidden" name="csrf" value="{"x" * 43}">
<button type="submit">Claim your prize</button>
</form></body></html>"""
    lure = serve_page(server, "/prize.html", forged.encode())

    page = tab.page
    page.goto(web.url("/"))  # the editor has the server open: the browser holds its cookie
    assert any(cookie["name"] == "attribution_csrf" for cookie in tab.context.cookies())
    page.goto(lure)
    with page.expect_navigation(url=web.url("/check")) as sent:
        page.click("text=Claim your prize")
    assert sent.value is not None and sent.value.status == 403
    assert "The form had expired" in page.locator(".error-message").inner_text()

    # Without any cookie at all (a client that never opened the page).
    stranger = tab.context.browser.new_context()
    try:
        answer = stranger.request.post(
            web.url("/check"), multipart={"url": target, "csrf": "x" * 43}, timeout=WAIT_MS
        )
        assert answer.status == 403
    finally:
        stranger.close()

    assert [path for path, _ in server.requests if path == "/story.html"] == []
    assert runs(database) == 0
    recorded = tab.context.request.get(web.url("/api/findings?status=all"))
    assert recorded.status == 200 and recorded.json() == []
